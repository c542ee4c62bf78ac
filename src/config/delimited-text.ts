/**
 * The names a CRM export of delimited text is saved under: `.csv` (any spreadsheet), `.txt`
 * (Excel's "Unicode text": UTF-16, tabs) and `.tsv`. All are read alike: the encoding and the
 * delimiter are detected from the bytes, not from the name.
 */
export const DELIMITED_TEXT_EXTENSIONS = ['.csv', '.tsv', '.txt'] as const;

/** A path ending in one of them, in any case (a pattern, so that the JSON Schema has it too). */
export const DELIMITED_TEXT_PATTERN = /\.(csv|tsv|txt)$/i;

/** Whether `path` names a delimited text file (by its extension). */
export function isDelimitedText(path: string): boolean {
  return DELIMITED_TEXT_PATTERN.test(path);
}

/** ".csv, .tsv or .txt", for messages. */
export function delimitedTextExtensions(): string {
  return `${DELIMITED_TEXT_EXTENSIONS.slice(0, -1).join(', ')} or ${DELIMITED_TEXT_EXTENSIONS.at(-1)}`;
}
