import { DateTime } from 'luxon';
import { instantOutOfRange } from '../domain/instant-range.ts';
import { clientNamed } from '../config/client-named.ts';
import type { Client, Config, Employee } from '../domain/types.ts';
import { contactsFor } from '../domain/selector.ts';
import { fillTitle } from '../domain/title-template.ts';
import type { DB } from '../storage/database.ts';
import { inTransaction } from '../storage/touch-outcomes.ts';
import { heldTimes, receivedEvent, recordReceivedEvent } from '../storage/workflow-repository.ts';
import { localDateOf, localToMs } from '../planner/zoned-time.ts';
import { insertWorkflowTouches, nextFreeStart, timedAt, workflowTouchId, type WorkflowTouch } from './workflow-touch.ts';
import { addDays, hasOffset } from '../planner/dates.ts';
import { translator } from '../i18n/translator.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { HANDOVER_HOPS, handoverChains, holderOn, holdingOn } from '../domain/team.ts';
import { codePoint, quote, UNSAFE_CHARACTERS } from '../config/config-issue.ts';
import { closest, closestName, didYouMean } from '../config/suggest.ts';

/** A business event as it arrives: from the CLI or POST /api/events. */

/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export interface BusinessEvent {
  readonly name: string;
  readonly client: string;
  /** What the event is about (an order number): the same name, client and ref is the same event. */
  readonly ref?: string;
  /** When it happened (ISO instant); default now. */
  readonly at?: string;
}

/** An event that cannot be taken: unknown name or client, a bad time. Nothing is recorded. */
export class EventRejectedError extends Error {}

/** Minutes a touch made by an event takes in the employee's calendar. */
const EVENT_TOUCH_MINUTES = 15;

/** How far after now an event's time may be: the sender's clock may run a little ahead. */
const CLOCK_SKEW_MS = 15 * 60_000;

/** How far ahead an event's touch looks for time its holder has free. */
const FREE_TIME_DAYS = 14;

/** How old an event may be when it is told (a late webhook after an outage: days; a year: a typo). */
export const MAX_EVENT_AGE_DAYS = 365;

/**
 * The touches an event makes, one per trigger on that event name: for the client's holder
 * of the trigger's role, timed in their working hours as soon as possible (after hours: at the
 * start of the next working day) where they have nothing else (`held`: the time their touches
 * hold, by employee), due within the trigger's `within`.
 */
