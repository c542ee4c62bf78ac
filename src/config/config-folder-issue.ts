import type { ConfigIssue } from './config-issue.ts';

/** The error of a configuration folder that cannot be listed: not there, a file, not to be read (the daemon's at start too). */
export function configFolderIssue(dir: string, error: unknown): ConfigIssue {
  const code = (error as NodeJS.ErrnoException).code;
  // A folder inside it that may not be read (crm/ of another user, mode 700) is named, not the top.
  const where = (error as NodeJS.ErrnoException).path ?? dir;
  const found = code === 'ENOENT' ? `${dir}, which does not exist (check --config and TOUCHBASE_CONFIG)`
    : code === 'ENOTDIR' ? `${dir}, which is a file, not a folder`
    : code === 'EACCES' || code === 'EPERM' ? `${where}, which this user may not read (ls -ld ${where})`
    : (error as Error).message.startsWith(dir) ? (error as Error).message : `${dir}: ${(error as Error).message}`;
  return { file: dir, line: 1, column: 1, field: '', rank: 0, expected: 'a configuration folder', found };
}
