import { plainNote } from '../domain/plain-text.ts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { localSecret } from '../storage/local-secrets.ts';
import { forgetUsedTokens, isTokenUsed, linkVersion, recordUsedToken, touchById } from '../storage/used-links.ts';
import { inTransaction, markDone, markSkipped, reopenTouch, rescheduleByUser } from '../storage/touch-repository.ts';
import { timedAgenda } from '../storage/workflow-repository.ts';
import { addDays } from '../planner/dates.ts';

export type LinkAction = 'done' | 'skip' | 'snooze';
const ACTIONS: readonly LinkAction[] = ['done', 'skip', 'snooze'];
/** done.<touch id, 32 hex>.<snoozes so far>.<22 characters of HMAC> */
const TOKEN = /^(done|skip|snooze)\.([0-9a-f]{32})\.(\d{1,4})\.([A-Za-z0-9_-]{22})$/;

/** TOUCHBASE_LINK_SECRET, or one generated and kept in the database. */
export async function linkSecret(db: DB, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return localSecret(db, 'links', env.TOUCHBASE_LINK_SECRET);
}

/**
 * The one-click token for an action on a touch. It is a signature, not a stored row, so the
 * event description is the same on every sync (an employee moving the event changes nothing
 * in it). It counts the snoozes so far: each snooze rewrites the event anyway, with a fresh
 * snooze link, while the used one stays used.
 */
export function signLink(secret: string, touchId: string, action: LinkAction, snoozes: number): string {
  const payload = `${action}.${touchId.replace(/-/g, '')}.${snoozes}`;
  return `${payload}.${signature(secret, payload)}`;
}

function signature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`link:${payload}`).digest('base64url').slice(0, 22);
}

export interface LinkClaim {
  readonly action: LinkAction;
  readonly touchId: string;
  readonly snoozes: number;
}

/** The claim of a genuine token, or undefined for a malformed or forged one. */
export function verifyLink(secret: string, token: string): LinkClaim | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const [, action, hex, n, sig] = m as unknown as [string, LinkAction, string, string, string];
  const expected = Buffer.from(signature(secret, `${action}.${hex}.${n}`));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return undefined;
  const touchId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { action, touchId, snoozes: Number(n) };
}

/** The three links for a touch's event description. */
export function actionUrls(secret: string, baseUrl: string, touchId: string, snoozes: number): Record<LinkAction, string> {
  return Object.fromEntries(ACTIONS.map((a) => [a, `${baseUrl}/a/${signLink(secret, touchId, a, snoozes)}`])) as Record<LinkAction, string>;
}

/** The version of each touch's links: its snoozes and the times it changed hands (touches at 0 are absent). */
export { linkVersions } from '../storage/used-links.ts';

export type LinkOutcome =
  | { readonly result: 'recorded'; readonly action: LinkAction; readonly touch: TouchRow; readonly movedTo?: string; readonly undo?: string }
  | { readonly result: 'forged' }
  | { readonly result: 'used'; readonly touch: TouchRow | undefined }
  | { readonly result: 'outdated'; readonly touch: TouchRow }
  | { readonly result: 'not-open'; readonly touch: TouchRow }
  /** A greeting whose holiday comes before a week is out, due on the last working day before it already: not put off past it. */
  | { readonly result: 'holiday'; readonly touch: TouchRow }
  | { readonly result: 'unknown' };

/** Why a link with a valid signature cannot be used. */
type Refusal = Exclude<LinkOutcome, { result: 'recorded' | 'forged' }>;

/**
 * The link's touch when the link can be used; else why not (already used, its touch gone or no
 * longer open, a snooze link of an event since rewritten).
 */
async function usable(db: DB, claim: NonNullable<ReturnType<typeof verifyLink>>, token: string): Promise<{ refused: Refusal } | { touch: TouchRow }> {
  const touch = await touchById(db, claim.touchId);
  if (await isTokenUsed(db, createHash('sha256').update(token).digest('hex'))) return { refused: { result: 'used', touch } };
  if (!touch) return { refused: { result: 'unknown' } };
  if (touch.status !== 'planned') return { refused: { result: 'not-open', touch } };
  // A link of an event since rewritten with newer ones: snoozed, or the touch has changed hands
  // (the link is in the calendar of whoever held it before).
  if (claim.snoozes < await linkVersion(db, touch.id)) return { refused: { result: 'outdated', touch } };
  return { touch };
}

