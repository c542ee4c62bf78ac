import { DateTime } from 'luxon';
import { SETTINGS, client, employee } from './config-folder.ts';

/** The small company the provider sync tests share: Anna in Moscow, Boris in Bucharest. */
export const NOW = DateTime.fromISO('2027-03-01T08:00:00+03:00');
export const HORIZON = { from: '2027-03-01', to: '2027-05-30' };
export const A = 'anna@corp.example';
export const B = 'boris@corp.example';

/** Sections of the configuration, with a given calendar provider and a few variations. */
export function syncCompany(
  calendar: 'ics' | 'google' | 'microsoft',
  opts: { title?: string; clients?: number; handover?: boolean; anna?: { email?: string; calendar?: 'ics' | 'google' | 'microsoft' }; boris?: { email?: string } } = {},
) {
  return {
    settings: { ...SETTINGS.settings, calendar, horizon: '90 days' },
    employees: [{ ...employee('anna', 'account_manager', { email: opts.anna?.email ?? A }), ...(opts.anna?.calendar ? { calendar: opts.anna.calendar } : {}) }, employee('boris', 'account_manager', { email: opts.boris?.email ?? B, country: 'RO', timezone: 'Europe/Bucharest' })],
    clients: Array.from({ length: opts.clients ?? 4 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'], team: { account_manager: i % 2 ? 'boris' : 'anna' } })),
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', ...(opts.title ? { title: opts.title } : {}) },
      { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
    ],
    ...(opts.handover ? { handovers: [{ from: 'anna', to: 'boris', on: '2027-04-01', notice_from: 'leaving' }] } : {}),
  };
}

/** The company without its calls rule: their touches are cancelled and their events deleted (until the rule is back). */
export function withoutCalls(sections: ReturnType<typeof syncCompany>) {
  return { ...sections, rules: sections.rules.filter((r) => r.id !== 'calls') };
}

/** A touch id from an event key (the id without dashes). */
export function touchIdOf(key: string): string {
  return key.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}
