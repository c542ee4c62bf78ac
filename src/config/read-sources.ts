import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { currentUser } from '../current-user.ts';
import { relative, basename, isAbsolute, parse, resolve, sep } from 'node:path';
import { quote } from './config-issue.ts';
import { configFolderIssue } from './config-folder-issue.ts';
import { decodeText } from './decode-text.ts';
import { latinGuessWarning } from './latin-guess.ts';
import { isDelimitedText } from './delimited-text.ts';
import { readCsvFile, type CsvJob } from './csv-import.ts';
import { mergeRepeatedClients } from './combined-export.ts';
import { crmIdOf, isId } from './crm-id.ts';
import { isConfigFile, listFiles, UnreadableEntryError, type ConfigSnapshot } from './snapshot.ts';
import { child, placeOf, type Origin } from './origin.ts';
import { closest, closestName, NameCandidates } from './suggest.ts';
import { emptySources, type ContactRow, type Located, type LocatedClient, type RawSources } from './sources.ts';
import type { RawImport } from './schema.ts';
import { fallbackSettings, readYamlFile } from './yaml-sections.ts';
import { clientNameKey, nameKey } from './name-key.ts';

export type { Located, LocatedClient, RawSources } from './sources.ts';

/**
 * The configuration's YAML, all files together: about 20,000 clients with their contacts. Parsed
 * YAML takes some 130 bytes of memory a byte of file, whatever its style: 15.5 MB of clients
 * written out, or of one-line holidays, took 21–24 s and 1.9–2.1 GB, next to a 2 GB heap limit;
 * 8 MB takes about 1 GB.
 */
export const MAX_YAML_BYTES = 8 * 2 ** 20;

/**
 * A file's name as errors and summaries show it: inside the working folder, relative
 * (`config/rules.yaml`); outside it, whole — a service's "../../etc/touchbase/rules.yaml" named
 * the file by where the daemon happened to run.
 */
export function shownPath(path: string, root = process.cwd()): string {
  // Run from the file system's root (a container's `/`), every file is "inside": named whole, with its slash.
  if (resolve(root) === parse(resolve(root)).root) return resolve(path);
  const near = relative(root, path);
  return near && near !== '..' && !near.startsWith(`..${sep}`) && !isAbsolute(near) ? near : resolve(path);
}

/**
 * Reads every *.yaml and *.yml file below `dir` (or of a snapshot of it) in path order, then
 * the CSV files: clients.csv and contacts.csv anywhere, and the exports `imports:` declares.
 */
