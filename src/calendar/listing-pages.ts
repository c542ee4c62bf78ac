import { CalendarError } from './port.ts';

/**
 * The most pages a listing of our events is followed through: 1,000 pages of Google's 2,500 or
 * Graph's 500 events are far more than any calendar holds over a sync's window.
 */
export const MAX_LISTING_PAGES = 1_000;

/**
 * Follows the pages of one listing. Each further page waits for the calendar's rate limit
 * (`pace`, the gateway's), as any other call does: a listing of many pages went out at full
 * speed, under the limit of its first call only. A page token (or link) given twice, or pages
 * that never end, end the read as failed ('invalid': asking again gets the same). The calendar
 * is then not read, which the sync treats as not knowing, never as events deleted. Without this
 * check, a proxy that repeated a page token kept `sync` listing the same page for ever, thousands
 * of calls a minute against the company's Google quota.
 */
export class ListingPages {
  readonly #service: string;
  readonly #pace: (() => Promise<void>) | undefined;
  readonly #seen = new Set<string>();

  constructor(service: string, pace?: () => Promise<void>) {
    this.#service = service;
    this.#pace = pace;
  }

  /** Before the page that `token` asks for: throws if it was asked for already or there are too many, else waits its turn. */
  async next(token: string): Promise<void> {
    if (this.#seen.has(token)) {
      throw new CalendarError('invalid', `${this.#service} gave the same next page of the listing twice, so its pages never end: the calendar was not read`);
    }
    if (this.#seen.size + 1 >= MAX_LISTING_PAGES) {
      throw new CalendarError('invalid', `${this.#service}'s listing went on past ${MAX_LISTING_PAGES} pages: the calendar was not read`);
    }
    this.#seen.add(token);
    await this.#pace?.();
  }
}

/** What came instead of an event or a listing, briefly (never its content: it may hold details of the event). */
export function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return 'an empty body';
  if (typeof body === 'string') return `${body.length} characters that are not JSON`;
  if (typeof body === 'object') return `JSON with ${Object.keys(body).length === 0 ? 'no fields' : `fields ${Object.keys(body).slice(0, 5).join(', ')}`}`;
  return typeof body;
}
