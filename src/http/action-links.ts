import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { localSecret } from '../storage/local-secrets.ts';
import { inTransaction, markDone, markSkipped, rescheduleByUser } from '../storage/touch-repository.ts';

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

/** How many times each touch was snoozed by link (touches never snoozed are absent). */
export async function snoozeCounts(db: DB): Promise<Map<string, number>> {
  const rows = await db.selectFrom('used_links').select(['touch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('action', '=', 'snooze').groupBy('touch_id').execute();
  return new Map(rows.map((r) => [r.touch_id, Number(r.n)]));
}

export type LinkOutcome =
  | { readonly result: 'recorded'; readonly action: LinkAction; readonly touch: TouchRow; readonly movedTo?: string }
  | { readonly result: 'forged' }
  | { readonly result: 'used'; readonly touch: TouchRow | undefined }
  | { readonly result: 'not-open'; readonly touch: TouchRow }
  | { readonly result: 'unknown' };

/**
 * Uses a one-click token: checks the signature, records the token as used and the outcome
 * in the history, in one transaction — so a token works once even when two clicks race, and a
 * crash leaves either both or neither.
 */
export async function useLink(db: DB, secret: string, token: string, now: DateTime, zoneOf: (employee: string) => string): Promise<LinkOutcome> {
  const claim = verifyLink(secret, token);
  if (!claim) return { result: 'forged' };
  return inTransaction(db, async (trx) => {
    const touch = await trx.selectFrom('touches').selectAll().where('id', '=', claim.touchId).executeTakeFirst();
    const hash = createHash('sha256').update(token).digest('hex');
    const used = await trx.selectFrom('used_links').select('used_at').where('token_hash', '=', hash).executeTakeFirst();
    if (used) return { result: 'used', touch };
    if (!touch) return { result: 'unknown' };
    if (touch.status !== 'planned') return { result: 'not-open', touch };
    // A snooze link from before the last snooze: that event has been rewritten with a new one.
    if (claim.action === 'snooze' && claim.snoozes < ((await snoozeCounts(trx)).get(touch.id) ?? 0)) return { result: 'used', touch };
    const at = now.toUTC().toISO()!;
    await trx.insertInto('used_links').values({ token_hash: hash, touch_id: touch.id, action: claim.action, used_at: at }).execute();
    const zone = zoneOf(touch.employee_id);
    const today = now.setZone(zone).toISODate()!;
    if (claim.action === 'done') {
      return { result: 'recorded', action: 'done', touch: await markDone(trx, touch.id, { at, date: today, by: touch.employee_id, note: 'marked done from the calendar link' }) };
    }
    if (claim.action === 'skip') {
      return { result: 'recorded', action: 'skip', touch: await markSkipped(trx, touch.id, { at, date: today, by: touch.employee_id, note: 'skipped from the calendar link' }) };
    }
    const to = snoozedAWeek(touch, zone);
    await rescheduleByUser(trx, touch.id, to, at, 'snoozed a week from the calendar link');
    return { result: 'recorded', action: 'snooze', touch, movedTo: to.date };
  });
}

/** The same local time a week later in the employee's zone (all-day touches: the date a week later). */
function snoozedAWeek(touch: TouchRow, zone: string): { date: string; start: string; end: string } {
  if (touch.all_day) {
    const date = DateTime.fromISO(touch.date, { zone }).plus({ weeks: 1 });
    return { date: date.toISODate()!, start: date.toISODate()!, end: date.plus({ days: 1 }).toISODate()! };
  }
  const start = DateTime.fromISO(touch.start_at, { zone }).plus({ weeks: 1 });
  const end = DateTime.fromISO(touch.end_at, { zone }).plus({ weeks: 1 });
  return { date: start.toISODate()!, start: start.toISO()!, end: end.toISO()! };
}
