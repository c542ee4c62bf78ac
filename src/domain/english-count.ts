/**
 * A count and its noun for the English lines of the command line and the log: "1 handover",
 * "2 handovers", "1 silent client". The company's language has its own plural rules (i18n).
 */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
