/**
 * Control and bidirectional formatting characters, and the Unicode line and paragraph
 * separators (a name is one line: U+2028 breaks it in calendars, CSV and terminals). Refused in
 * the configuration's text, escaped in messages, and taken out of what people type (a skip's
 * reason), so that a terminal or a calendar never reorders, hides or acts on part of a line.
 */
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/u;
const UNSAFE_GLOBAL = new RegExp(UNSAFE_CHARACTERS.source, 'gu');

/**
 * The longest note or reason a person may give a touch (a link's form, `done --note`, `skip
 * --reason`): it goes into the calendar event's description, which Google refuses much over
 * 8 KB; refused, the done touch stayed open, links live, in that calendar.
 */
export const MAX_NOTE = 500;

/**
 * A note or a reason someone typed (a link's form, `touchbase skip --reason`), as one line of
 * plain text: each control or formatting character (an escape sequence's ESC, a line break, a
 * right-to-left override) becomes a space, and runs of spaces one. It is shown in terminals
 * (`touchbase history`), calendars and CSV files; a link's holder is not someone to trust.
 */
export function plainNote(text: string): string {
  const plain = text.replace(UNSAFE_GLOBAL, ' ').replace(/\s+/g, ' ').trim();
  // Nothing visible (zero-width spaces and joiners alone) is no note, nor a skip's reason (QA).
  return /^[\p{Cf}\s]*$/u.test(plain) ? '' : plain;
}