export function eventTouches(
  config: Config, event: BusinessEvent, now: DateTime, held: ReadonlyMap<string, readonly (readonly [number, number])[]> = new Map(),
): { touches: WorkflowTouch[]; ref: string; at: string; client: string } {
  const triggers = config.triggers.filter((t) => t.event === event.name);
  if (triggers.length === 0) {
    const known = [...new Set(config.triggers.map((t) => t.event))].sort();
    throw new EventRejectedError(`unknown event "${event.name}": expected one of ${known.length ? known.join(', ') : '(no triggers are configured)'}${didYouMean(event.name, known)}`);
  }
  // By id, or as a CRM sends it: its own code or the client's name (as `touchbase event --client` takes it).
  const client = clientById(config, clientNamed(config, event.client) ?? event.client);
  if (!client) throw new EventRejectedError(`unknown client "${event.client}": no client has that id in the configuration${meantClient(config, event.client)}`);
  let at = now;
  if (event.at !== undefined) {
    at = DateTime.fromISO(event.at, { setZone: true });
    if (!at.isValid || !/T\d\d:\d\d/.test(event.at)) throw new EventRejectedError(`at: expected an ISO instant like 2027-03-02T14:30:00+03:00, found ${JSON.stringify(event.at)}`);
    // Without an offset the time would be read in this machine's zone, which is nobody's.
    if (!hasOffset(event.at)) {
      // The company's own offset at that time (Chisinau's +02:00 in winter, not Moscow's +03:00: QA).
      const local = DateTime.fromISO(event.at.trim(), { zone: config.settings.timezone });
      const offset = local.isValid ? local.toFormat('ZZ') : '+00:00';
      throw new EventRejectedError(`at: expected the time with its offset from UTC, like ${event.at.trim()}${offset} (${config.settings.timezone}) or ${event.at.trim()}Z, found ${JSON.stringify(event.at)}`);
    }
    const problem = instantOutOfRange(at);
    if (problem) throw new EventRejectedError(`at: ${problem} (in ${JSON.stringify(event.at)})`);
    if (at.toMillis() > now.toMillis() + CLOCK_SKEW_MS) {
      throw new EventRejectedError(`at: an event is sent once it has happened; ${JSON.stringify(event.at)} is after now (${now.toUTC().toISO({ suppressMilliseconds: true })})`);
    }
    // An event of long ago is a mistyped year (1900 for 2027), not news to act on tomorrow.
    if (at < now.minus({ days: MAX_EVENT_AGE_DAYS })) {
      throw new EventRejectedError(`at: expected a moment within the last ${MAX_EVENT_AGE_DAYS} days (a typo in the year?), found ${JSON.stringify(event.at)}`);
    }
  }
  // Without a ref, the event is known by its time: stored as the UTC instant (the same event
  // sent again finds it), shown as its holder reads times (below).
  // In one Unicode form: "é" sent as one character or as "e" and an accent is one ref (one event).
  // A ref sent empty is a CRM's empty field, not "no ref": known by its time instead, every retry
  // of it would be another event (another letter to the client).
  if (event.ref !== undefined && event.ref.trim() === '') throw new EventRejectedError(`ref: expected a reference (an order number), found ${JSON.stringify(event.ref)}: leave ref out for an event known by its time`);
  // A lone surrogate (JSON's "\ud800") is no text: it would be stored as U+FFFD, past the check below (QA).
  if (event.ref !== undefined && LONE_SURROGATE.test(event.ref)) throw new EventRejectedError('ref: expected printable text, found a lone UTF-16 surrogate (text that was not UTF-8)');
  const given = event.ref?.trim().normalize('NFC') || undefined;
  const ref = given ?? at.toUTC().toISO()!;
  const tr = translator(config.settings.language);
  if (ref.length > 200) throw new EventRejectedError('ref: expected at most 200 characters');
  // The ref goes into a calendar title: no control characters, no text-direction overrides
  // (which make a title read other than it is), no U+FFFD left by a wrong encoding.
  const unsafe = UNSAFE_CHARACTERS.exec(ref);
  if (unsafe) {
    throw new EventRejectedError(`ref: expected printable text, found ${codePoint(unsafe[0])} at character ${unsafe.index + 1}${unsafe[0] === '\ufffd' ? ' (text that was not UTF-8)' : ''}`);
  }
  // Two triggers of one event for one person: the second after the first.
  const taken = new Map<string, (readonly [number, number])[]>();
  const touches = triggers.map((trigger): WorkflowTouch => {
    // As a rule's, a contact role the client lacks makes no touch there (not a letter to whoever
    // it has): the event is refused as it stands, to be sent again once the contact is added.
    const contacts = contactsFor(trigger.theirs, client.contacts);
    if (contacts.length === 0) {
      throw new EventRejectedError(`no touch to make: ${client.id} has no contact ${trigger.theirs === 'all' ? 'at all' : `with the role ${trigger.theirs.join(' or ')}`} (trigger ${trigger.id}'s theirs) — add the contact (a row of contacts.csv with that role) and send the event again`);
    }
    const busyOf = (id: string) => {
      let busy = taken.get(id);
      if (!busy) taken.set(id, (busy = [...(held.get(id) ?? [])]));
      return busy;
    };
    // From now at the earliest: an event told late is still a call to make, not one already missed.
    const { employee, slot } = holderAndSlot(config, client, client.team[trigger.ours]!, Math.max(at.toMillis(), now.toMillis()), busyOf);
    busyOf(employee.id).push([slot.startMs, slot.startMs + EVENT_TOUCH_MINUTES * 60_000]);
    const dueMs = Math.max(slot.startMs, at.plus({ [trigger.within.unit]: trigger.within.n }).toMillis());
    // A title says "invoice.sent 06.03.2027 19:08" in the holder's zone, as the description does,
    // not "2027-03-06T16:08:00.000Z" (QA camp F4).
    const when = tr.dateTime(at.toISO()!, employee.timezone);
    const title = fillTitle(trigger.title ?? tr.t('title.event'), (key) => ({
      'client.name': client.name, 'client.id': client.id, contacts: contacts.map((c) => c.name).join(', '),
      'contact.name': contacts[0]?.name, 'contact.role': contacts[0]?.role, 'employee.name': employee.name,
      'event.ref': given ?? when, 'event.name': event.name, company: config.settings.company,
    } as Record<string, string | undefined>)[key]);
    return {
      identity: `trigger:${trigger.id}|${client.id}|${ref}`, source: `trigger:${trigger.id}`, kind: trigger.kind, client: client.id,
      contacts: contacts.map((c) => c.id), employee: employee.id, date: slot.date, ...timedAt(employee, slot.startMs, EVENT_TOUCH_MINUTES),
      allDay: false, title, dueBy: localDateOf(employee.timezone, dueMs), remind: [0],
      body: given ? tr.t('wf.event.body', { event: event.name, ref: given, at: when, within: tr.duration(trigger.within) })
        : tr.t('wf.event.bodyNoRef', { event: event.name, at: when, within: tr.duration(trigger.within) }),
    };
  });
  return { touches, ref, at: at.toUTC().toISO()!, client: client.id };
}

