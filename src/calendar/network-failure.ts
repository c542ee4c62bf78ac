/**
 * A call to a calendar service that got no answer, in plain words: the client libraries report
 * it as "TypeError: fetch failed" (the cause, ECONNREFUSED or a connect timeout, one level down),
 * "The operation was aborted." (our own timeout) or a long "request to <address> failed, reason:
 * …". Only the words: what the sync does with the failure (its kind) is decided elsewhere.
 */
export interface CallContext {
  /** The address called (only its host and port are told). */
  readonly url?: string | URL | undefined;
  /** The time a call has before it is abandoned, and the variable that sets it, if any. */
  readonly timeoutMs?: number | undefined;
  readonly timeoutVariable?: string | undefined;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  /** gaxios keeps the error of the request it made here. */
  error?: unknown;
  address?: unknown;
  port?: unknown;
}

/** What failed, or undefined when nothing in the error says the call went unanswered. */
export function noAnswerWords(error: unknown, context: CallContext = {}): string | undefined {
  const chain = causes(error);
  const codes = chain.map((e) => (typeof e.code === 'string' ? e.code : '')).filter(Boolean);
  const names = chain.map((e) => (typeof e.name === 'string' ? e.name : ''));
  const messages = chain.map((e) => (typeof e.message === 'string' ? e.message : ''));
  const where = hostOf(context.url) ?? addressOf(chain);
  const has = (...wanted: string[]) => codes.find((c) => wanted.includes(c));
  if (names.some((n) => n === 'TimeoutError' || n === 'AbortError') || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')
    || messages.some((m) => /^The operation was aborted/.test(m))) {
    return `no answer${where ? ` from ${where}` : ''} within ${context.timeoutMs !== undefined ? `${seconds(context.timeoutMs)} s` : 'the time allowed'}${context.timeoutVariable ? ` (${context.timeoutVariable})` : ''}`;
  }
  const code = has('ECONNREFUSED');
  if (code) return `connection refused by ${where ?? 'the server'}`;
  const connectTimeout = has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT');
  if (connectTimeout) return `could not connect to ${where ?? 'the server'} in time (${connectTimeout})`;
  const dns = has('ENOTFOUND', 'EAI_AGAIN');
  if (dns) return `${where ? where.replace(/:\d+$/, '') : 'the server'} not found (DNS: ${dns})`;
  const unreachable = has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN');
  if (unreachable) return `${where ?? 'the server'} cannot be reached from here (${unreachable})`;
  const closed = has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED');
  if (closed || messages.some((m) => /socket hang up|other side closed/i.test(m))) {
    return `the connection to ${where ?? 'the server'} was closed before an answer (${closed ?? 'socket hang up'})`;
  }
  const tls = codes.find((c) => /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/.test(c));
  if (tls) return `the TLS certificate of ${where ?? 'the server'} was not accepted (${tls})`;
  const other = codes.find((c) => /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(c));
  if (other) return `no answer from ${where ?? 'the server'} (${other})`;
  // fetch's own "fetch failed": what its cause says (a port fetch refuses to call is "bad port").
  if (messages.some((m) => m === 'fetch failed')) {
    const why = messages.find((m, i) => i > 0 && m && m !== 'fetch failed');
    return `no answer from ${where ?? 'the server'} (${why ?? 'the connection failed'})`;
  }
  return undefined;
}

/** The error and what it wraps (cause, gaxios's `error`), a few levels down. */
function causes(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue = [error];
  while (queue.length > 0 && out.length < 8) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || out.includes(e as ErrorLike)) continue;
    out.push(e as ErrorLike);
    queue.push((e as ErrorLike).cause, (e as ErrorLike).error);
  }
  return out;
}

/** "graph.microsoft.com:443" of an address (its path and query are not told: they name mailboxes). */
function hostOf(url: string | URL | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
  } catch {
    return undefined;
  }
}

/** The address a socket error names (ECONNREFUSED 127.0.0.1:8443), when the call's own is not known. */
function addressOf(chain: readonly ErrorLike[]): string | undefined {
  const e = chain.find((c) => typeof c.address === 'string');
  return e ? `${String(e.address)}${e.port !== undefined ? `:${String(e.port)}` : ''}` : undefined;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
