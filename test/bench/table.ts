/**
 * What the bench prints: one line per measure with its wall clock, CPU and peak RSS, the target,
 * the floor measured in the same run and the ratio to it, as Markdown tables (pasted as they are
 * into docs/performance.md).
 */

export interface Figure {
  readonly measure: string;
  readonly wallS?: number | undefined;
  readonly cpuS?: number | undefined;
  readonly peakMb?: number | undefined;
  /** What the target says, as printed (e.g. "≤ 10 s, ≤ 500 MB"). */
  readonly target?: string | undefined;
  /** Checked against the target: true ok, false MISSED, undefined nothing to check. */
  readonly ok?: boolean | undefined;
  /** The floor (seconds) and what it is made of; the ratio is taken against `ratioOf` (default: wall). */
  readonly floorS?: number | undefined;
  readonly ratioOf?: 'wall' | 'cpu' | undefined;
  readonly note?: string | undefined;
}

/** A line of the other sections (dashboard, Google and Outlook sync): a value and its target. */
export interface Note {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly ok?: boolean | undefined;
}

export const seconds = (s: number | undefined) => (s === undefined ? '' : s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);
export const megabytes = (mb: number | undefined) => (mb === undefined ? '' : `${Math.round(mb)} MB`);
const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'ok' : 'MISSED');

function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

export function figuresTable(figures: readonly Figure[]): string {
  return markdown(['measure', 'wall', 'CPU', 'peak RSS', 'target', 'floor', '× floor', 'result', 'notes'], figures.map((f) => {
    const of = f.ratioOf === 'cpu' ? f.cpuS : f.wallS;
    const ratio = of !== undefined && f.floorS ? `${(of / f.floorS).toFixed(1)}×` : '';
    return [f.measure, seconds(f.wallS), seconds(f.cpuS), megabytes(f.peakMb), f.target ?? '', seconds(f.floorS), ratio, verdict(f.ok), f.note ?? ''];
  }));
}

export function notesTable(notes: readonly Note[]): string {
  return markdown(['measure', 'value', 'target', 'result'], notes.map((n) => [n.measure, n.value, n.target, verdict(n.ok)]));
}

/** ok when every given limit holds (a missing figure is not checked). */
export function within(figure: { wallS?: number | undefined; cpuS?: number | undefined; peakMb?: number | undefined }, limits: { wallS?: number; cpuS?: number; peakMb?: number }): boolean {
  return (limits.wallS === undefined || (figure.wallS ?? 0) <= limits.wallS)
    && (limits.cpuS === undefined || (figure.cpuS ?? 0) <= limits.cpuS)
    && (limits.peakMb === undefined || (figure.peakMb ?? 0) <= limits.peakMb);
}
