import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/cli-error.ts';

/** What reportError writes for this error, and the exit status it gives. */
function reported(error: Error): { text: string; status: number } {
  let text = '';
  const status = reportError(error, { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream);
  return { text, status };
}

describe('an error of the SQLite binding', () => {
  it('says what to run, not the loader\'s list of paths it tried (QA)', () => {
    const missing = reported(new Error('Could not locate the bindings file. Tried:\n → /opt/touchbase/node_modules/better-sqlite3/build/better_sqlite3.node\n → /opt/touchbase/node_modules/better-sqlite3/build/Debug/better_sqlite3.node'));
    expect(missing).toEqual({ status: 1, text: 'touchbase: the SQLite binding (better-sqlite3) is not built: run "npm rebuild better-sqlite3" (or "npm ci") in the touchbase folder (README, Troubleshooting)\n' });
    const other = reported(new Error("The module '/opt/touchbase/node_modules/better-sqlite3/build/Release/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 108. This version of Node.js requires NODE_MODULE_VERSION 115."));
    expect(other.text).toBe('touchbase: the SQLite binding (better-sqlite3) is built for another version of Node.js: run "npm rebuild better-sqlite3" (or "npm ci") in the touchbase folder (README, Troubleshooting)\n');
    // Any other failure is said as it is.
    expect(reported(new Error('something else')).text).toBe('touchbase: something else\n');
  });
});
