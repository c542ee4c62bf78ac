import type { Language } from '../../src/domain/types.ts';
import type { TouchRow } from '../../src/storage/schema.ts';
import { openMigrated } from '../../src/storage/database.ts';

/** Tuesday 15 June 2027, 09:00 in Moscow: "now" for the dashboard tests. */
export const NOW = '2027-06-15T09:00:00+03:00';
export const TODAY = '2027-06-15';

/**
 * A small company for the dashboard: Anna (account manager of Alfa and Gamma), Oleg (account
 * manager of Beta), Pavel (the sales director, a director on the dashboard). Rule and client
 * ids are not English words, so a page in Russian or Romanian shows no English but the data's.
 */
export function dashboardCompany(language: Language) {
  const contacts = (id: string) => [
    { id: `${id}-ceo`, name: `Ivan Sokolov ${id}`, role: 'ceo', email: `ceo@${id}.example` },
    { id: `${id}-buyer`, name: `Olga Belova ${id}`, role: 'buyer', email: `buyer@${id}.example` },
    { id: `${id}-buyer2`, name: `Petr Orlov ${id}`, role: 'buyer' },
  ];
  return {
    settings: { company: 'Volna Test', timezone: 'Europe/Moscow', country: 'RU', hours: '09:00-18:00', horizon: '60 days', language },
    employees: [
      { id: 'anna', name: 'Anna Ivanova', role: 'account_manager', email: 'Anna.Ivanova@corp.example' },
      { id: 'oleg', name: 'Oleg Popov', role: 'account_manager', email: 'oleg@corp.example' },
      { id: 'pavel', name: 'Pavel Petrov', role: 'sales_director', email: 'pavel@corp.example' },
    ],
    clients: [
      { id: 'alfa', name: 'Alfa Stroy', tier: 'A', industry: 'stroyka', country: 'RU', since: '2020-01-10', team: { account_manager: 'anna' }, contacts: contacts('alfa') },
      { id: 'beta', name: 'Beta Trans', tier: 'B', industry: 'logistika', country: 'RU', since: '2020-01-10', team: { account_manager: 'oleg' }, contacts: contacts('beta') },
      { id: 'gamma', name: 'Gamma Agro', tier: 'B', industry: 'agro', country: 'RO', timezone: 'Europe/Bucharest', since: '2020-01-10', last_contact: '2027-03-01', team: { account_manager: 'anna' }, contacts: contacts('gamma') },
    ],
    rules: [
      { id: 'vstrechi', ours: 'sales_director', theirs: 'ceo', kind: 'meeting', every: '3 months' },
      { id: 'zvonki', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'contact' },
    ],
    campaigns: [{ id: 'den-kompanii', kind: 'greeting', on: '06-17', ours: 'account_manager', theirs: ['ceo'] }],
    silence: { after: '60 days', for: { stage: 'active' }, escalate_to: 'sales_director' },
    overdue: { after: '2 days', escalate_to: 'sales_director' },
    digest: { to: ['sales_director'] },
    dashboard: { directors: ['sales_director'] },
  };
}

type Status = 'planned' | 'done' | 'skipped';

function touch(id: string, o: { client: string; employee: string; rule: string; contact: string; date: string; windowTo: string; status?: Status; doneOn?: string; kind?: string; note?: string }): TouchRow {
  const status = o.status ?? 'planned';
  return {
    id, source: `rule:${o.rule}`, series: `rule:${o.rule}|${o.client}|${o.contact}|${id}`, kind: o.kind ?? 'call', client_id: o.client,
    contact_ids: JSON.stringify([o.contact]), employee_id: o.employee, date: o.date, start_at: `${o.date}T10:00:00.000+03:00`,
    end_at: `${o.date}T10:15:00.000+03:00`, all_day: 0, title: `${o.client} ${o.rule} ${o.date}`, window_from: o.date, window_to: o.windowTo,
    remind: '[]', status, resolved_at: status === 'planned' ? null : `${o.doneOn ?? o.date}T12:00:00Z`,
    resolved_date: status === 'planned' ? null : (o.doneOn ?? o.date), resolved_by: status === 'planned' ? null : o.employee,
    note: o.note ?? null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  };
}

/**
 * The recorded history, all before today: Anna called Alfa's buyer on time in April and late
 * for March, and has not made May's call; Pavel met Alfa's CEO in May; Oleg called Beta's
 * buyer in May (after moving the call in his calendar), skipped the other buyer, and has not
 * made June's call (due by 10 June).
 */
export const HISTORY: readonly TouchRow[] = [
  touch('00000000-0000-4000-8000-0000000000a1', { client: 'alfa', employee: 'anna', rule: 'zvonki', contact: 'alfa-buyer', date: '2027-04-12', windowTo: '2027-04-30', status: 'done', note: 'obsudili postavki' }),
  touch('00000000-0000-4000-8000-0000000000a2', { client: 'alfa', employee: 'anna', rule: 'zvonki', contact: 'alfa-buyer', date: '2027-05-20', windowTo: '2027-05-31' }),
  touch('00000000-0000-4000-8000-0000000000a3', { client: 'alfa', employee: 'pavel', rule: 'vstrechi', contact: 'alfa-ceo', date: '2027-05-12', windowTo: '2027-06-30', status: 'done', kind: 'meeting' }),
  touch('00000000-0000-4000-8000-0000000000a4', { client: 'alfa', employee: 'anna', rule: 'zvonki', contact: 'alfa-buyer', date: '2027-03-10', windowTo: '2027-03-31', status: 'done', doneOn: '2027-04-05' }),
  touch('00000000-0000-4000-8000-0000000000b1', { client: 'beta', employee: 'oleg', rule: 'zvonki', contact: 'beta-buyer', date: '2027-05-05', windowTo: '2027-05-31', status: 'done' }),
  touch('00000000-0000-4000-8000-0000000000b2', { client: 'beta', employee: 'oleg', rule: 'zvonki', contact: 'beta-buyer', date: '2027-06-01', windowTo: '2027-06-10' }),
  touch('00000000-0000-4000-8000-0000000000b3', { client: 'beta', employee: 'oleg', rule: 'zvonki', contact: 'beta-buyer2', date: '2027-05-07', windowTo: '2027-05-31', status: 'skipped', note: 'v otpuske' }),
];

/** Writes the history (touches and their events) into a fresh database before the daemon starts. */
export async function recordHistory(dbFile: string): Promise<void> {
  const db = await openMigrated(dbFile);
  try {
    await db.insertInto('touches').values([...HISTORY]).execute();
    for (const t of HISTORY) {
      await db.insertInto('touch_events').values({ touch_id: t.id, type: 'planned', at: '2027-01-01T00:00:00Z', employee_id: t.employee_id, from_date: null, to_date: t.date, detail: null, cause: 'plan' }).execute();
      if (t.status !== 'planned') {
        await db.insertInto('touch_events').values({ touch_id: t.id, type: t.status as 'done' | 'skipped', at: t.resolved_at!, employee_id: t.employee_id, from_date: t.date, to_date: t.date, detail: t.note, cause: 'employee' }).execute();
      }
    }
    // Oleg moved his May call to Beta in his calendar before doing it.
    await db.insertInto('touch_events').values({ touch_id: HISTORY[4]!.id, type: 'rescheduled', at: '2027-05-03T08:00:00Z', employee_id: 'oleg', from_date: '2027-05-03', to_date: '2027-05-05', detail: 'moved in the calendar by the employee', cause: 'employee' }).execute();
  } finally {
    await db.destroy();
  }
}
