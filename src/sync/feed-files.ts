import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, write, writeFileSync } from 'node:fs';
import { CalendarSetupError } from '../cli/known-errors.ts';
import { dirname, join } from 'node:path';
import { currentUser } from '../current-user.ts';
import { refusalOf, refusalWords, remedyFor } from '../file-system-refusal.ts';
import { feedFileMode } from '../storage/private-files.ts';

/**
 * Writes feed files while the next ones are rendered: the kernel's copy of a feed (a few hundred
 * kilobytes; 450 MB for a 50,000-client company's first sync) runs on libuv's threads, beside
 * the rendering on this one. A feed is written beside and renamed, so a reader never sees half
 * of one, and is recorded as rendered only once it is in place.
 *
 * Only the copy goes to libuv, as one request; the open, close and rename are made here. A
 * request's completion is only seen when this thread is free, and it is busy rendering until it
 * waits for a write: with `writeFile` (open, write, close) and `rename` as four requests, one
 * file in flight moved a step per feed rendered, and this thread waited 5.1 s of a 94 s sync at
 * 50,000 clients for copies that take about 2 s. With one request a file and a few files in
 * flight, it waits 1.2 s.
 */
export class FeedFiles {
  #inFlight: Promise<{ error: unknown } | undefined>[] = [];

  /** Resolves when this file's write has begun (a failed earlier write thrown here). `whose`: the employee, who names the feed in an error. */
  async write(file: string, bytes: Buffer, whose: string, written: () => Promise<void>): Promise<void> {
    if (this.#inFlight.length >= IN_FLIGHT) await settled(this.#inFlight.shift()!);
    const temporary = `${file}.tmp`;
    // Settled into a value: a failure waits for the next call without being an unhandled rejection.
    this.#inFlight.push((async () => {
      // The feed's token is in its name, its clients' names inside: its user's, whatever the umask.
      try {
        const fd = openSync(temporary, 'w', feedFileMode());
        try {
          await writeAll(fd, bytes);
        } finally {
          closeSync(fd);
        }
        renameSync(temporary, file);
      } catch (error) {
        // No half-written draft left beside the feeds; the feed in place is the last whole one.
        try {
          unlinkSync(temporary);
        } catch {
          // not made, or already gone
        }
        throw feedFolderError(error, file, whose);
      }
      await written();
    })().then(() => undefined, (error: unknown) => ({ error })));
  }

  /** Resolves when every file is written; the first failure is thrown. */
  async finish(): Promise<void> {
    const all = this.#inFlight;
    this.#inFlight = [];
    const failed = (await Promise.all(all)).find((r) => r !== undefined);
    if (failed) throw failed.error;
  }
}

/**
 * The file system's refusal, said as the feed folder's (which folder, whose feed, what to do), as
 * a full disk is said for the database: a bare "ENOSPC: no space left on device, write" named
 * neither. Never the file's name or path: its token is the feed's address, and this message goes
 * to the log, `status` and /readyz. The feeds in place stay as last written; a later sync writes
 * them again.
 */
function feedFolderError(error: unknown, file: string, whose: string): Error {
  const { code, syscall } = error as NodeJS.ErrnoException;
  const folder = dirname(file);
  const what = refusalWords(code);
  const written = `the feed of ${whose} was not written (the feed in place is the last one written whole)`;
  const again = 'the next sync writes the feeds again';
  if (!what) {
    // Node's own words name the path ("open '/srv/feeds/<token>.ics.tmp'"): its code and call only.
    const cause = code ? `${code}${syscall ? ` on ${syscall}` : ''}` : (error as Error).message.replaceAll(file, '…');
    return Object.assign(new Error(`the feed folder ${folder}: ${written}: ${cause} — ${again}`), { code });
  }
  return Object.assign(new CalendarSetupError(`the feed folder ${folder} ${what}: ${written}; ${remedyFor(code)} or give TOUCHBASE_FEEDS_DIR another folder — ${again}`), { code });
}

/**
 * The feed folder made if it is not there. Refused (a service's user in a folder of root's: the
 * default db/feeds under /opt/touchbase), it is said as the feed folder's refusal, with what to do
 * — it was Node's bare "EACCES: permission denied, mkdir …", and the daemon did not start (QA).
 */
export function makeFeedFolder(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    // Not there to be full: "cannot be created", and why.
    const what = refusalOf(code) === 'full' ? `cannot be created: the disk is full (${code})` : refusalWords(code, 'created') ?? `cannot be created (${code ?? (error as Error).message})`;
    const fix = refusalOf(code) === 'full' ? 'make room' : `create it writable for user ${currentUser()}`;
    throw Object.assign(new CalendarSetupError(`the feed folder ${dir} ${what}: ${fix}, or give TOUCHBASE_FEEDS_DIR another folder`), { code });
  }
}