export function readSources(dir: string, displayRoot = process.cwd(), snapshot?: ConfigSnapshot): RawSources {
  const sources = emptySources(dir);
  const shown = (path: string) => shownPath(path, displayRoot);
  let files: string[];
  try {
    files = snapshot ? [...snapshot.files.keys()].sort() : listFiles(dir).filter(isConfigFile);
  } catch (error) {
    if (error instanceof UnreadableEntryError) {
      sources.issues.push({ file: shown(error.path), line: 1, column: 1, field: '', rank: 0, expected: 'a file of the configuration (or nothing under that name)', found: error.what });
      return sources;
    }
    sources.issues.push(configFolderIssue(dir, error));
    return sources;
  }
  // A file this user may not read is one error at it (not the system's EACCES for the whole
  // command), and what it may define is unknown this round. Asked, not read: the files are read
  // one at a time below, a YAML file only once its size is known to be within the limit.
  if (!snapshot) {
    files = files.filter((path) => {
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EACCES' && code !== 'EPERM') throw error;
        sources.issues.push({ file: shown(path), line: 1, column: 1, field: '', rank: 0, expected: 'a file this user may read', found: `a file user ${currentUser()} may not read (ls -l ${path})` });
        sources.opaque = true;
        return false;
      }
    });
  }
  const bytesOf = (path: string): Uint8Array => (snapshot ? snapshot.files.get(path)! : readFileSync(path));
  const csvFiles: string[] = [];
  const sizeOf = (path: string) => (snapshot ? snapshot.files.get(path)!.length : statSync(path).size);
  const tooMuchYaml = overLimit(files.filter(isYamlFile), sizeOf, shown, sources,
    { bytes: MAX_YAML_BYTES, kind: 'YAML', why: 'clients by the thousand go in clients.csv and contacts.csv, read in a fraction of the time and memory' });
  for (const path of files) {
    const name = basename(path).toLowerCase();
    if (isDelimitedText(name)) {
      csvFiles.push(path);
      continue;
    }
    if (!isYamlFile(path) || tooMuchYaml) continue;
    const decoded = decodeText(bytesOf(path));
    if (!decoded.ok) {
      sources.issues.push({ file: shown(path), line: decoded.line, column: decoded.column, field: '', rank: 0, expected: decoded.expected, found: decoded.found });
      sources.opaque = true;
      continue;
    }
    if (decoded.encoding !== 'utf-8' && decoded.encoding !== 'utf-8 (with BOM)') {
      sources.encodings.push({ file: shown(path), encoding: decoded.encoding });
      // Cyrillic is recognised by its runs of letters; a Latin code page is a guess between two.
      if (decoded.encoding === 'windows-1250' || decoded.encoding === 'windows-1252') sources.warnings.push(latinGuessWarning(bytesOf(path), decoded.text, decoded.encoding, shown(path), 'save the file as UTF-8'));
    }
    readYamlFile(decoded.text, shown(path), sources);
  }
  const contactRows: ContactRow[] = [];
  // Clients first: contacts join the clients of every file.
  const tooMuchCsv = overLimit(csvFiles, sizeOf, shown, sources,
    { bytes: MAX_CSV_BYTES, kind: 'CSV', why: 'a 50,000-client company\'s clients and contacts are about half that', ask: ': is it the right export?' });
  const jobs = tooMuchCsv ? [] : csvJobs(dir, csvFiles, shown, bytesOf, sources);
  for (const job of jobs.filter((j) => j.as === 'clients')) {
    const start = sources.clients.length;
    readCsvFile(job, sources, contactRows);
    if (job.combinedWith) mergeRepeatedClients(sources, start);
  }
  for (const job of jobs.filter((j) => j.as === 'contacts')) readCsvFile(job, sources, contactRows);
  attachContacts(contactRows, sources);
  if (!sources.settings) {
    const csvOnly = files.length > 0 && !files.some(isYamlFile);
    const found = files.length === 0 ? 'no *.yaml, *.yml or CSV files'
      : csvOnly ? 'CSV files and no *.yaml or *.yml file (is --config the configuration folder itself, not its crm/ folder?)'
      : 'no settings section in any file';
    const origin: Origin = { kind: 'folder', file: shown(dir) };
    if (csvOnly || !sources.opaque || files.length === 0) sources.issues.push({ ...placeOf(origin, ['settings']), rank: 1, expected: 'one settings section (company, timezone, country, …)', found });
    // Without a YAML file nothing the CSV rows name (employees, roles) can be defined: that is the one error.
    if (csvOnly) sources.opaque = true;
    sources.settings = fallbackSettings(origin, {});
  }
  return sources;
}

/**
 * The CSV exports, all files together: a 50,000-client company's clients and contacts are some
 * 32 MB. Reading costs memory by the row (an 80 MB file of a million rows took 3.4 GB), so
 * beyond twice that none is read, and one error names the largest.
 */
export const MAX_CSV_BYTES = 64 * 2 ** 20;

/**
 * Whether files of one kind are over their limit together — YAML over MAX_YAML_BYTES (parsed
 * YAML keeps every node with its position, some 130 bytes of memory a byte of file), CSV over
 * MAX_CSV_BYTES: then none of them is read, and one error names the largest.
 */
function overLimit(
  files: readonly string[], sizeOf: (p: string) => number, shown: (p: string) => string, sources: RawSources,
  limit: { readonly bytes: number; readonly kind: 'YAML' | 'CSV'; readonly why: string; readonly ask?: string },
): boolean {
  const sized = files.map((path) => ({ path, size: sizeOf(path) }));
  const total = sized.reduce((sum, f) => sum + f.size, 0);
  if (total <= limit.bytes) return false;
  const largest = sized.reduce((a, b) => (b.size > a.size ? b : a));
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
  sources.issues.push({
    file: shown(largest.path), line: 1, column: 1, field: '', rank: 0,
    expected: `${limit.kind} files of at most ${limit.bytes / 2 ** 20} MB in all (${limit.why})`,
    found: `${mb(largest.size)} here${sized.length > 1 ? `, ${mb(total)} in ${sized.length} ${limit.kind} files` : ''}${limit.ask ?? ''}`,
  });
  sources.opaque = true;
  return true;
}

