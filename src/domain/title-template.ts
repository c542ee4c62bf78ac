import type { Client, Contact } from './types.ts';
import { own } from './safe-keys.ts';

/** Placeholders a title may use, e.g. "{client.name}: meeting with {contacts}". */
export const PLACEHOLDERS = [
  'client.name', 'client.id', 'contacts', 'contact.name', 'contact.role', 'employee.name',
  'rule.id', 'campaign.id', 'holiday.name', 'event.ref', 'event.name', 'from.name', 'to.name', 'company',
] as const;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** Every placeholder of a template, without the braces. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

/**
 * The braces of a template that open or close no placeholder ("{client.name: …", "{{client.name}}"):
 * written into calendars as they stand. Each with its place in the template (from 1).
 */
export function strayBraces(template: string): { readonly brace: '{' | '}'; readonly at: number }[] {
  const paired = template.replace(/\{[^{}]*\}/g, (whole) => ' '.repeat(whole.length));
  const stray: { brace: '{' | '}'; at: number }[] = [];
  for (let i = 0; i < paired.length; i++) if (paired[i] === '{' || paired[i] === '}') stray.push({ brace: paired[i] as '{' | '}', at: i + 1 });
  return stray;
}

/**
 * Placeholders in a template that are neither known nor an attribute: `{client.inn}` is
 * fine when `clientAttributes` has "inn", `{contact.position}` when `contactAttributes` has it.
 */
export function unknownPlaceholders(template: string, clientAttributes: ReadonlySet<string> = new Set(), contactAttributes: ReadonlySet<string> = new Set()): string[] {
  return placeholdersOf(template).filter((p) => !KNOWN.has(p) && attributeOf(p, clientAttributes, contactAttributes) === undefined);
}

/** The attribute a placeholder names ("client.inn" → client attribute inn), if it names one. */
export function attributeOf(placeholder: string, clientAttributes: ReadonlySet<string>, contactAttributes: ReadonlySet<string>): { of: 'client' | 'contact'; name: string } | undefined {
  if (placeholder.startsWith('client.') && clientAttributes.has(placeholder.slice(7))) return { of: 'client', name: placeholder.slice(7) };
  if (placeholder.startsWith('contact.') && contactAttributes.has(placeholder.slice(8))) return { of: 'contact', name: placeholder.slice(8) };
  return undefined;
}

/**
 * The value of an attribute placeholder for a client and its (first) contact: "" when this
 * client has no such attribute, undefined when the key is not an attribute placeholder.
 */
export function attributeValue(key: string, client: Client, contact: Contact | undefined): string | undefined {
  if (key.startsWith('client.') && !KNOWN.has(key)) return own(client.attributes, key.slice(7)) ?? '';
  if (key.startsWith('contact.') && !KNOWN.has(key)) return own(contact?.attributes, key.slice(8)) ?? '';
  return undefined;
}

/** Fills a template; unknown or missing values are left as they were written. */
export function fillTitle(template: string, value: (key: string) => string | undefined): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => value(key) ?? whole);
}
