import { pino, type Logger } from 'pino';
import { StandardOutput } from './standard-output.ts';

export type { Logger };

/** Field names whose values never reach a log line, wherever they are nested. */
const SECRET_FIELDS = ['token', 'apiToken', 'secret', 'password', 'authorization', 'refresh_token', 'refreshToken', 'client_secret', 'clientSecret', 'url', 'feedUrl'];

/** The levels TOUCHBASE_LOG_LEVEL takes: pino's, from the most to the least said. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * The level TOUCHBASE_LOG_LEVEL sets (info when unset or empty, as .env.example leaves it),
 * checked before the daemon starts: pino refused another one with its own words ("default
 * level:verbose must be included in custom levels"), naming neither the variable nor the levels.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.TOUCHBASE_LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new RangeError(`TOUCHBASE_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')} (default info), found ${JSON.stringify(env.TOUCHBASE_LOG_LEVEL)}`);
  }
  return value;
}

/**
 * Structured JSON logs (one object per line, for journald and log shippers); readable lines
 * when a person watches a terminal. Secrets are removed by field name; feed and link
 * addresses carry tokens and are never logged (the banner at start prints them to a terminal only).
 */
export async function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Promise<Logger> {
  const base = {
    level: options.level ?? logLevelFromEnv(),
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
