import type { Config, Handover } from '../domain/types.ts';
import { contactValues, demand, type Demand } from './demand.ts';
import type { WorkCalendar } from './work-calendar.ts';

/**
 * The letters of a handover, per contact of every client where the leaving employee holds
 * a role: "your manager changes" 1–2 working days before `on`, from management or the
 * leaver; an introduction from the successor 1–2 working days after.
 */
export function handoverDemands(config: Config, calendar: WorkCalendar, from: string, to: string): Demand[] {
  const out: Demand[] = [];
  const employees = new Map(config.employees.map((e) => [e.id, e]));
  for (const h of config.handovers) {
    const leaver = employees.get(h.from)!;
    const successor = employees.get(h.to)!;
    for (const client of config.clients) {
      if (!Object.values(client.team).includes(h.from)) continue;
      const notifier = h.noticeFrom === 'management' ? employees.get(client.team.sales_director!) ?? leaver : leaver;
      const noticeDays = [calendar.shiftWorkdays(h.on, -2, notifier.country, client.country), calendar.shiftWorkdays(h.on, -1, notifier.country, client.country)] as const;
      const introDays = [calendar.shiftWorkdays(h.on, 1, successor.country, client.country), calendar.shiftWorkdays(h.on, 2, successor.country, client.country)] as const;
      for (const contact of client.contacts) {
        const base = { client, contacts: [contact], kind: 'letter' as const, role: '', durationMinutes: 0, remind: [1440], mode: 'spread' as const, overflow: true };
        const values = { ...contactValues(client, [contact]), 'from.name': leaver.name, 'to.name': successor.name };
        if (noticeDays[1] >= from && noticeDays[0] <= to) {
          out.push(demand({
            ...base, ...series(h, client.id, contact.id, 'notice'), employee: notifier.id,
            from: noticeDays[0], to: noticeDays[1],
            title: '{client.name}: tell {contact.name} that {from.name} hands over to {to.name}', titleValues: values,
          }));
        }
        if (introDays[1] >= from && introDays[0] <= to) {
          out.push(demand({
            ...base, ...series(h, client.id, contact.id, 'intro'), employee: successor.id,
            from: introDays[0], to: introDays[1],
            title: '{client.name}: introduce yourself to {contact.name} as their new contact, taking over from {from.name}', titleValues: values,
          }));
        }
      }
    }
  }
  return out;
}

function series(h: Handover, client: string, contact: string, letter: 'notice' | 'intro') {
  const source = `handover:${h.from}:${h.to}`;
  return { identity: `${source}|${client}|${contact}|${letter}`, source, series: `${source}|${client}|${contact}|${letter}` };
}
