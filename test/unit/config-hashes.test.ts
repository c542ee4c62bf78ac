import { describe, expect, it } from 'vitest';
import { configFingerprint, hashesById, hashOf, readAhead } from '../../src/domain/config-hashes.ts';
import { basisOf } from '../../src/sync/change-scope.ts';
import { withServedAddress } from '../../src/daemon/served-address.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { countedList } from '../helpers/counted-list.ts';

const company = (buyers = 1) => configOf({
  ...SETTINGS,
  employees: [employee('am', 'account_manager')],
  clients: [client('a', { roles: Array.from({ length: buyers }, () => 'buyer') }), client('b', { roles: ['ceo'] })],
  rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
});

/** The hashes a pass's basis and the dashboard's key compare (domain/config-hashes.ts). */
describe('configuration hashes', () => {
  it('hash each client and employee by id, as the JSON of each', () => {
    const config = company();
    expect(hashesById(config.clients)).toEqual({ a: hashOf(config.clients[0]), b: hashOf(config.clients[1]) });
    expect(hashesById(config.employees)).toEqual({ am: hashOf(config.employees[0]) });
  });

  it('read a list once however often a pass, the dashboard or a warm process ask, and again once it grew', () => {
    const { list, reads } = countedList(Array.from({ length: 1_000 }, (_, i) => ({ id: `c${i}`, name: `Client ${i}` })));
    readAhead({ clients: list, employees: [] } as never);
    for (let i = 0; i < 5; i++) expect(hashesById(list).c999).toBe(hashOf({ id: 'c999', name: 'Client 999' }));
    expect(reads()).toBe(1);
    list.push({ id: 'c1000', name: 'Client 1000' });
    expect(hashesById(list).c1000).toBe(hashOf({ id: 'c1000', name: 'Client 1000' }));
    expect(reads()).toBe(2);
  });

  it('give a pass the same basis for a copy of the configuration served at another address (its lists are shared)', () => {
    const config = company();
    const served = withServedAddress(config, { host: '127.0.0.1', port: 9999 });
    const window = { from: '2027-01-01', to: '2027-03-31' };
    expect(basisOf(served, window, 'd', 'l', 1).clients).toBe(basisOf(config, window, 'd', 'l', 1).clients);
    expect(basisOf(served, window, 'd', 'l', 1).global).not.toBe(basisOf(config, window, 'd', 'l', 1).global);
  });

  it('give the dashboard a fingerprint that moves with any client, employee or setting, and only then', () => {
    expect(configFingerprint(company())).toBe(configFingerprint(company()));
    expect(configFingerprint(company(2))).not.toBe(configFingerprint(company()));
    const config = company();
    expect(configFingerprint({ ...config, settings: { ...config.settings, company: 'Other Co' } })).not.toBe(configFingerprint(config));
    expect(configFingerprint({ ...config, employees: [{ ...config.employees[0]!, name: 'Renamed' }] })).not.toBe(configFingerprint(config));
  });
});
