/** Placeholders a title may use, e.g. "{client.name}: meeting with {contacts}". */
export const PLACEHOLDERS = [
  'client.name', 'client.id', 'contacts', 'contact.name', 'contact.role', 'employee.name',
  'rule.id', 'campaign.id', 'holiday.name', 'event.ref', 'event.name', 'from.name', 'to.name', 'company',
] as const;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** Placeholders in a template that are not known. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((p) => !KNOWN.has(p));
}

/** Fills a template; unknown or missing values are left as they were written. */
export function fillTitle(template: string, value: (key: string) => string | undefined): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => value(key) ?? whole);
}
