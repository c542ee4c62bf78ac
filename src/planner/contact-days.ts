/**
 * Which client contacts have a meeting or call on which day, and of which series: one person is
 * not put on the phone twice a day by two rules (the planner's placer, and the morning check that
 * moves late calls on). A day holds its series, or '' once a second one is there.
 */
export class ContactDays {
  readonly #days = new Map<string, Map<string, string>>();

  /** Only these contacts' days are kept (those two rules can reach), when given: the others can never clash. */
  constructor(private readonly tracked?: ReadonlySet<string>) {}

  /** Notes that these contacts have a meeting or call of `series` on `date`. */
  note(contacts: readonly string[], series: string, date: string): void {
    for (const contact of contacts) {
      if (this.tracked && !this.tracked.has(contact)) continue;
      let byDate = this.#days.get(contact);
      if (!byDate) this.#days.set(contact, byDate = new Map());
      const was = byDate.get(date);
      byDate.set(date, was === undefined || was === series ? series : '');
    }
  }

  /**
   * Whether one of these contacts has a meeting or call of another series than `series` on
   * `date`; with `series` undefined, of any series (its own next one too).
   */
  busy(contacts: readonly string[], series: string | undefined, date: string): boolean {
    for (const contact of contacts) {
      const was = this.#days.get(contact)?.get(date);
      if (was !== undefined && was !== series) return true;
    }
    return false;
  }
}
