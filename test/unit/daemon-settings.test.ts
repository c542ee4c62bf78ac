import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import { createLogger } from '../../src/daemon/logger.ts';
import { DEFAULT_LIMITS, limitsFromEnv } from '../../src/daemon/time-limits.ts';
import { SETTINGS, writeConfig } from '../helpers/config-folder.ts';

describe('daemon settings', () => {
  it('schedules and the HTTP server default sensibly', () => {
    const { config } = checkConfig(writeConfig({ 'touchbase.yaml': SETTINGS }));
    expect(config!.settings.schedules).toEqual({ sync: '*/5 * * * *', calendars: '17 * * * *', daily: '30 6 * * *', digest: '0 8 * * mon' });
    expect(config!.settings.http).toEqual({ host: '127.0.0.1', port: 8787, publicUrl: undefined });
  });

  it('a bad cron expression or port is reported with its place and what was expected', () => {
    const { issues } = checkConfig(writeConfig({
      'touchbase.yaml': { settings: { ...SETTINGS.settings, schedules: { sync: '*/5 * * *', daily: '61 6 * * *' }, http: { port: 70000 } } },
    }));
    const text = issues.map(formatIssue);
    expect(text).toEqual(expect.arrayContaining([
      expect.stringMatching(/touchbase\.yaml:\d+:\d+: settings\.schedules\.sync.*five fields/),
      expect.stringMatching(/touchbase\.yaml:\d+:\d+: settings\.schedules\.daily.*61/),
      expect.stringMatching(/touchbase\.yaml:\d+:\d+: settings\.http\.port/),
    ]));
  });
});

describe('logs', () => {
  it('never carry a secret: tokens, secrets and addresses are redacted wherever they are nested', async () => {
    let written = '';
    const sink = new Writable({ write(chunk, _enc, done) { written += chunk.toString(); done(); } });
    const log = await createLogger({ destination: sink });
    log.info({ token: 'tok-123', calendar: { refresh_token: 'rt-456', clientSecret: 'cs-789' }, url: 'http://x/feeds/abc.ics' }, 'sync done');
    log.flush();
    expect(written).toContain('"msg":"sync done"');
    for (const secret of ['tok-123', 'rt-456', 'cs-789', '/feeds/abc.ics']) expect(written).not.toContain(secret);
  });

  it('time limits and the warm period come from the environment: durations, "0" or "off" for no warm process, and a clear error otherwise', () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.warmMs).toBe(10 * 60_000);
    expect(limitsFromEnv({ TOUCHBASE_JOB_TIMEOUT: '45 minutes', TOUCHBASE_CHECK_TIMEOUT: '90 s', TOUCHBASE_WARM_FOR: '1h' }))
      .toMatchObject({ jobMs: 45 * 60_000, checkMs: 90_000, warmMs: 3_600_000 });
    expect(limitsFromEnv({ TOUCHBASE_WARM_FOR: '0' }).warmMs).toBe(0);
    expect(limitsFromEnv({ TOUCHBASE_WARM_FOR: 'off' }).warmMs).toBe(0);
    expect(() => limitsFromEnv({ TOUCHBASE_WARM_FOR: 'ten minutes' })).toThrow('TOUCHBASE_WARM_FOR: expected a duration of at least 1 s, like "30 minutes", "90 s" or "2h", or 0 (off) for none, found "ten minutes"');
  });
});
