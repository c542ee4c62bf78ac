import { escapeHtml } from '../domain/html-escape.ts';

/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already
 * Html (made by `html` itself or `raw`), so text from the configuration, notes or the URL can
 * never become markup.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

export { escapeHtml };

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += render(parts[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is trusted as it is (made by this module's callers from constants). */
export function raw(text: string): Html {
  return new Html(text);
}

/** A URL path with query parameters (empty ones left out). */
export function href(path: string, query: Readonly<Record<string, string | number | undefined | null | false>> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== false && v !== '') params.set(k, String(v));
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}
