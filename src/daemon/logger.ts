import { pino, type Logger } from 'pino';
import { StandardOutput } from './standard-output.ts';

export type { Logger };

/** Field names whose values never reach a log line, wherever they are nested. */
const SECRET_FIELDS = ['token', 'apiToken', 'secret', 'password', 'authorization', 'refresh_token', 'refreshToken', 'client_secret', 'clientSecret', 'url', 'feedUrl'];

/**
 * Structured JSON logs (one object per line, for journald and log shippers); readable lines
 * when a person watches a terminal. Secrets are removed by field name; feed and link
 * addresses carry tokens and are never logged (the banner at start prints them to a terminal only).
 */
export async function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Promise<Logger> {
  const base = {
    level: options.level ?? process.env.TOUCHBASE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)], censor: '[redacted]' },
  };
  if (options.pretty) {
    const { default: pretty } = await import('pino-pretty');
    return pino(base, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: options.destination as never }));
  }
  return pino(base, (options.destination ?? new StandardOutput()) as never);
}

/** A logger that writes nothing (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