function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** The CSV files to read: each declared import, and clients.csv / contacts.csv that no import declares. */
function csvJobs(dir: string, csvFiles: string[], shown: (p: string) => string, bytesOf: (p: string) => Uint8Array, sources: RawSources): CsvJob[] {
  const jobs: CsvJob[] = [];
  // Each file once, or twice as a combined export: once as clients, once as contacts.
  const declared = new Map<string, Map<'clients' | 'contacts', Located<RawImport>>>();
  const paths: string[] = [];
  const root = resolve(dir);
  for (const layout of sources.imports) {
    const path = resolve(root, layout.value.file);
    const origin = child(layout.origin, 'file');
    if (!path.startsWith(root + sep)) {
      sources.issues.push({ ...placeOf(origin), rank: 1, expected: 'a path inside the configuration folder', found: quote(layout.value.file) });
      continue;
    }
    const as = declared.get(path) ?? new Map();
    if (as.has(layout.value.as)) {
      sources.issues.push({ ...placeOf(origin), rank: 2, expected: 'each file imported once (or, a combined export of companies and their contacts, once as clients and once as contacts)', found: `${quote(layout.value.file)} a second time as ${layout.value.as}` });
      continue;
    }
    declared.set(path, as.set(layout.value.as, layout));
    if (layout.broken?.size) {
      // A declaration with a broken field (its error is reported) would read the file wrongly: not read this round.
      sources.opaque = true;
      continue;
    }
    if (!csvFiles.includes(path)) {
      const near = closest(relative(root, path), csvFiles.map((f) => relative(root, f)));
      sources.issues.push({ ...placeOf(origin), rank: 1, expected: `a CSV file of the configuration folder (${csvFiles.map((f) => relative(root, f)).join(', ') || 'there is none'})`, found: `${quote(layout.value.file)}, which does not exist${near ? `; did you mean ${quote(near)}?` : ''}` });
      sources.opaque = true;
      continue;
    }
    jobs.push({ shown: shown(path), bytes: bytesOf(path), as: layout.value.as, layout });
    paths.push(path);
  }
  // (Also when the other declaration has a mistake of its own and is not read this round: this
  // one is still read as half of a combined export, not as a file of its own with a company per row.)
  for (const [i, job] of jobs.entries()) {
    const other = declared.get(paths[i]!)!.get(job.as === 'clients' ? 'contacts' : 'clients');
    if (other) jobs[i] = { ...job, combinedWith: new Map(Object.entries(other.value.columns ?? {})) };
  }
  for (const path of csvFiles) {
    if (declared.has(path)) continue;
    const name = basename(path).toLowerCase();
    if (name === 'clients.csv' || name === 'contacts.csv') jobs.push({ shown: shown(path), bytes: bytesOf(path), as: name === 'clients.csv' ? 'clients' : 'contacts' });
  }
  return jobs;
}

/**
 * Contacts join their client by the client's id, or (as CRM exports write it) by its exact
 * name when no client has that id and exactly one has that name.
 */
