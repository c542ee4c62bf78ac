/**
 * Text put into HTML: the daemon's and the dashboard's pages, and Google Calendar's event
 * descriptions (which Google shows as HTML). Names, notes and titles come from CRM exports and
 * users, so any of them may hold `<`, `&` or quotes.
 */

/** Escapes text for HTML anywhere: in an element or in a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/**
 * `& < >` as HTML entities: the text as written, inside an element only. Google's event
 * descriptions take this (quotes left as they are, as they were in every description written so far,
 * whose content hashes would otherwise all change and every event be written again).
 */
export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}
