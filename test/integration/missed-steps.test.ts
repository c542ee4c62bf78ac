import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/run-cli.ts';
import { exampleCompany } from '../helpers/config-folder.ts';

/**
 * QA F3: a client the CRM export brings in after its `since` (ООО «Сибирский Лес», since 20 January,
 * exported on 1 February) — its onboarding welcome, due 21–27 January, was silently never sent.
 */
describe('an onboarding step missed because the CRM lagged', () => {
  it('a few days late it is recorded from today; weeks late `once` and `plan` name it; the next pass says nothing new', async () => {
    const { dir, config, db } = exampleCompany();
    expect((await cli('once', '--config', config, '--db', db, '--now', '2027-01-11T09:00:00+03:00')).code).toBe(0);
    appendFileSync(join(config, 'crm/clients.csv'), 'siblesa;ООО «Сибирский Лес»;B;manufacturing;RU;Asia/Krasnoyarsk;active;2027-01-20;kuznetsova;petrov;\n');
    appendFileSync(join(config, 'crm/contacts.csv'), 'siblesa;siblesa-ceo;Pavel Les;ceo;p.les@siblesa.example\nsiblesa;siblesa-director;Olga Les;director;o.les@siblesa.example\nsiblesa;siblesa-buyer;Ivan Les;buyer;i.les@siblesa.example\n');
    const later = join(dir, 'later.sqlite');
    copyFileSync(db, later);

    // 1 February: five days after its window, the welcome goes into kuznetsova's calendar this week.
    const soon = await cli('once', '--config', config, '--db', db, '--now', '2027-02-01T09:00:00+03:00');
    expect(soon.code).toBe(0);
    expect(soon.err).not.toContain('missed');
    const history = await cli('history', '--all', '--config', config, '--db', db, '--client', 'siblesa', '--format', 'json');
    const planned = (JSON.parse(history.out) as { type: string; toDate: string; detail: string | null }[])
      .filter((l) => l.type === 'planned' && l.detail === 'rule:onboarding-welcome');
    expect(planned).toHaveLength(1);
    expect(planned[0]!.toDate >= '2027-02-01' && planned[0]!.toDate <= '2027-02-07').toBe(true);

    // 10 February: two weeks after it, the welcome is not sent now, and the pass that plans the client says so.
    const weeks = await cli('once', '--config', config, '--db', later, '--now', '2027-02-10T09:00:00+03:00');
    expect(weeks.code).toBe(0);
    expect(weeks.err).toMatch(/warning: rule:onboarding-welcome at siblesa: missed: due 2027-01-21 to 2027-01-27/);
    const plan = await cli('plan', '--config', config, '--db', later, '--client', 'siblesa', '--now', '2027-02-10T10:00:00+03:00', '--no-save');
    expect(plan.err).toMatch(/warning: rule:onboarding-welcome at siblesa: missed/);
    expect(plan.out).not.toContain('приветственное');
    // Nothing of siblesa changed since: the next pass plans nobody, and repeats nothing.
    expect((await cli('once', '--config', config, '--db', later, '--now', '2027-02-10T09:30:00+03:00')).err).not.toContain('missed');
  });
});
