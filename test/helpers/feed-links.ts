import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one-click links in the feeds of a folder, one set per touch (an event of a day's
 * greetings lists several), from the events that are not cancelled: `uid` is the touch's id
 * without dashes, read from its links.
 */
export function feedLinks(feedDir: string): { uid: string; done: string; skip: string; snooze: string }[] {
  const out: { uid: string; done: string; skip: string; snooze: string }[] = [];
  for (const file of readdirSync(feedDir).filter((f) => f.endsWith('.ics'))) {
    const text = readFileSync(join(feedDir, file), 'utf8').replace(/\r?\n[ \t]/g, '').replace(/\\n/g, '\n');
    for (const event of text.split('BEGIN:VEVENT').slice(1)) {
      if (event.includes('STATUS:CANCELLED')) continue;
      const all = (label: string) => [...event.matchAll(new RegExp(`${label}: \\S*(/a/[A-Za-z0-9._-]+)`, 'g'))].map((m) => m[1]!);
      const [done, skip, snooze] = [all('Done'), all('Skip'), all('Snooze a week')];
      done.forEach((d, i) => out.push({ uid: /^\/a\/done\.([0-9a-f]{32})\./.exec(d)![1]!, done: d, skip: skip[i]!, snooze: snooze[i]! }));
    }
  }
  return out;
}
