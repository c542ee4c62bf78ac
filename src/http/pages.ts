import type { LinkOutcome } from './action-links.ts';

/** A small self-contained HTML page. Its body is trusted: callers escape what they put in. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${title} — touchbase</title>
<style>body{font:16px system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#222}button{font:inherit;padding:.4em 1em}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** What a person sees after clicking done, skip or snooze in a calendar event. */
export function linkPage(outcome: LinkOutcome): { status: 200 | 404 | 409 | 410; title: string; body: string } {
  switch (outcome.result) {
    case 'recorded': {
      const what = outcome.action === 'done' ? 'marked as done' : outcome.action === 'skip' ? 'skipped' : `snoozed to ${outcome.movedTo}`;
      return { status: 200, title: 'Recorded', body: `<p>${escapeHtml(outcome.touch.title)}: ${what}. Your calendar follows within minutes.</p>` };
    }
    case 'used':
      return { status: 410, title: 'Link already used', body: '<p>This link has been used already; each link works once.</p>' };
    case 'not-open':
      return { status: 409, title: 'Already closed', body: `<p>${escapeHtml(outcome.touch.title)} is already ${outcome.touch.status}.</p>` };
    case 'unknown':
      return { status: 404, title: 'Touch not found', body: '<p>This touch is no longer in the plan.</p>' };
    case 'forged':
      return { status: 404, title: 'Link not valid', body: '<p>This link is not valid. Use the links in the calendar event.</p>' };
  }
}