/**
 * Who makes an event's call, and when: whoever holds the role on the day it lands (a leaver's
 * clients are the successor's from `on`), at their first free time from `fromMs`. An event told
 * on Friday evening whose call goes on Monday, the handover day, is the successor's, at a time
 * they have free — not the leaver's, given on later at the same hour, on top of another call.
 */
function holderAndSlot(
  config: Config, client: Client, role: string, fromMs: number, busyOf: (employee: string) => readonly (readonly [number, number])[],
): { employee: Employee; slot: { date: string; startMs: number } } {
  const first = employeeById(config, role)!;
  let employee = employeeById(config, holderOn(config.handovers, role, localDateOf(first.timezone, fromMs)))!;
  let slot = nextFreeStart(config, employee, client, fromMs, EVENT_TOUCH_MINUTES, busyOf(employee.id));
  for (let hops = 0; hops < HANDOVER_HOPS; hops++) {
    const then = holdingOn(config.handovers, role, slot.date);
    if (then.holder === employee.id) break;
    // Handed over by that day: the successor's first free time from the day they take over.
    employee = employeeById(config, then.holder)!;
    slot = nextFreeStart(config, employee, client, Math.max(fromMs, localToMs(employee.timezone, then.since ?? slot.date, 0)), EVENT_TOUCH_MINUTES, busyOf(employee.id));
  }
  return { employee, slot };
}

/**
 * "; did you mean "stroymash"?" for a misspelt client id (or name: the CLI takes names too), as
 * `plan --client` says it; nothing when no client is near. Only on a refusal: it looks through every client.
 */
function meantClient(config: Config, written: string): string {
  const near = closest(written, config.clients.map((c) => c.id)) ?? closestName(written, config.clients.map((c) => c.name));
  return near === undefined ? '' : `; did you mean ${quote(near)}?`;
}

export interface EventOutcome {
  /** False when this event (name, client, ref) had been received before: nothing new was made. */
  readonly created: boolean;
  readonly touchIds: readonly string[];
  readonly ref: string;
}

/**
 * Receives an event: its touches and the event itself are recorded in one transaction, once,
 * each touch at a time its holder has free (read in the same transaction).
 */
export async function receiveEvent(db: DB, config: Config, event: BusinessEvent, now: DateTime): Promise<EventOutcome> {
  // Checked before anything is read: an unknown event or client is refused as it is.
  const draft = eventTouches(config, event, now);
  const ref = draft.ref;
  return inTransaction(db, async (trx) => {
    // Known by the client's id, however it was named (its code, its name): the same event sent both ways is one.
    const seen = await receivedEvent(trx, { name: event.name, client: draft.client, ref });
    if (seen) return { created: false, touchIds: seen, ref };
    const from = draft.touches.reduce((d, t) => (t.date < d ? t.date : d), draft.touches[0]!.date);
    // Their successors' too: a call pushed by their busy time past a handover's `on` is the successor's.
    const chainOf = handoverChains(config.handovers);
    const people = [...new Set(draft.touches.flatMap((t) => chainOf(t.employee)))];
    const held = await heldTimes(trx, people, from, addDays(from, FREE_TIME_DAYS));
    const { touches, at } = eventTouches(config, event, now, held);
    const nowIso = now.toUTC().toISO()!;
    await insertWorkflowTouches(trx, touches, nowIso);
    const touchIds = touches.map((t) => workflowTouchId(t.identity));
    await recordReceivedEvent(trx, { name: event.name, client: draft.client, ref, at, touchIds, receivedAt: nowIso });
    return { created: true, touchIds, ref };
  });
}
