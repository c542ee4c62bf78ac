import type { Duration, DurationUnit } from './types.ts';

const UNITS: Record<string, DurationUnit> = {
  minute: 'minutes', minutes: 'minutes', min: 'minutes',
  hour: 'hours', hours: 'hours',
  day: 'days', days: 'days',
  week: 'weeks', weeks: 'weeks',
  month: 'months', months: 'months',
  year: 'years', years: 'years',
};

export const DURATION_PATTERN = /^\s*(\d+)\s*(minutes?|min|hours?|days?|weeks?|months?|years?)\s*$/i;

/** "90 minutes" → { n: 90, unit: 'minutes' }; undefined when the text is not a duration. */
export function parseDuration(text: string): Duration | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  const n = Number(m[1]);
  if (!unit || !Number.isSafeInteger(n) || n <= 0) return undefined;
  return { n, unit };
}

/** Exact length in minutes of a fixed-length duration (minutes…weeks); undefined for months and years. */
export function durationToMinutes(d: Duration): number | undefined {
  switch (d.unit) {
    case 'minutes': return d.n;
    case 'hours': return d.n * 60;
    case 'days': return d.n * 1440;
    case 'weeks': return d.n * 10080;
    default: return undefined;
  }
}

/** Rough length in days, for spreading and sanity limits (a month counts 30 days). */
export function approximateDays(d: Duration): number {
  switch (d.unit) {
    case 'minutes': return d.n / 1440;
    case 'hours': return d.n / 24;
    case 'days': return d.n;
    case 'weeks': return d.n * 7;
    case 'months': return d.n * 30;
    case 'years': return d.n * 365;
  }
}

export function formatDuration(d: Duration): string {
  const unit = d.n === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.n} ${unit}`;
}

/** The lengths a duration field accepts, and in which units. */
export interface DurationRange {
  readonly min: Duration;
  readonly max: Duration;
  readonly units: readonly DurationUnit[];
}

/** "from 1 day to 5 years, in days, weeks, months or years" */
export function describeRange(range: DurationRange): string {
  const units = range.units.length === 1 ? range.units[0]! : `${range.units.slice(0, -1).join(', ')} or ${range.units[range.units.length - 1]}`;
  return `from ${formatDuration(range.min)} to ${formatDuration(range.max)}, in ${units}`;
}

/**
 * Why a written duration is not acceptable for a field, or undefined when it is:
 * durationProblem('0 days', …) → "zero is no duration"; a huge count is "more than 5 years".
 */
export function durationProblem(text: string, range: DurationRange): string | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return 'not a duration';
  const unit = UNITS[m[2]!.toLowerCase()]!;
  const n = Number(m[1]);
  if (n === 0) return 'zero is no duration';
  if (!range.units.includes(unit)) return `a duration in ${unit}`;
  if (!Number.isSafeInteger(n) || approximateDays({ n, unit }) > approximateDays(range.max)) return `more than ${formatDuration(range.max)}`;
  if (approximateDays({ n, unit }) < approximateDays(range.min)) return `less than ${formatDuration(range.min)}`;
  return undefined;
}
