import type { MessageKey, Translator } from '../i18n/translator.ts';
import type { EventCause, TouchEvent, TouchEventRow, TouchRow } from '../storage/schema.ts';
import type { Cell, Report } from './report.ts';
import { byIntroduction, SUPERSEDED } from '../workflows/superseded-touches.ts';
import { REOPENED_UNDONE } from '../storage/touch-moves.ts';
import { ALERT_SKIPPED, SILENCE_NOT_WATCHED, SILENCE_OVER } from '../workflows/silence.ts';

/** One line of a client's history: something that happened to one of its touches. */
export interface TimelineEntry {
  readonly at: string;
  readonly type: TouchEventRow['type'];
  readonly touchId: string;
  readonly title: string;
  readonly kind: string;
  readonly date: string | null;
  readonly fromDate: string | null;
  readonly toDate: string | null;
  readonly employee: string | null;
  /** Why it happened (a person, the plan, the overdue check, a handover, a workflow). */
  readonly cause: EventCause;
  readonly detail: string | null;
  /** The note of a done or skipped touch (what the employee wrote). */
  readonly note: string | null;
}

/**
 * The history of a client's touches, newest first: what was done, skipped, moved, handed over
 * or cancelled, by whom, with notes. "planned" events are left out: the plan is shown apart.
 */
export function timeline(touches: readonly TouchRow[], events: readonly TouchEvent[]): TimelineEntry[] {
  const byId = new Map(touches.map((t) => [t.id, t]));
  const out: TimelineEntry[] = [];
  for (const e of events) {
    const t = byId.get(e.touch_id);
    if (!t || e.type === 'planned') continue;
    out.push({
      at: e.at, type: e.type, touchId: t.id, title: t.title, kind: t.kind, date: e.type === 'rescheduled' ? e.to_date : e.from_date ?? t.date,
      fromDate: e.from_date, toDate: e.to_date, employee: e.employee_id, cause: e.cause, detail: e.detail,
      // The outcome's note is usually the event's detail already; shown once.
      note: (e.type === 'done' || e.type === 'skipped') && t.status === e.type && t.note !== e.detail ? t.note : null,
    });
  }
  return out.sort((a, b) => b.at.localeCompare(a.at) || b.touchId.localeCompare(a.touchId));
}

/** The texts touchbase stores in history lines, and their catalogue keys. */
const KNOWN_DETAILS: ReadonlyMap<string, MessageKey> = new Map([
  ['plan changed', 'ui.detail.planChanged'],
  ['no longer in the plan', 'ui.detail.notInPlan'],
  ['moved in the calendar by the employee', 'ui.detail.movedByEmployee'],
  ['snoozed a week from the calendar link', 'ui.detail.snoozed'],
  ['marked done from the calendar link', 'ui.detail.doneByLink'],
  ['skipped from the calendar link', 'ui.detail.skippedByLink'],
  ['deleted from the calendar by the employee', 'ui.detail.deletedByEmployee'],
  [SILENCE_OVER, 'ui.detail.silenceOver'],
  [SILENCE_NOT_WATCHED, 'ui.detail.silenceNotWatched'],
  [ALERT_SKIPPED, 'ui.detail.alertSkipped'],
  ['undone from the calendar link (it had been marked done)', 'ui.detail.undoneDone'],
  ['undone from the calendar link (it had been skipped)', 'ui.detail.undoneSkip'],
  [REOPENED_UNDONE, 'ui.detail.reopenedUndone'],
]);

/**
 * What a history line says, in the reader's language: the known texts touchbase stores
 * ("moved in the calendar by the employee") become catalogue texts; a person's own words stay.
 */
export function describeDetail(detail: string | null, tr: Translator): string {
  if (!detail) return '';
  const known = KNOWN_DETAILS.get(detail);
  if (known) return tr.t(known);
  const overdue = /^overdue since (\d{4}-\d{2}-\d{2}): moved to the next working day$/.exec(detail);
  if (overdue) return tr.t('ui.detail.overdueMoved', { date: tr.date(overdue[1]) });
  if (/^the overdue touch was (done|skipped)$/.test(detail)) return tr.t('ui.detail.overdueClosed');
  const superseded = SUPERSEDED.exec(detail);
  if (superseded) {
    const [, what, touch, done] = superseded as unknown as [string, string, string, string | undefined];
    const intro = byIntroduction(what);
    return done ? tr.t(intro ? 'ui.detail.introDone' : 'ui.detail.supersededByDone', { touch, date: tr.date(done) })
      : tr.t(intro ? 'ui.detail.introOverdue' : 'ui.detail.supersededByOverdue', { touch });
  }
  const from = /^from ([a-z0-9][a-z0-9_-]*)$/.exec(detail);
  if (from) return tr.t('ui.detail.from', { employee: from[1]! });
  // A leaver removed from the configuration (workflows/leavers-touches.ts): English in a Russian history otherwise (QA).
  const fromGone = /^from ([a-z0-9][a-z0-9_-]*), no longer in the configuration$/.exec(detail);
  if (fromGone) return tr.t('ui.detail.fromGone', { employee: fromGone[1]! });
  return detail;
}

/** What happened, in words: "done", "moved from 12.03.2027 to 19.03.2027", "handed to sidorov". */
export function describeEvent(e: TimelineEntry, tr: Translator): string {
  if (e.type === 'rescheduled') return tr.t('ui.event.rescheduled', { from: tr.date(e.fromDate), to: tr.date(e.toDate) });
  if (e.type === 'reassigned') return tr.t('ui.event.reassigned', { employee: e.employee ?? '' });
  return tr.t(`ui.event.${e.type}`);
}

/** The history as a table (for CSV). */
export function timelineReport(clientId: string, entries: readonly TimelineEntry[], tr: Translator, zone: string): Report {
  const rows: Record<string, Cell>[] = entries.map((e) => ({
    when: tr.dateTime(e.at, zone), what: describeEvent(e, tr), kind: e.kind, title: e.title, date: e.date, by: e.employee ?? '',
    note: [describeDetail(e.detail, tr), e.note ?? ''].filter(Boolean).join(' — '),
  }));
  return {
    name: `timeline-${clientId}`, title: { key: 'ui.client.history', params: {} },
    columns: [
      { key: 'when', header: 'col.when' }, { key: 'what', header: 'col.what' }, { key: 'kind', header: 'col.kind', type: 'kind' },
      { key: 'title', header: 'col.title' }, { key: 'date', header: 'col.date', type: 'date' }, { key: 'by', header: 'col.by' }, { key: 'note', header: 'col.note' },
    ],
    rows, summary: [],
  };
}
