import type { Config } from '../domain/types.ts';
import { meantByIdOrName } from '../config/suggest.ts';
import { foldedWords, nameKey, nameWords } from '../config/name-key.ts';
import { BadInputError } from './cli-error.ts';

/**
 * The employee an option names (`--employee`, `--by`): their id, or their e-mail or full name as
 * the team file and a CRM write them (any case), or typed without its letters' marks ("Stefan
 * Turcanu" for Ștefan Țurcanu) where that names one employee alone. One that names nobody is an
 * error with the employee it most likely meant; undefined stays undefined (the option was not given).
 */
export function employeeOption(config: Config, value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const key = value.trim().toLocaleLowerCase();
  // Ids are lower case: "IVANOVA" is ivanova.
  if (config.employees.some((e) => e.id === key)) return key;
  // A name as people write it: any spacing, ё for е, ş for ș (nameKey), or surname first ("Иванова Анна"), as team cells take it.
  const words = nameWords(value).sort().join(' ');
  const named = config.employees.filter((e) => e.email?.toLocaleLowerCase() === key || nameKey(e.name) === nameKey(value) || nameWords(e.name).sort().join(' ') === words);
  if (named.length === 1) return named[0]!.id;
  const folded = foldedWords(value).sort().join(' ');
  const typed = named.length === 0 && folded !== '' ? config.employees.filter((e) => foldedWords(e.name).sort().join(' ') === folded) : [];
  if (typed.length === 1) return typed[0]!.id;
  const same = named.length > 1 ? named : typed;
  const near = same.length > 1 ? undefined : meantByIdOrName(config.employees, value);
  throw new BadInputError(`${flag}: no employee has the id, e-mail or name ${JSON.stringify(value)}`
    + (same.length > 1 ? ` (${same.length} employees have that name: give the id, one of ${same.map((e) => e.id).join(', ')})` : near ? `; did you mean ${near}?` : ''));
}

