/**
 * Where the database is: a SQLite file (or ":memory:"), or a PostgreSQL server named by a URL
 * (postgres://user:password@host:port/name). The CLI decides it once (src/cli/context.ts) and
 * hands the location on to the daemon and its job processes as it is.
 *
 * A URL may hold a password: anything shown to people or logs goes through redactLocation.
 */
export type DatabaseLocation = string;

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** Whether the location names a PostgreSQL server. */
export function isPostgresLocation(location: string): boolean {
  return POSTGRES_URL.test(location);
}

/**
 * The location as it may be shown: a URL's password replaced by "***" (the user, host, port and
 * database stay, they are what a person needs to tell which server it is). A file path as it is.
 *
 * @example redactLocation('postgres://tb:s3cret@db:5432/touchbase') // 'postgres://tb:***@db:5432/touchbase'
 */
export function redactLocation(location: string): string {
  if (!isPostgresLocation(location)) return location;
  // A password with an "@" written as it is: the parser would take its end for the host. Hidden
  // up to the last "@", which may hide the host too — better than showing part of a password.
  if (location.split('@').length > 2) return location.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:).*@/i, '$1***@');
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    // A password given as a query parameter (?password=…) is hidden too.
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    // Not a URL the WHATWG parser takes: hide everything between "//user:" and "@".
    return location.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
  }
}

/** The password of a location, if it has one (to scrub it from messages that may quote it). */
export function passwordOf(location: string): string | undefined {
  if (!isPostgresLocation(location)) return undefined;
  if (location.split('@').length > 2) return /^postgres(?:ql)?:\/\/[^:/@]*:(.*)@/i.exec(location)?.[1] || undefined;
  try {
    const url = new URL(location);
    const password = url.password ? decodeURIComponent(url.password) : url.searchParams.get('password') ?? undefined;
    return password || undefined;
  } catch {
    return /^postgres(?:ql)?:\/\/[^:/@]*:([^@]*)@/i.exec(location)?.[1] || undefined;
  }
}

/** `text` with the location's password (plain or URL-encoded) replaced by "***". */
export function scrubPassword(text: string, location: string): string {
  const password = passwordOf(location);
  if (!password) return text;
  let out = text.split(password).join('***');
  const encoded = encodeURIComponent(password);
  if (encoded !== password) out = out.split(encoded).join('***');
  return out;
}
