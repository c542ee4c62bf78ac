import { afterEach, expect } from 'vitest';
import { CalendarError } from '../../src/calendar/port.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { startGoogleFake } from './google-fake.ts';

/**
 * Google and Graph fakes a test file starts, each stopped after the test that started it. Call
 * at the file's top level (it registers the afterEach).
 */
export function fakesStoppedAfterEach(): {
  google(): Promise<{ fake: GoogleCalendarFake; url: string }>;
  graph(): Promise<{ fake: GraphCalendarFake; url: string }>;
} {
  let stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
  });
  return {
    async google() {
      const started = await startGoogleFake();
      stops.push(() => started.fake.stop());
      return started;
    },
    async graph() {
      const fake = new GraphCalendarFake();
      const url = await fake.start();
      stops.push(() => fake.stop());
      return { fake, url };
    },
  };
}

/** The real Graph client talking to the fake at `url`: its token endpoint there too, unless `authorityHost` says otherwise. */
export function outlookClient(url: string, o: { graphBaseUrl?: string; authorityHost?: string; timeoutMs?: number } = {}): MicrosoftCalendar {
  return new MicrosoftCalendar({
    credentials: { tenantId: 'contoso', clientId: 'client-id', clientSecret: 'client-secret', authorityHost: o.authorityHost ?? url },
    graphBaseUrl: o.graphBaseUrl ?? url, timeoutMs: o.timeoutMs ?? 2000,
  });
}

/** The CalendarError a call fails with (the test fails if it succeeds or fails otherwise). */
export async function calendarFailure(promise: Promise<unknown>): Promise<CalendarError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CalendarError);
  return error as CalendarError;
}
