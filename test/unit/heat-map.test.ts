import { describe, expect, it } from 'vitest';
import { heatMap } from '../../src/dashboard/pages/heat-map.ts';
import type { PageContext } from '../../src/dashboard/pages/context.ts';
import { translator } from '../../src/i18n/translator.ts';

const ctx = (language: Parameters<typeof translator>[0]) => ({ tr: translator(language), meta: { today: '2027-03-01' }, today: '2027-03-01' }) as unknown as PageContext;

describe('the coverage heat map', () => {
  it('says that nothing is planned yet, in the company\'s language, instead of a grid of months with no rows', () => {
    expect(String(heatMap(ctx('ru'), []))).toContain('Пока нет ни запланированных, ни выполненных касаний');
    expect(String(heatMap(ctx('en'), []))).not.toContain('<table');
  });

  it('draws a row per rule with a cell per month once there is something', () => {
    const row = { rule: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', month: '2027-03', due: 4, on_time: 2, late: 1, missed: 0, skipped: 0, open: 1, on_time_share: 0.5 };
    const out = String(heatMap(ctx('en'), [row]));
    expect(out).toContain('<table class="heat">');
    expect(out).toContain('data-cell="calls|2027-03"');
  });
});
