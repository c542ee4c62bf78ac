/**
 * A calendar's error text with what must never be shown taken out. Messages quote what a server
 * answered, and a misbehaving one (a proxy's error page that echoes the request, a token endpoint
 * behind a gateway) may answer with the client secret or a refresh token; an address given with
 * a password in it (`http://user:password@proxy/`) is quoted when it does not answer. These
 * messages go to stderr, the daemon's log and the database (`touchbase status`).
 */

const FORM_SECRET = /\b(client_secret|refresh_token|access_token|id_token|assertion|client_assertion|password|passwd|code_verifier|api_key|apikey|key)=([^&\s"'<>]+)/gi;
const JSON_SECRET = /"(client_secret|refresh_token|access_token|id_token|assertion|client_assertion|password|private_key|api_key)"\s*:\s*"(?:[^"\\]|\\.)*"/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/**
 * The secret values this process holds — client secrets, refresh tokens, the access tokens it was
 * given — taken out of a message whatever surrounds them: a proxy's page may list the request as
 * "refresh_token: 1//0g…" or quote a bare Authorization value, which no pattern of names catches.
 * Access tokens come every hour for each employee: the oldest are let go past MAX_KNOWN (they
 * have expired long before).
 */
const known = new Set<string>();
const MAX_KNOWN = 5_000;
/** Shorter values are not secrets anyone could use (and would blank ordinary words). */
const MIN_SECRET = 8;

export function rememberSecret(value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET) return;
  for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
    known.delete(form);
    known.add(form);
  }
  while (known.size > MAX_KNOWN) known.delete(known.values().next().value!);
}

/** The text with secrets replaced by `***` (the names stay, so that the message still says what was sent). */
export function withoutSecrets(text: string): string {
  let out = text
    .replace(PRIVATE_KEY, '***')
    .replace(URL_PASSWORD, '$1***@')
    .replace(FORM_SECRET, '$1=***')
    .replace(JSON_SECRET, '"$1":"***"')
    .replace(BEARER, '$1 ***');
  for (const value of known) if (out.includes(value)) out = out.replaceAll(value, '***');
  return out;
}