/**
 * What opening a link (a GET, which records nothing) shows: why it cannot be used, at once,
 * rather than a button that only then says so; else its action and touch, for the button.
 */
export async function peekLink(
  db: DB, secret: string, token: string, zoneOf?: (employee: string) => string, workdays?: () => Promise<IsWorkday>,
): Promise<{ refused: Exclude<LinkOutcome, { result: 'recorded' }> } | { action: LinkAction; touch: TouchRow }> {
  const claim = verifyLink(secret, token);
  if (!claim) return { refused: { result: 'forged' } };
  const found = await usable(db, claim, token);
  if ('refused' in found) return found;
  // A greeting that cannot be put off is said so at once, not after a button (as the other refusals are).
  if (claim.action === 'snooze' && isGreeting(found.touch)) {
    const isWorkday = workdays ? await workdays() : undefined;
    const workday = isWorkday && ((date: string) => isWorkday(found.touch.employee_id, date));
    if (!greetingBound(found.touch, snoozedAWeek(found.touch, zoneOf?.(found.touch.employee_id) ?? 'UTC', workday), workday)) return { refused: { result: 'holiday', touch: found.touch } };
  }
  return { action: claim.action, touch: found.touch };
}

/** A campaign's greeting: held to its holiday (a campaign's letter or news goes a week on, as any touch). */
function isGreeting(touch: Pick<TouchRow, 'source' | 'kind'>): boolean {
  return touch.source.startsWith('campaign:') && touch.kind === 'greeting';
}

/** The same for an undo link: forged, expired or used, or undefined when it can be used. */
export async function peekUndo(db: DB, secret: string, token: string, now: DateTime): Promise<Exclude<UndoOutcome, { result: 'undone' | 'changed' }> | undefined> {
  const claim = verifyUndo(secret, token);
  if (!claim) return { result: 'forged' };
  if (now > claim.expires) return { result: 'expired' };
  if (await isTokenUsed(db, createHash('sha256').update(token).digest('hex'))) return { result: 'used' };
  return undefined;
}

/**
 * Uses a one-click token: checks the signature, records the token as used and the outcome
 * in the history, in one transaction — so a token works once even when two clicks race, and a
 * crash leaves either both or neither.
 */
export async function useLink(
  db: DB, secret: string, token: string, now: DateTime, zoneOf: (employee: string) => string, input: { reason?: string; note?: string } = {},
  workdays?: () => Promise<IsWorkday>,
): Promise<LinkOutcome> {
  const claim = verifyLink(secret, token);
  if (!claim) return { result: 'forged' };
  // Loaded for a snooze only (the holiday calendars are large for the daemon to hold otherwise).
  const isWorkday = claim.action === 'snooze' && workdays ? await workdays() : undefined;
  return usedMeanwhile(db, claim.touchId, () => inTransaction(db, async (trx) => {
    const found = await usable(trx, claim, token);
    if ('refused' in found) return found.refused;
    const { touch } = found;
    const hash = createHash('sha256').update(token).digest('hex');
    const at = now.toUTC().toISO()!;
    const zone = zoneOf(touch.employee_id);
    if (claim.action === 'snooze') {
      // A week from where the touch is: moved by another connection since the read above (the
      // daily check, a calendar read), a week from there; done or skipped meanwhile, said so, and
      // the link is not used up.
      for (let current: TouchRow | undefined = touch, tries = 0; current?.status === 'planned' && tries < 3; current = await touchById(trx, touch.id), tries++) {
        const workday = isWorkday && ((date: string) => isWorkday(current!.employee_id, date));
        const to = greetingBound(current, snoozedAWeek(current, zone, workday, await freeOf(trx, current)), workday);
        if (!to) return { result: 'holiday', touch: current };
        if (!await rescheduleByUser(trx, touch.id, to, at, 'snoozed a week from the calendar link', { from: current })) continue;
        await recordUsedToken(trx, { tokenHash: hash, touchId: touch.id, action: claim.action, at });
        return { result: 'recorded', action: 'snooze', touch: current, movedTo: to.date };
      }
      return { result: 'not-open', touch: (await touchById(trx, touch.id)) ?? touch };
    }
    await recordUsedToken(trx, { tokenHash: hash, touchId: touch.id, action: claim.action, at });
    const today = now.setZone(zone).toISODate()!;
    const undo = signUndo(secret, touch.id, claim.action === 'done' ? 'done' : 'skipped', now.plus({ minutes: UNDO_MINUTES }));
    if (claim.action === 'done') {
      // The employee's note, as one line of plain text (see the reason below), else where it was marked.
      const note = plainNote(input.note ?? '') || 'marked done from the calendar link';
      return { result: 'recorded', action: 'done', undo, touch: await markDone(trx, touch.id, { at, date: today, by: touch.employee_id, note }) };
    }
    // The reason is recorded as `touchbase skip --reason` records it; the page refuses an empty one.
    // As one line of plain text: whoever holds the link is not someone to trust with a terminal's escape codes.
    const reason = plainNote(input.reason ?? '') || 'skipped from the calendar link';
    return { result: 'recorded', action: 'skip', undo, touch: await markSkipped(trx, touch.id, { at, date: today, by: touch.employee_id, note: reason }) };
  }));
}

