import { readFileSync } from 'node:fs';
import type { Language } from '../domain/types.ts';
import { listFiles } from './snapshot.ts';

/**
 * The company's language from its configuration folder, for a command that needs nothing else
 * of it (`status`): the `language:` of the top-level `settings:` block of the YAML file that has
 * one, found by reading that block's lines, not by reading the configuration. Reading the whole
 * configuration of a 10,000-client company to learn one word took `status` from 0.3 s to 1.8 s,
 * and loading the YAML parser alone a tenth of a second. Undefined when no settings block names
 * a language touchbase writes (the status is then in English); `validate` says what is wrong.
 */
export function settingsLanguage(dir: string): Language | undefined {
  let files: string[];
  try {
    files = listFiles(dir).filter((path) => /\.ya?ml$/i.test(path));
  } catch {
    return undefined;
  }
  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const start = /^settings\s*:(.*)$/m.exec(text);
    if (!start) continue;
    // The block: the rest of its line (a flow mapping) and the indented lines under it, without comments.
    const rest = text.slice(start.index + start[0].length).split(/\r?\n/).slice(1);
    const end = rest.findIndex((line) => /^\S/.test(line) && !line.startsWith('#'));
    const block = [start[1]!, ...rest.slice(0, end === -1 ? rest.length : end)].map((line) => line.replace(/(^|\s)#.*$/, '')).join('\n');
    const language = /(?:^|[\s{,])language\s*:\s*["']?([a-z]+)["']?\s*(?:[,}\n]|$)/.exec(block)?.[1];
    if (language === undefined) return 'en';
    return language === 'en' || language === 'ru' || language === 'ro' ? language : undefined;
  }
  return undefined;
}
