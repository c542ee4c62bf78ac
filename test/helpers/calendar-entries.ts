/**
 * What a calendar should show for a set of touches, worked out independently of the sync: a
 * meeting or call is one event; one employee's all-day touches of one source on one day are one
 * event listing each of them. Events are matched to touches by the touch ids their text lists.
 */

export interface TouchLike {
  readonly id: string;
  readonly employee_id: string;
  readonly date: string;
  readonly source: string;
  readonly all_day: number;
}

/** Expected entries: their member touch ids (sorted), keyed by employee, day and source (or the touch, for a timed one). */
export function expectedEntries(touches: readonly TouchLike[]): Map<string, { employee: string; members: string[] }> {
  const out = new Map<string, { employee: string; members: string[] }>();
  for (const t of touches) {
    const key = t.all_day ? `${t.employee_id}|${t.date}|${t.source}` : t.id;
    const entry = out.get(key) ?? { employee: t.employee_id, members: [] };
    entry.members.push(t.id);
    out.set(key, entry);
  }
  for (const e of out.values()) e.members.sort();
  return out;
}

/** The touch ids an event's text lists ("touchbase touch <id>"), sorted. */
export function listedTouches(description: string): string[] {
  return [...description.matchAll(/touchbase touch ([0-9a-f-]{36})/g)].map((m) => m[1]!).sort();
}