/**
 * The same link pressed twice at once (a double click; a mail scanner and a person): on
 * PostgreSQL both requests may find it unused, and the second one's record of it then breaks
 * the used-links key when the first commits. That click found it used: said so, as any later
 * one is — not a server error.
 */
async function usedMeanwhile<T>(db: DB, touchId: string, work: () => Promise<T>): Promise<T | { result: 'used'; touch: TouchRow | undefined }> {
  try {
    return await work();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return { result: 'used', touch: await touchById(db, touchId) };
  }
}

/** The used links' key broken (PostgreSQL 23505 on used_links; SQLite's constraint error, should it ever happen there): any other is a fault, not a double press. */
function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | undefined;
  const ofUsedLinks = String(e?.constraint ?? '').startsWith('used_links') || String(e?.message ?? '').includes('used_links');
  return ofUsedLinks && (e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE');
}

/** Whether a day is a working day of an employee (their weekends and public holidays). */
export type IsWorkday = (employee: string, date: string) => boolean;

/** The furthest a snooze goes looking for a working day with the touch's hour free. */
const SNOOZE_DAYS_AT_MOST = 21;

/**
 * Whether the employee's hour is free of their other meetings and calls (planned or done) on the
 * days a snooze may take: "Meetings of one employee never overlap" holds for a snoozed one too, and
 * a call nobody touched is not moved by the plan's next full pass to make room for it. All-day
 * touches take no one's time.
 */
async function freeOf(db: DB, touch: TouchRow): Promise<((start: DateTime, end: DateTime) => boolean) | undefined> {
  if (touch.all_day) return undefined;
  const agenda = (await timedAgenda(db, addDays(touch.date, 7), addDays(touch.date, SNOOZE_DAYS_AT_MOST + 1), [touch.employee_id]))
    .map((a) => [DateTime.fromISO(a.start_at).toMillis(), DateTime.fromISO(a.end_at).toMillis()] as const);
  return (start, end) => !agenda.some(([from, to]) => from < end.toMillis() && start.toMillis() < to);
}

/**
 * The same local time a week later in the employee's zone (all-day touches: the date a week
 * later) — or, when that day is not one of theirs to work (23 February in Russia) or that hour is
 * taken by another of their meetings or calls, the next day that is free, up to three weeks on.
 */
function snoozedAWeek(
  touch: TouchRow, zone: string, isWorkday?: (date: string) => boolean, isFree?: (start: DateTime, end: DateTime) => boolean,
): { date: string; start: string; end: string } {
  let days = 7;
  const base = DateTime.fromISO(touch.all_day ? touch.date : touch.start_at, { zone });
  const length = touch.all_day ? undefined : DateTime.fromISO(touch.end_at, { zone }).diff(base);
  const fits = (d: number) => {
    const start = base.plus({ days: d });
    if (isWorkday && !isWorkday(start.toISODate()!)) return false;
    return !isFree || !length || isFree(start, start.plus(length));
  };
  while (days < SNOOZE_DAYS_AT_MOST && !fits(days)) days++;
  if (touch.all_day) {
    const date = base.plus({ days });
    return { date: date.toISODate()!, start: date.toISODate()!, end: date.plus({ days: 1 }).toISODate()! };
  }
  const start = base.plus({ days });
  const end = DateTime.fromISO(touch.end_at, { zone }).plus({ days });
  return { date: start.toISODate()!, start: start.toISO()!, end: end.toISO()! };
}