function attachContacts(rows: ContactRow[], sources: RawSources): void {
  if (rows.length === 0) return;
  const byId = new Map<string, LocatedClient>();
  const byName = new Map<string, LocatedClient[]>();
  // Names without their quotes (clientNameKey), when no name matches as written.
  const byBareName = new Map<string, LocatedClient[]>();
  // A client id used twice (its error is said at the second): the id the second was meant to
  // have is unknown, and a contact of that client is no mistake of its own this round.
  let idTwice = false;
  for (const c of sources.clients) {
    if (!byId.has(c.value.id)) byId.set(c.value.id, c);
    else idTwice = true;
    for (const [map, key] of [[byName, nameKey(c.value.name)], [byBareName, clientNameKey(c.value.name)]] as const) {
      const list = map.get(key);
      if (list) list.push(c);
      else map.set(key, [c]);
    }
  }
  // Contacts whose client no file defines, while a clients export came out empty: one error.
  const orphans: ContactRow[] = [];
  // Otherwise, each client id no file defines, at its first contact, with how many more name it.
  const unknown = new Map<string, { origin: ContactRow['origin']; more: number }>();
  for (const { contact, client, origin } of rows) {
    // By id, as nearly every row names its client; the name only when no client has that id.
    let target = byId.get(client);
    const named = target ? undefined : byName.get(nameKey(client)) ?? byBareName.get(clientNameKey(client));
    if (named?.length === 1) target = named[0];
    // A CRM's code of the client ("НФ-000123"), which its own export made an id of (crm-id.ts).
    if (!target && !named && !isId(client)) target = byId.get(crmIdOf(client) ?? '');
    if (!target) {
      if (named && named.length > 1) {
        sources.issues.push({ ...placeOf(origin, ['client']), rank: 2, expected: 'the id of a client (several clients have this name)', found: `${quote(client)}: ${named.map((c) => c.value.id).join(', ')}` });
      } else if (!sources.brokenIds.has(client) && !sources.brokenIds.has(nameKey(client)) && !sources.opaque && !sources.clientIdsLost && !idTwice) {
        // (With client rows lost to a mistake of their own — a file cut short — a contact of one of them is no mistake of its own.)
        if (sources.emptyClientFiles.length > 0) {
          orphans.push({ contact, client, origin });
          continue;
        }
        const named = unknown.get(client);
        if (named) named.more++;
        else unknown.set(client, { origin, more: 0 });
      }
      continue;
    }
    (target.value.contacts as unknown[]).push(contact);
    target.contactOrigins.push(origin);
  }
  if (orphans.length > 0) reportOrphans(orphans, sources);
  if (unknown.size >= CUT_SHORT) {
    // (With a client row lost to its own mistake — its last row, a file cut short — that error says it.)
    if (!sources.clientsLost) reportCutShort(unknown, sources);
    return;
  }
  // A client no file defines is one mistake however many contacts name it (a clients export cut
  // short: 16 clients gone were 71 errors, one a contact): said at its first contact.
  let suggested = 0;
  let names: NameCandidates | undefined;
  for (const [client, { origin, more }] of unknown) {
    // A near id, else a near name (a letter off, a word less: "Ромашка" for "ООО «Ромашка»"), for the
    // first hundred only: each looks through every client (a cut-short export can leave thousands).
    const asked = suggested++ < 100;
    if (asked) names ??= new NameCandidates([...byName.values()].map((list) => list[0]!.value.name));
    const near = asked ? closest(client, byId.keys()) ?? closestName(client, names!) : undefined;
    const others = more > 0 ? ` (and ${more} more ${more === 1 ? 'contact names' : 'contacts name'} it)` : '';
    sources.issues.push({ ...placeOf(origin, ['client']), rank: 2, expected: 'the id (or the exact name) of a client defined in YAML or a clients CSV', found: `${quote(client)}${others}${near ? `; did you mean ${quote(near)}?` : ''}` });
  }
}

/** Clients named by contacts and defined nowhere from which the likely mistake is the clients' file, not each contact. */
const CUT_SHORT = 10;

/**
 * Many clients that contacts name and no file defines (QA: 50 clients cut off the end of
 * clients.csv were 50 errors in contacts.csv, each with a "did you mean" of another client):
 * one mistake, the clients' file saved short, said once at the first such contact with the
 * files that define clients and the first ids they lack.
 */
function reportCutShort(unknown: ReadonlyMap<string, { origin: ContactRow['origin'] }>, sources: RawSources): void {
  const [first, { origin }] = unknown.entries().next().value!;
  const files = [...new Set(sources.clients.map((c) => c.origin.file))];
  const ids = [...unknown.keys()];
  const where = files.length === 0 ? 'no file defines any client' : `${files.join(', ')} define${files.length === 1 ? 's' : ''} ${sources.clients.length.toLocaleString('en')} client${sources.clients.length === 1 ? '' : 's'}`;
  sources.issues.push({
    ...placeOf(origin, ['client']), rank: 2, expected: 'the id (or the exact name) of a client defined in YAML or a clients CSV',
    found: `${quote(first)} and ${(ids.length - 1).toLocaleString('en')} more clients the contacts name, which no client has: ${where} — was the clients' export saved cut short? (missing: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`,
  });
}

/**
 * Contacts whose clients no file defines while a clients export has its header alone: the empty
 * export is the likely mistake, said once at the first of them (its warning is not shown beside
 * errors), not one error per contact with a "did you mean" for some other client.
 */
function reportOrphans(orphans: readonly ContactRow[], sources: RawSources): void {
  const [first] = orphans as [ContactRow];
  const more = orphans.length > 1 ? ` (and the clients of ${orphans.length - 1} more contacts)` : '';
  const files = sources.emptyClientFiles.join(', ');
  sources.issues.push({
    ...placeOf(first.origin, ['client']), rank: 2, expected: 'the id (or the exact name) of a client defined in YAML or a clients CSV',
    found: `${quote(first.client)}${more}, which no client has: ${files} ${sources.emptyClientFiles.length > 1 ? 'have their' : 'has its'} header and no rows (an export that came out empty?)`,
  });
}

