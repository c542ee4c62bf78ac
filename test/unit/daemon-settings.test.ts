import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import { createLogger } from '../../src/daemon/logger.ts';
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
});
