import { userInfo } from 'node:os';

/** The user this process runs as, for messages about permissions (a file or database it may not read). */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
