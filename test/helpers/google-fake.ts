import { GoogleCalendar, type GoogleAuth } from '../../src/calendar/google/google-calendar.ts';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { A, B } from './sync-company.ts';

/** The Google Calendar fake, started, knowing Anna's and Boris's refresh tokens. */
export async function startGoogleFake(): Promise<{ fake: GoogleCalendarFake; url: string }> {
  const fake = new GoogleCalendarFake();
  const url = await fake.start();
  fake.refreshTokens.set('rt-anna', A);
  fake.refreshTokens.set('rt-boris', B);
  return { fake, url };
}

/** The real Google client talking to the fake at `url`, with Anna's and Boris's OAuth tokens unless told otherwise. */
export function googleClient(url: string, o: { auth?: GoogleAuth; timeoutMs?: number } = {}): GoogleCalendar {
  return new GoogleCalendar({
    auth: o.auth ?? { kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([[A, 'rt-anna'], [B, 'rt-boris']]) },
    rootUrl: `${url}/`, tokenUrl: `${url}/token`, timeoutMs: o.timeoutMs ?? 2000,
  });
}
