// The address people reach touchbase at, given in the settings (http.public_url) or the
// environment (TOUCHBASE_PUBLIC_URL): both checked alike (config/schema.ts, http/public-url.ts).

/** What a public address must be, in the words of both places it is given. */
export const PUBLIC_URL = 'an http(s) address like https://touchbase.example.com, with no ?query or #fragment (links are added to it)';

/** An http(s) address that links can be added to. */
export function isBaseUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '' && !/[?#]/.test(text);
}
