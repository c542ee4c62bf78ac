import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbFile } from '../../src/cli/context.ts';
import { isPostgresLocation, redactLocation, scrubPassword } from '../../src/storage/location.ts';
import { tempDir } from '../helpers/config-folder.ts';

const URL_A = 'postgres://tb:s3cr%40t@db.example.com:5432/touchbase';

describe('where the database is', () => {
  it.each([
    ['SQLite is the default', {}, {}, resolve('db/touchbase.sqlite')],
    ['TOUCHBASE_DB names a file', {}, { TOUCHBASE_DB: 'x/t.sqlite' }, resolve('x/t.sqlite')],
    ['TOUCHBASE_DATABASE_URL selects PostgreSQL over TOUCHBASE_DB', {}, { TOUCHBASE_DATABASE_URL: URL_A, TOUCHBASE_DB: 'x/t.sqlite' }, URL_A],
    ['--db wins over the environment', { db: 'y.sqlite' }, { TOUCHBASE_DATABASE_URL: URL_A }, resolve('y.sqlite')],
    ['--db takes a postgresql:// URL as it is', { db: 'postgresql://a:b@h/d' }, {}, 'postgresql://a:b@h/d'],
  ])('%s', (_title, options, env, expected) => {
    expect(dbFile(options, env as NodeJS.ProcessEnv)).toBe(expected);
  });

  it('TOUCHBASE_DATABASE_URL_FILE: the first line of the file; an unreadable or empty file, or a URL that is not PostgreSQL, is refused without showing it', () => {
    const file = join(tempDir(), 'url');
    writeFileSync(file, `${URL_A}\nignored\n`);
    expect(dbFile({}, { TOUCHBASE_DATABASE_URL_FILE: file })).toBe(URL_A);
    expect(() => dbFile({}, { TOUCHBASE_DATABASE_URL_FILE: join(tempDir(), 'none') })).toThrow(/TOUCHBASE_DATABASE_URL_FILE: cannot read .*none \(ENOENT\)/);
    writeFileSync(file, '\n');
    expect(() => dbFile({}, { TOUCHBASE_DATABASE_URL_FILE: file })).toThrow(/is empty/);
    let message = '';
    try {
      dbFile({}, { TOUCHBASE_DATABASE_URL: 'mysql://root:topsecret@h/d' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^TOUCHBASE_DATABASE_URL: expected a PostgreSQL URL/);
    expect(message).not.toContain('topsecret');
  });

  it('a URL whose password holds "/" or "#" unencoded is refused as bad input naming where it came from and how to write it, never shown', () => {
    const file = join(tempDir(), 'url');
    writeFileSync(file, 'postgres://touchbase:p@ss:w/rd#1@127.0.0.1:55436/touchbase\n');
    const refusal = (o: { db?: string }, env: NodeJS.ProcessEnv) => {
      try {
        dbFile(o, env);
      } catch (error) {
        return error as Error;
      }
      throw new Error('accepted');
    };
    for (const [o, env, source] of [
      [{}, { TOUCHBASE_DATABASE_URL_FILE: file }, `TOUCHBASE_DATABASE_URL_FILE (${file})`],
      [{}, { TOUCHBASE_DATABASE_URL: 'postgres://touchbase:pa/ss@db.example.com:5432/touchbase' }, 'TOUCHBASE_DATABASE_URL'],
      [{ db: 'postgres://touchbase:pa#ss@db.example.com/touchbase' }, {}, '--db'],
      // These two parse, wrongly: the host would be "z9", and the rest of the password a path or a fragment.
      [{ db: 'postgres://touchbase:Xy@z9/Q7#k@127.0.0.1:5432/touchbase' }, {}, '--db'],
      [{}, { TOUCHBASE_DATABASE_URL: 'postgres://touchbase:Xy@z9#Q7@127.0.0.1:5432/touchbase' }, 'TOUCHBASE_DATABASE_URL'],
      // One "@" only, and still read wrongly: the host would be "tb", the port 1234.
      [{}, { TOUCHBASE_DATABASE_URL: 'postgres://tb:1234/abc@db.example.com/touchbase' }, 'TOUCHBASE_DATABASE_URL'],
      [{}, { TOUCHBASE_DB: 'postgres://touchbase:Xy@z9/Q7@127.0.0.1:5432/touchbase' }, 'TOUCHBASE_DB'],
    ] as const) {
      const e = refusal(o, env);
      expect(e.constructor.name).toBe('BadInputError');
      expect(e.message.startsWith(`${source}: not a URL that can be read`)).toBe(true);
      expect(e.message).toContain('"/" as %2F, "#" as %23');
      expect(e.message).not.toMatch(/pa\/ss|pa#ss|w\/rd|z9|Q7|1234|abc/);
    }
    // An "@" in the password before the last one reads as pg reads it (the password ends at the last "@"): taken.
    expect(dbFile({ db: 'postgres://tb:p@ss@db.example.com:5432/touchbase' }, {})).toBe('postgres://tb:p@ss@db.example.com:5432/touchbase');
    expect(dbFile({}, { TOUCHBASE_DATABASE_URL: 'postgres://tb:x@db.example.com/touchbase?application_name=a@b' })).toContain('application_name=a@b');
    // Encoded, it is taken as it is.
    expect(dbFile({}, { TOUCHBASE_DATABASE_URL: 'postgres://touchbase:pa%2Fss@db.example.com:5432/touchbase' })).toBe('postgres://touchbase:pa%2Fss@db.example.com:5432/touchbase');
  });

  it('a URL is shown with its password as ***, wherever it appears; a file path as it is', () => {
    expect(isPostgresLocation(URL_A)).toBe(true);
    expect(isPostgresLocation('/var/lib/touchbase.sqlite')).toBe(false);
    expect(redactLocation(URL_A)).toBe('postgres://tb:***@db.example.com:5432/touchbase');
    expect(redactLocation('postgres://tb@db/touchbase?password=x1')).toBe('postgres://tb@db/touchbase?password=***');
    expect(redactLocation('/srv/t.sqlite')).toBe('/srv/t.sqlite');
    // A password with an unencoded "@": hidden up to the last "@", not up to the first.
    expect(redactLocation('postgres://touchbase:Xy@z9/Q7#k@127.0.0.1:5432/touchbase')).toBe('postgres://***@127.0.0.1:5432/touchbase');
    expect(scrubPassword('password Xy@z9/Q7#k refused', 'postgres://touchbase:Xy@z9/Q7#k@127.0.0.1/touchbase')).toBe('password *** refused');
    // A user with an "@" (Azure's user@server): the password is still hidden, and scrubbed.
    expect(redactLocation('postgres://tb@srv:s3cret@db.example.com/touchbase')).toBe('postgres://tb%40srv:***@db.example.com/touchbase');
    expect(scrubPassword('auth for s3cret failed', 'postgres://tb@srv:s3cret@db.example.com/touchbase')).toBe('auth for *** failed');
    expect(redactLocation('postgres://tb:p@ss@db.example.com/touchbase')).toBe('postgres://tb:***@db.example.com/touchbase');
    expect(scrubPassword('auth for s3cr@t and s3cr%40t failed', URL_A)).toBe('auth for *** and *** failed');
  });
});
