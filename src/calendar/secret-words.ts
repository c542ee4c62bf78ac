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

/** The text with secrets replaced by `***` (the names stay, so that the message still says what was sent). */
export function withoutSecrets(text: string): string {
  return text
    .replace(PRIVATE_KEY, '***')
    .replace(URL_PASSWORD, '$1***@')
    .replace(FORM_SECRET, '$1=***')
    .replace(JSON_SECRET, '"$1":"***"')
    .replace(BEARER, '$1 ***');
}
