import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A signed-in person: who, until when, and a random id (CSRF tokens and sign-out are bound to it). */
export interface Session {
  readonly employee: string;
  readonly nonce: string;
  /** Epoch milliseconds after which the session is over. */
  readonly expires: number;
}

/** How long a session lasts: a working day and then some; then one signs in again. */
export const SESSION_HOURS = 12;

function mac(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A value signed for one purpose: payload.signature (base64url), so it cannot be forged or reused elsewhere. */
export function sign(secret: string, purpose: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload)}`;
}

/** The value of a genuine signed text, or undefined for anything else. */
export function unsign<T>(secret: string, purpose: string, text: string | undefined): T | undefined {
  if (!text || text.length > 4096) return undefined;
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const payload = text.slice(0, dot);
  if (!same(mac(secret, purpose, payload), text.slice(dot + 1))) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function newSession(employee: string, nowMs: number): Session {
  return { employee, nonce: randomBytes(16).toString('base64url'), expires: nowMs + SESSION_HOURS * 3_600_000 };
}

export function sessionCookieValue(secret: string, session: Session): string {
  return sign(secret, 'session', { e: session.employee, n: session.nonce, x: session.expires });
}

/** The session of a cookie: genuine and not expired, else undefined. */
export function sessionOf(secret: string, cookie: string | undefined, nowMs: number): Session | undefined {
  const v = unsign<{ e?: unknown; n?: unknown; x?: unknown }>(secret, 'session', cookie);
  if (!v || typeof v.e !== 'string' || typeof v.n !== 'string' || typeof v.x !== 'number') return undefined;
  if (v.x <= nowMs) return undefined;
  return { employee: v.e, nonce: v.n, expires: v.x };
}

/** The CSRF token of every form for a session (or for a visitor's pre-session id): an HMAC of its nonce. */
export function csrfToken(secret: string, nonce: string): string {
  return mac(secret, 'csrf', nonce).slice(0, 32);
}

export function csrfValid(secret: string, nonce: string | undefined, token: string | undefined): boolean {
  return !!nonce && !!token && same(csrfToken(secret, nonce), token);
}