/**
 * A greeting put off a week past its holiday (its window's end) is a belated one (QA: an 8 March
 * greeting snoozed to the 12th): it goes to the last working day up to the holiday instead, when
 * one is still ahead; undefined when none is (it is due on the last one already).
 */
function greetingBound(touch: TouchRow, to: { date: string; start: string; end: string }, isWorkday?: (date: string) => boolean): { date: string; start: string; end: string } | undefined {
  if (!isGreeting(touch) || to.date <= touch.window_to) return to;
  for (let day = DateTime.fromISO(touch.window_to); day.toISODate()! > touch.date; day = day.minus({ days: 1 })) {
    const date = day.toISODate()!;
    if (isWorkday && !isWorkday(date)) continue;
    if (touch.all_day) return { date, start: date, end: day.plus({ days: 1 }).toISODate()! };
    // A timed greeting (a campaign of meetings) keeps its hour on that day.
    const shift = { days: Math.round(day.diff(DateTime.fromISO(touch.date), 'days').days) };
    return { date, start: DateTime.fromISO(touch.start_at, { setZone: true }).plus(shift).toISO()!, end: DateTime.fromISO(touch.end_at, { setZone: true }).plus(shift).toISO()! };
  }
  return undefined;
}

/** How long the page after a done or skip click offers to undo it. */
export const UNDO_MINUTES = 15;
/** undo.<touch id, 32 hex>.<d|s>.<expiry, Unix seconds in base 36>.<22 characters of HMAC> */
const UNDO = /^undo\.([0-9a-f]{32})\.([ds])\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/;

/** The token that undoes an outcome recorded from a link until `expires`; signed like the links. */
export function signUndo(secret: string, touchId: string, was: 'done' | 'skipped', expires: DateTime): string {
  const payload = `undo.${touchId.replace(/-/g, '')}.${was[0]}.${Math.floor(expires.toSeconds()).toString(36)}`;
  return `${payload}.${signature(secret, payload)}`;
}

export type UndoClaim = { readonly touchId: string; readonly was: 'done' | 'skipped'; readonly expires: DateTime };

/** The claim of a genuine undo token (expired or not), or undefined for a malformed or forged one. */
export function verifyUndo(secret: string, token: string): UndoClaim | undefined {
  const m = UNDO.exec(token);
  if (!m) return undefined;
  const [, hex, was, expiry, sig] = m as unknown as [string, string, 'd' | 's', string, string];
  const expected = Buffer.from(signature(secret, `undo.${hex}.${was}.${expiry}`));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return undefined;
  const touchId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { touchId, was: was === 'd' ? 'done' : 'skipped', expires: DateTime.fromSeconds(parseInt(expiry, 36), { zone: 'utc' }) };
}

export type UndoOutcome =
  | { readonly result: 'undone'; readonly touch: TouchRow; readonly was: 'done' | 'skipped' }
  | { readonly result: 'forged' }
  | { readonly result: 'expired' }
  | { readonly result: 'used' }
  | { readonly result: 'changed'; readonly touch: TouchRow | undefined };

/**
 * Undoes a click: the touch is planned again (with a "restored" event in the history) and the
 * link that was clicked works again, in one transaction. Works once, until the token expires,
 * and only while the touch still has the outcome the click gave it.
 */
export async function useUndo(db: DB, secret: string, token: string, now: DateTime): Promise<UndoOutcome> {
  const claim = verifyUndo(secret, token);
  if (!claim) return { result: 'forged' };
  if (now > claim.expires) return { result: 'expired' };
  return usedMeanwhile(db, claim.touchId, () => inTransaction(db, async (trx) => {
    const hash = createHash('sha256').update(token).digest('hex');
    if (await isTokenUsed(trx, hash)) return { result: 'used' };
    const at = now.toUTC().toISO()!;
    const how = claim.was === 'done' ? 'marked done' : 'skipped';
    if (!(await reopenTouch(trx, claim.touchId, claim.was, at, `undone from the calendar link (it had been ${how})`))) {
      return { result: 'changed', touch: await touchById(trx, claim.touchId) };
    }
    await recordUsedToken(trx, { tokenHash: hash, touchId: claim.touchId, action: 'undo', at });
    // The calendar event's own link is usable again: the click is as if it never happened.
    await forgetUsedTokens(trx, claim.touchId, claim.was === 'done' ? 'done' : 'skip');
    return { result: 'undone', touch: (await touchById(trx, claim.touchId))!, was: claim.was };
  }));
}