/**
 * Whether a job's error is the feed folder's refusal (feedFolderError), as it reaches the daemon
 * from its job process: its words only. With the file system code it names, if any.
 */
export function feedFolderFailure(message: string): { code: string } | undefined {
  if (!message.startsWith('the feed folder ')) return undefined;
  return { code: /\((E[A-Z]+)\)/.exec(message)?.[1] ?? /: (E[A-Z]+)\b/.exec(message)?.[1] ?? 'error' };
}

/** Files written at once: libuv's four threads. Each holds its feed's bytes (~200 KB) until written. */
const IN_FLIGHT = 4;

async function settled(write: Promise<{ error: unknown } | undefined>): Promise<void> {
  const failed = await write;
  if (failed) throw failed.error;
}

/** All of `bytes` written to `fd` on libuv's thread (a write may take less than it is given). */
function writeAll(fd: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      write(fd, bytes, offset, bytes.length - offset, null, (error, n) => {
        if (error) reject(error);
        else if (offset + n < bytes.length) from(offset + n);
        else resolve();
      });
    };
    from(0);
  });
}

/** The file in a feed folder naming the database whose feeds it holds. */
export const FEEDS_OWNER_FILE = '.touchbase-feeds';

/**
 * Takes the feed folder for the database `owner` names (its own id), or refuses when another
 * database's feeds are there: two companies' daemons on one folder (the default, db/feeds under
 * the working folder, with two --db) each removed the other's files as "no current feed's"
 * (removeStaleFeedFiles), and subscribers got 404s. Claimed by its first sync; a database
 * imported from an export keeps its id, and so the folder.
 */
export function claimFeedsFolder(dir: string, owner: string): void {
  const marker = join(dir, FEEDS_OWNER_FILE);
  if (existsSync(marker)) return checkOwner(dir, marker, owner);
  // Written whole, then linked into place: a daemon beside (sharing this database) never reads it half-written.
  const draft = `${marker}.${process.pid}.tmp`;
  writeFileSync(draft, `${owner}\n`);
  try {
    linkSync(draft, marker);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  checkOwner(dir, marker, owner);
}

function checkOwner(dir: string, marker: string, owner: string): void {
  if (readFileSync(marker, 'utf8').trim() === owner) return;
  throw new CalendarSetupError(`the feed folder ${dir} holds the feeds of another touchbase database (${marker} names it): give each company's daemon its own TOUCHBASE_FEEDS_DIR; `
    + `if this database replaces that one (rebuilt, not imported from its export), remove ${marker} and the old feed files are replaced at the next sync`);
}

/** A feed file's name: its 32-character token (feed-token.ts) and `.ics`. */
const FEED_FILE = /^([A-Za-z0-9_-]{32})\.ics$/;
/** A feed's draft (FeedFiles.write): left behind when the process was killed while writing it. */
const FEED_DRAFT = /^[A-Za-z0-9_-]{32}\.ics\.tmp$/;
/**
 * How old a draft must be to be taken for a killed process's: a daemon sharing the folder may be
 * writing one now, and a write takes well under a second.
 */
const DRAFT_LEFT_MS = 60 * 60_000;

/**
 * Removes the feed files in `dir` that no current feed token names: those of an old
 * TOUCHBASE_FEED_SECRET (changing it is how a leaked address is cut off) and of employees who
 * left the configuration or the feed. Left in place, the feed server went on serving their last
 * copy — client names, contacts' phones and the one-click links — for good. Only files named as
 * feeds are touched. Returns how many were removed.
 */
export function removeStaleFeedFiles(dir: string, current: ReadonlySet<string>): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (FEED_DRAFT.test(name)) {
      removeLeftDraft(join(dir, name));
      continue;
    }
    const token = FEED_FILE.exec(name)?.[1];
    if (token === undefined || current.has(token)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch (error) {
      // Removed meanwhile by another daemon sharing the folder: what was wanted.
      const { code, syscall } = error as NodeJS.ErrnoException;
      // Not Node's words, which name the file: its token is a feed's address.
      if (code !== 'ENOENT') throw Object.assign(new Error(`the feed folder ${dir}: a feed no one has any more was not removed: ${code} on ${syscall ?? 'unlink'}`), { code });
    }
  }
  return removed;
}

/**
 * A draft an hour old is a killed process's (kill -9 while the feed was written): it holds the
 * feed's clients and links, and a token no later sync may write again (an old secret's, an
 * employee gone) would leave it for good. Not counted among removed feeds: it never was one.
 */
function removeLeftDraft(path: string): void {
  try {
    if (Date.now() - statSync(path).mtimeMs < DRAFT_LEFT_MS) return;
    unlinkSync(path);
  } catch {
    // Renamed into place or removed meanwhile, or not ours to remove: the next sync looks again.
  }
}
