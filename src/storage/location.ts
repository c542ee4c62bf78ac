/**
 * Where the database is: a SQLite file (or ":memory:"), or a PostgreSQL server named by a URL
 * (postgres://user:password@host:port/name). The CLI decides it once (src/cli/context.ts) and
 * hands the location on to the daemon and its job processes as it is.
 *
 * A URL may hold a password: anything shown to people or logs goes through redactLocation.
 */
export type DatabaseLocation = string;

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/**
 * Whether a URL reads as written: the parser takes it, with no fragment and no "@" in its path.
 * "postgres://tb:p@ss@db/x" does (user and password end at the last "@", as pg reads it too);
 * "postgres://tb:Xy@z9/Q7@db/x" does not (the host would be "z9", the rest of the password a path).
 */
export function isUnambiguousUrl(location: string): boolean {
  try {
    const url = new URL(location);
    return url.hash === '' && !url.pathname.includes('@');
  } catch {
    return false;
  }
}

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
  // Read wrongly by the parser (a password's "/" or "#" before an "@" of its own): everything
  // between "//" and the last "@" is hidden, the user too — better than part of a password.
  if (!isUnambiguousUrl(location)) return location.replace(/^(postgres(?:ql)?:\/\/).*@/is, '$1***@');
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
  if (!isUnambiguousUrl(location)) return /^postgres(?:ql)?:\/\/[^:]*:(.*)@/is.exec(location)?.[1] || undefined;
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
