import { describe, expect, it } from 'vitest';
import { writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

interface PlanTouch { id: string; source: string; date: string; status: string }

describe('a greeting campaign added when no working day is left before its holiday', () => {
  it('is recorded on the belated day, and kept there by the plans of the days after the holiday (QA: not planned at all)', async () => {
    // 8 March 2027 is a Monday and a day off in Russia: the greeting's day was Friday 5 March.
    const dir = writeConfig({ 'touchbase.yaml': { ...workflowCompany(), campaigns: [{ id: 'womens-day', on: '03-08', ours: 'account_manager', theirs: 'ceo' }] } });
    const db = await tempDatabaseLocation();
    const plan = async (day: string) => {
      const run = await cli('plan', '--config', dir, '--db', db, '--from', day, '--to', '2027-03-31', '--format', 'json', '--now', `${day}T10:00:00+03:00`);
      expect(run.code, run.err).toBe(0);
      return { greetings: (JSON.parse(run.out) as PlanTouch[]).filter((t) => t.source === 'campaign:womens-day') };
    };
    const saturday = await plan('2027-03-06');
    expect(saturday.greetings.length).toBeGreaterThan(0);
    expect(new Set(saturday.greetings.map((t) => t.date))).toEqual(new Set(['2027-03-09']));
    // The holiday is before the plan's first day on Tuesday: the greeting is still the plan's, not cancelled.
    const tuesday = await plan('2027-03-09');
    expect(tuesday.greetings.map((t) => t.id).sort()).toEqual(saturday.greetings.map((t) => t.id).sort());
    expect(tuesday.greetings.every((t) => t.status === 'planned' && t.date === '2027-03-09')).toBe(true);
    // A plan of the month so far, on that day and the next, shows them where they are and cancels
    // none (QA: shown on the 5th, overdue, and cancelled by the save).
    for (const day of ['2027-03-09', '2027-03-10']) {
      const run = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'json', '--now', `${day}T10:00:00+03:00`);
      expect(run.code, run.err).toBe(0);
      const shown = (JSON.parse(run.out) as PlanTouch[]).filter((t) => t.source === 'campaign:womens-day');
      expect(shown.map((t) => `${t.id} ${t.date} ${t.status}`).sort(), day).toEqual(saturday.greetings.map((t) => `${t.id} 2027-03-09 planned`).sort());
    }
  });
});
