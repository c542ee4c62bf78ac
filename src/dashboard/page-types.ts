import type { ConfigIssue } from '../config/config-issue.ts';
import type { Language } from '../domain/types.ts';

/** Who is looking: an employee of the configuration, and whether their role is a director's. */
export interface Viewer {
  readonly id: string;
  readonly name: string;
  readonly director: boolean;
}

/** What the page renderer (in its worker thread) is asked for; plain data, it crosses threads. */
export interface PageRequest {
  /** The path below /dashboard: "/", "/clients", "/clients/stroymash", "/reports/overdue.csv". */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly viewer: Viewer;
  /** The language of this page (the viewer's choice, else the company's). */
  readonly language: Language;
  readonly companyLanguage: Language;
  readonly nowIso: string;
  /** The CSRF token for the forms of this page (bound to the session). */
  readonly csrf: string;
  /** The viewer's own iCalendar feed address (only on their own page). */
  readonly ownFeedUrl: string | undefined;
  /** The configuration's errors when the last edit was rejected (empty when it is valid). */
  readonly configIssues: readonly ConfigIssue[];
  /** How many errors the last edit of the configuration has (a director's every page says so at its top); 0 when it is valid. */
  readonly configRejected?: number;
  /** The browser takes gzip: the renderer compresses the page (off the daemon's loop). */
  readonly gzip?: boolean;
}

export interface PageResponse {
  readonly status: number;
  readonly kind: 'html' | 'csv';
  readonly body: string;
  /** For a CSV download: the file name offered. */
  readonly filename?: string;
}

/** A rendered response as it crosses back from the renderer's thread: bytes, maybe gzip-compressed. */
export interface RenderedResponse {
  readonly status: number;
  readonly kind: 'html' | 'csv';
  readonly bytes: Uint8Array;
  readonly gzip: boolean;
  readonly filename?: string;
}

/** Where the dashboard lives on the daemon's HTTP server. */
export const PREFIX = '/dashboard';
