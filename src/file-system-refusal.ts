import { currentUser } from './current-user.ts';

/**
 * How a file system refused a write, told from its error code; undefined for anything else.
 * One list for every writer (the database, the feed folder, the CLI's output), so that a code one
 * of them learns (EDQUOT, say) is not missed by the others.
 */
export type Refusal = 'full' | 'too-large' | 'read-only' | 'forbidden';

export function refusalOf(code: string | undefined): Refusal | undefined {
  switch (code) {
    case 'ENOSPC': case 'EDQUOT': case 'SQLITE_FULL': return 'full';
    case 'EFBIG': return 'too-large';
    case 'EROFS': return 'read-only';
    case 'EACCES': case 'EPERM': return 'forbidden';
    default: return undefined;
  }
}

/**
 * The refusal in words, to follow the name of what was refused ("the feed folder /srv/feeds …"),
 * its code included for a search; undefined when the code is not a refusal.
 * `done` says what this user may not do to it: "written", "created".
 */
export function refusalWords(code: string | undefined, done = 'written'): string | undefined {
  switch (refusalOf(code)) {
    case 'full': return `is full (${code})`;
    case 'too-large': return `would grow larger than allowed (${code}: ulimit -f, or the file system's largest file)`;
    case 'read-only': return `is on a read-only file system (${code})`;
    case 'forbidden': return `may not be ${done} by user ${currentUser()} (${code})`;
    default: return undefined;
  }
}

/** What an administrator does about the refusal of `code`: room for a full one, a larger limit for a file too large, rights for the rest. */
export function remedyFor(code: string | undefined): string {
  const refusal = refusalOf(code);
  return refusal === 'full' ? 'make room' : refusal === 'too-large' ? 'raise the size limit (ulimit -f, LimitFSIZE=)' : `make it writable for user ${currentUser()}`;
}
