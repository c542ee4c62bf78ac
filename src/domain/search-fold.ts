/**
 * Text as the dashboard's search compares it: lower case and without accents or other marks, so
 * that "stiintifica", "ŞTIINŢIFICĂ" (the cedilla letters Romanian keyboards and Windows-1250
 * write) and "științifică" find one another, and "елка" finds "Ёлка". Both the searched text and
 * the query are folded.
 */
export function searchFold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLocaleLowerCase();
}
