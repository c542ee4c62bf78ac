import type { Config } from '../domain/types.ts';
import { demand, type Demand, type DemandUnit } from './demand.ts';
import { translator } from '../i18n/translator.ts';
import type { WorkCalendar } from './work-calendar.ts';
import { own } from '../domain/safe-keys.ts';
import { holderOn } from '../domain/team.ts';
import { addDays, assertIsoDate, daysBetween } from './dates.ts';
import { MISSED_STEP_DAYS } from './rule-demands.ts';

/**
 * The letters of a handover, per contact of every client where the leaving employee holds a
 * role on the eve of the handover (theirs, or taken over by an earlier handover): "your manager
 * changes" 1–2 working days before `on`, from management or the leaver; an introduction from
 * the successor 1–2 working days after. Besides the letters whose days overlap [from, to], the
 * ones whose days ended in the MISSED_STEP_DAYS before today (the company's), as a sequence's
 * steps: a handover written in after its letters' days has them never planned, which plan.ts
 * names in a warning (#lateNotice) or, an introduction, places late (#lateStep) — QA: they were
 * dropped without a word.
 */
export function handoverDemands(config: Config, calendar: WorkCalendar, from: string, to: string, today: string, emit: (d: Demand) => void): void {
  const wanted = (days: readonly [string, string]) => (days[1] >= from && days[0] <= to) || (days[1] < from && days[1] < today && daysBetween(days[1], today) <= MISSED_STEP_DAYS);
  const employees = new Map(config.employees.map((e) => [e.id, e]));
  const { t } = translator(config.settings.language);
  const noticeTitle = t('title.handoverNotice');
  const introTitle = t('title.handoverIntro');
  for (const h of config.handovers) {
    const leaver = employees.get(h.from)!;
    const successor = employees.get(h.to)!;
    assertIsoDate(h.on, 'date');
    const eve = addDays(h.on, -1);
    for (const client of config.clients) {
      // Every client the leaver serves on the eve of the handover: their own, and those they took
      // over by an earlier handover (a chain: its clients change manager again, and are told so).
      if (!Object.values(client.team).some((member) => holderOn(config.handovers, member, eve) === h.from)) continue;
      const director = own(client.team, 'sales_director');
      const notifier = h.noticeFrom === 'management' ? employees.get(director === undefined ? '' : holderOn(config.handovers, director, eve)) ?? leaver : leaver;
      const noticeDays = [calendar.shiftWorkdays(h.on, -2, notifier.country, client.country), calendar.shiftWorkdays(h.on, -1, notifier.country, client.country)] as const;
      const introDays = [calendar.shiftWorkdays(h.on, 1, successor.country, client.country), calendar.shiftWorkdays(h.on, 2, successor.country, client.country)] as const;
      const source = `handover:${h.from}:${h.to}`;
      const titleExtra = { 'from.name': leaver.name, 'to.name': successor.name };
      for (const contact of client.contacts) {
        const base = {
          source, kind: 'letter' as const, client, contacts: [contact], contactIds: [contact.id], role: '',
          mode: 'spread' as const, overflow: true, durationMinutes: 0, remind: [1440], titleExtra,
        };
        if (wanted(noticeDays)) {
          const series = `${source}|${client.id}|${contact.id}|notice`;
          const unit: DemandUnit = { ...base, series, employee: notifier.id, title: noticeTitle };
          emit(demand(unit, series, { from: noticeDays[0], to: noticeDays[1] }));
        }
        if (wanted(introDays)) {
          const series = `${source}|${client.id}|${contact.id}|intro`;
          const unit: DemandUnit = { ...base, series, employee: successor.id, title: introTitle };
          emit(demand(unit, series, { from: introDays[0], to: introDays[1] }));
        }
      }
    }
  }
}
