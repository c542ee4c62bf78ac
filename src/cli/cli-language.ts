import type { Config } from '../domain/types.ts';
import { translator, type Params, type Translator } from '../i18n/translator.ts';
import { settingsLanguage } from '../config/settings-language.ts';
import { configDir, givenConfigDir, type GlobalOptions } from './context.ts';

/**
 * The language of the tables and summaries a command prints for people: the company's
 * (settings.language, as its reports) once a configuration is read, English without one.
 * JSON and the touches' CSV keep their English keys and codes in every language (scripts read
 * them); errors, warnings and --help stay English (they are searched for and quoted to support).
 */
export function cliTranslator(config: Pick<Config, 'settings'> | undefined): Translator {
  return translator(config?.settings.language ?? 'en');
}

/**
 * The language of a command that works on the database alone (`status`, `export`): the company's
 * when a configuration is given (--config or TOUCHBASE_CONFIG, as the daemon is given it), read
 * from its settings block alone; English with the database alone. A configuration that cannot be
 * read does not stop such a command: it is then English.
 */
export function givenConfigTranslator(o: GlobalOptions): Translator {
  if (givenConfigDir(o) === undefined) return translator('en');
  return translator(settingsLanguage(configDir(o)) ?? 'en');
}

/** A count for a message: `count` picks the plural form, {n} writes it in digits, as the command line always has (12345, not 12,345). */
export function counts(n: number, params: Params = {}): Params {
  return { ...params, count: n, n: String(n) };
}
