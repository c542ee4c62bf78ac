import { describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/config-folder.ts';
import { readSecretFile, warnIfReadableByOthers } from '../../src/secret-file.ts';

describe('a file holding a secret (QA security F4)', () => {
  it('readable by other users is said once, with how to fix it; one only its owner reads is not', () => {
    const dir = tempDir();
    const shared = join(dir, 'api-token');
    const own = join(dir, 'client-secret');
    writeFileSync(shared, 'x'.repeat(40));
    writeFileSync(own, 'y'.repeat(40));
    chmodSync(shared, 0o644);
    chmodSync(own, 0o600);
    const lines: string[] = [];
    const write = (line: string) => lines.push(line);
    warnIfReadableByOthers(shared, 'TOUCHBASE_API_TOKEN_FILE', write);
    warnIfReadableByOthers(shared, 'TOUCHBASE_API_TOKEN_FILE', write);
    warnIfReadableByOthers(own, 'TOUCHBASE_OIDC_CLIENT_SECRET_FILE', write);
    warnIfReadableByOthers(join(dir, 'missing'), 'MS_CLIENT_SECRET_FILE', write);
    expect(lines).toEqual([`touchbase: warning: TOUCHBASE_API_TOKEN_FILE names ${shared}, which other users of this machine can read (mode 644): "chmod 600 ${shared}" keeps the secret its owner's\n`]);
  });

  it('is read as its first line trimmed, or whole; an unreadable one is the caller\'s error, naming the variable, path and reason', () => {
    const dir = tempDir();
    const file = join(dir, 'token');
    writeFileSync(file, '  first-line-token \r\nsecond line\n', { mode: 0o600 });
    const fail = (message: string) => new RangeError(message);
    expect(readSecretFile(file, 'TOUCHBASE_API_TOKEN_FILE', fail)).toBe('first-line-token');
    expect(readSecretFile(file, 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE', fail, 'whole')).toBe('  first-line-token \r\nsecond line\n');
    const missing = join(dir, 'missing');
    expect(() => readSecretFile(missing, 'MS_CLIENT_SECRET_FILE', fail)).toThrow(new RangeError(`MS_CLIENT_SECRET_FILE: cannot read ${missing} (ENOENT)`));
  });
});
