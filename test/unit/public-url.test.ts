import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { publicUrl, reachableUrl } from '../../src/http/public-url.ts';
import { withServedAddress } from '../../src/daemon/served-address.ts';
import { configOf, SETTINGS } from '../helpers/config-folder.ts';

const config = configOf({ ...SETTINGS, employees: [{ id: 'anna', name: 'Anna', role: 'account_manager' }], clients: [], rules: [] });

describe('the address in feed URLs and one-click links', () => {
  it('is the one the daemon serves when it was started with --host/--port (settings.http says 8787)', () => {
    expect(publicUrl(config.settings, {})).toBe('http://127.0.0.1:8787');
    expect(publicUrl(withServedAddress(config, { host: '127.0.0.1', port: 9123 }).settings, {})).toBe('http://127.0.0.1:9123');
    expect(config.settings.http.port).toBe(8787); // the configuration itself is not changed
  });

  it('names this machine for a wildcard address and brackets IPv6', () => {
    expect(publicUrl(withServedAddress(config, { host: '0.0.0.0', port: 9000 }).settings, {})).toBe(`http://${hostname()}:9000`);
    expect(publicUrl(withServedAddress(config, { host: '::1', port: 9000 }).settings, {})).toBe('http://[::1]:9000');
  });

  it('the dashboard\'s own links name this machine too when the daemon listens on every interface', () => {
    expect(reachableUrl('http://0.0.0.0:8787')).toBe(`http://${hostname()}:8787`);
    expect(reachableUrl('http://[::]:8787')).toBe(`http://${hostname()}:8787`);
    expect(reachableUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(reachableUrl('http://[::1]:8787')).toBe('http://[::1]:8787');
  });

  it('TOUCHBASE_PUBLIC_URL and settings.http.public_url still win over the served address', () => {
    const served = withServedAddress(config, { host: '127.0.0.1', port: 9123 }).settings;
    expect(publicUrl(served, { TOUCHBASE_PUBLIC_URL: 'https://touchbase.example/' })).toBe('https://touchbase.example');
  });
});
