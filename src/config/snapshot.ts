import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { isDelimitedText } from './delimited-text.ts';

/**
 * The bytes of every configuration file of a folder at one moment. The daemon keeps the last
 * valid one, so an edit that breaks the configuration leaves it running on what worked.
 * Bytes, not text: a CRM export in windows-1251 or UTF-16 is decoded where it is read (the
 * same way from a snapshot as from the folder), and Buffers cross to a job process as they
 * are (`serialization: 'advanced'`).
 */
export interface ConfigSnapshot {
  readonly dir: string;
  /** Absolute path → content, for *.yaml, *.yml and delimited text (*.csv, *.tsv, *.txt). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /**
   * SHA-256 over paths and bytes: equal snapshots, equal configurations. For a UTF-8 file it
   * is the hash the text gave before snapshots held bytes.
   */
  readonly hash: string;
}

/** Reads the configuration files below `dir` (throws if it is not a readable folder). */
export function readSnapshot(dir: string): ConfigSnapshot {
  const files = new Map<string, Uint8Array>();
  for (const path of listFiles(dir)) {
    if (!isConfigFile(path)) continue;
    files.set(path, readFileSync(path));
  }
  return { dir, files, hash: snapshotHash(files) };
}

/** The hash of a snapshot's files, in path order. */
export function snapshotHash(files: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(path).update('\u0000').update(files.get(path)!).update('\u0000');
  return hash.digest('hex');
}

/**
 * YAML files, and delimited text: clients.csv, contacts.csv, or any export declared under
 * `imports:` (which may be Excel's "Unicode text", a .txt). Which of them are read is known
 * only once the YAML is, so every .txt of the folder is in a snapshot, read or not.
 */
export function isConfigFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.endsWith('.yaml') || name.endsWith('.yml') || isDelimitedText(name);
}

/** Every file below `dir` in path order, hidden files and node_modules left out. */
/** An entry of the configuration folder that is no file to read (the folder itself is fine). */
export class UnreadableEntryError extends Error {
  constructor(readonly path: string, readonly what: string) {
    super(`${path} is ${what}`);
  }
}

/**
 * The configuration's files: every file under the folder, following links only to files and
 * folders inside it. A link out of it under a configuration file's name, or to a folder, is
 * refused, its target not read: whoever may write the configuration folder (a shared folder, a
 * git repository) could otherwise have the service read any file its user may — its environment
 * file with the database password, /etc/shadow — and show it in the configuration's errors, on
 * the dashboard and in the log (QA). Other links out (a README.md, notes) are passed by, as
 * everything that is not a configuration file is.
 */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  let root: string | undefined;
  const inside = (path: string) => {
    root ??= realpathSync(dir);
    const real = realpathSync(path);
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? undefined : real;
  };
  const walk = (d: string, depth: number) => {
    // A link that loops back up would make the walk endless.
    if (depth > 32) throw new Error(`${d}: folders nested more than 32 deep (a link that loops?)`);
    for (const entry of readdirSync(d).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const path = join(d, entry);
      let stat;
      try {
        const outside = lstatSync(path).isSymbolicLink() ? inside(path) : undefined;
        if (outside !== undefined && !isConfigFile(path) && !statSync(path).isDirectory()) continue;
        if (outside !== undefined) {
          throw new UnreadableEntryError(path, `a link to ${outside}, outside the configuration folder: copy it into the folder (links are followed only within it, so that nobody who may write the folder can have the service read its other files)`);
        }
        stat = statSync(path);
      } catch (error) {
        // A link to nothing is that link's mistake, not the folder's (ENOENT said "does not exist" of the folder).
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnreadableEntryError(path, 'a link to a file that does not exist');
        throw error;
      }
      if (stat.isDirectory()) walk(path, depth + 1);
      else if (stat.isFile()) out.push(path);
      // A pipe or a device under a configuration file's name (a link to /dev/zero, a FIFO) was
      // read for ever, or until memory ran out: a configuration file is a file.
      else if (isConfigFile(path)) throw new UnreadableEntryError(path, 'a device, a pipe or a socket, not a file');
    }
  };
  // Said as a folder that is a file (config-folder-issue.ts), by the code the system gives for it.
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR', path: dir });
  walk(dir, 0);
  return out.sort();
}
