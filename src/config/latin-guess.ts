import { quote, type ConfigWarning } from './config-issue.ts';

/**
 * A file that is not UTF-8 is read in the code page its letters fit best (Notepad's "ANSI",
 * Excel's CSV), which between windows-1250 and windows-1252 may be a guess: Portuguese "João"
 * reads as "Joăo" in the other, one stray byte in an ASCII file as a Latin letter, and either
 * ends up in calendar titles. Said with the first such letter as it was read, so a wrong guess
 * shows, and with the fix (`fix`: save as UTF-8, or declare the encoding).
 */
export function latinGuessWarning(bytes: Uint8Array, text: string, encoding: string, file: string, fix: string): ConfigWarning {
  const at = Math.max(bytes.findIndex((b) => b >= 0x80), 0);
  // Every byte before it is ASCII: one character each, in the text as in the bytes. Lines end as YAML's and CSV's do (CR LF, LF or CR).
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = at - lineStart + 1;
  const lineText = text.split(/\r\n|\r|\n/)[line - 1] ?? '';
  // The word around it: letters and digits either side.
  const word = /[\p{L}\p{N}]*$/u.exec(lineText.slice(0, column - 1))![0] + /^[\p{L}\p{N}]*/u.exec(lineText.slice(column - 1))![0];
  return {
    file, line, column, field: '', ofText: true,
    message: `is not UTF-8: read as ${encoding}, which makes ${quote(word.slice(0, 60))} of this line's text; if that is not what it says, ${fix}`,
  };
}
