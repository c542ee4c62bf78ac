import type { DB } from '../../storage/database.ts';
import type { IcsEventRow } from '../../storage/schema.ts';
import { cancelFeedEvent, feedEvent, feedEvents, putFeedEvent, updateFeedEvent } from '../../storage/feed-repository.ts';
import { CalendarError, type CalendarOwner, type CalendarPort, type DesiredEvent, type RemoteEvent } from '../port.ts';
import type { Clock } from '../../clock.ts';

/**
 * The embedded calendar: each employee's events live in the database and are published as
 * an iCalendar feed. Writes are idempotent by event key; a change raises SEQUENCE; a delete
 * keeps the event as cancelled so subscribed calendars drop it.
 */
export class IcsCalendar implements CalendarPort {
  readonly provider = 'ics' as const;
  readonly #db: DB;
  readonly #clock: Clock;

  constructor(db: DB, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(owner: CalendarOwner, event: DesiredEvent): Promise<RemoteEvent> {
    const existing = await this.#row(owner.employeeId, event.key);
    // Written before, answer lost: adopt it as it is (the engine brings its content up to date).
    if (existing && existing.status === 'confirmed') return toRemote(existing);
    // A cancelled event comes back under its UID with a higher SEQUENCE: subscribers revive it.
    const row: IcsEventRow = {
      employee_id: owner.employeeId, event_key: event.key, sequence: existing ? existing.sequence + 1 : 0,
      status: 'confirmed', payload: JSON.stringify(event), content_hash: event.contentHash, date: event.start.slice(0, 10), updated_at: this.#now(),
    };
    await putFeedEvent(this.#db, row);
    return toRemote(row);
  }

  async update(owner: CalendarOwner, providerId: string, event: DesiredEvent): Promise<RemoteEvent> {
    const existing = await this.#row(owner.employeeId, providerId);
    if (!existing || existing.status === 'cancelled') throw new CalendarError('not_found', `no event ${providerId} in the feed of ${owner.employeeId}`);
    const row: IcsEventRow = { ...existing, sequence: existing.sequence + 1, payload: JSON.stringify(event), content_hash: event.contentHash, date: event.start.slice(0, 10), updated_at: this.#now() };
    await updateFeedEvent(this.#db, row);
    return toRemote(row);
  }

  async remove(owner: CalendarOwner, providerId: string): Promise<void> {
    const existing = await this.#row(owner.employeeId, providerId);
    if (!existing || existing.status === 'cancelled') return;
    await cancelFeedEvent(this.#db, owner.employeeId, providerId, existing.sequence + 1, this.#now());
  }

  async read(owner: CalendarOwner, key: string): Promise<RemoteEvent | undefined> {
    const row = await this.#row(owner.employeeId, key);
    return row ? toRemote(row) : undefined;
  }

  async listTagged(owner: CalendarOwner, from: string, to: string): Promise<RemoteEvent[]> {
    // Nobody edits a subscribed feed: what we wrote is what there is.
    const rows = await feedEvents(this.#db, owner.employeeId);
    return rows.map(toRemote).filter((e) => e.start.slice(0, 10) >= from && e.start.slice(0, 10) <= to);
  }

  #row(employee: string, key: string): Promise<IcsEventRow | undefined> {
    return feedEvent(this.#db, employee, key);
  }

  #now(): string {
    return this.#clock.now().toUTC().toISO()!;
  }
}

function toRemote(row: IcsEventRow): RemoteEvent {
  const event = JSON.parse(row.payload) as DesiredEvent;
  return {
    key: row.event_key, providerId: row.event_key, etag: String(row.sequence), status: row.status,
    start: event.start, end: event.end, allDay: event.allDay, contentHash: event.contentHash,
  };
}
