import type { LinkAction, LinkOutcome, UndoOutcome } from './action-links.ts';
import { UNDO_MINUTES } from './action-links.ts';

/** Longest skip reason a page accepts (the CLI's --reason is a line too). */
export const MAX_REASON = 500;

/**
 * A small self-contained HTML page. Its body is trusted: callers escape what they put in.
 * Its style (and a script, if any) carry the response's CSP nonce: nothing else runs.
 */
export function page(title: string, body: string, nonce: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${title} — touchbase</title>
<style nonce="${nonce}">body{font:16px system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#222}button{font:inherit;padding:.4em 1em}textarea{font:inherit;width:100%}.error{color:#a00}</style>
</head><body><h1>${title}</h1>${body}${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const VERB: Record<LinkAction, string> = { done: 'Mark as done', skip: 'Skip', snooze: 'Snooze a week' };

/**
 * What opening a link shows. Done and snooze submit themselves (one click for a person, none
 * recorded by a mail scanner that only opens it); skip asks for the reason first.
 */
export function openLinkPage(action: LinkAction, title: string, nonce: string, problem?: string): { title: string; html: string } {
  const verb = VERB[action];
  if (action === 'skip') {
    return {
      title: verb, html: page(verb, `<p>${escapeHtml(title)}</p>${problem ? `<p class="error">${escapeHtml(problem)}</p>` : ''}
<form method="post"><label for="reason">Why will it not happen? (recorded in the history)</label>
<textarea id="reason" name="reason" rows="3" maxlength="${MAX_REASON}" required></textarea>
<p><button type="submit">Skip</button></p></form>`, nonce),
    };
  }
  return {
    title: verb,
    html: page(verb, `<p>${escapeHtml(title)}</p>\n<form method="post" id="f"><button type="submit">${verb}</button></form>`, nonce, `document.getElementById('f').submit()`),
  };
}

/** What a person sees after clicking done, skip or snooze in a calendar event. */
export function linkPage(outcome: LinkOutcome, nonce: string): { status: 200 | 404 | 409 | 410; html: string } {
  switch (outcome.result) {
    case 'recorded': {
      const what = outcome.action === 'done' ? 'marked as done' : outcome.action === 'skip' ? `skipped (${escapeHtml(outcome.touch.note ?? '')})` : `snoozed to ${outcome.movedTo}`;
      const undo = outcome.undo
        ? `<form method="post" action="../u/${outcome.undo}"><p><button type="submit">Undo</button> (for ${UNDO_MINUTES} minutes)</p></form>` : '';
      return { status: 200, html: page('Recorded', `<p>${escapeHtml(outcome.touch.title)}: ${what}. Your calendar follows within minutes.</p>${undo}`, nonce) };
    }
    case 'used':
      return { status: 410, html: page('Link already used', '<p>This link has been used already; each link works once.</p>', nonce) };
    case 'not-open':
      return { status: 409, html: page('Already closed', `<p>${escapeHtml(outcome.touch.title)} is already ${outcome.touch.status}.</p>`, nonce) };
    case 'unknown':
      return { status: 404, html: page('Touch not found', '<p>This touch is no longer in the plan.</p>', nonce) };
    case 'forged':
      return { status: 404, html: page('Link not valid', '<p>This link is not valid. Use the links in the calendar event.</p>', nonce) };
  }
}

/** The page of an undo link opened (GET): a button, never an automatic undo. */
export function openUndoPage(nonce: string): string {
  return page('Undo', `<form method="post"><p><button type="submit">Undo</button></p></form>`, nonce);
}

/** What a person sees after pressing Undo. */
export function undoPage(outcome: UndoOutcome, nonce: string): { status: 200 | 404 | 409 | 410; html: string } {
  switch (outcome.result) {
    case 'undone':
      return { status: 200, html: page('Undone', `<p>${escapeHtml(outcome.touch.title)} is open again (it had been ${outcome.was === 'done' ? 'marked as done' : 'skipped'}). Your calendar follows within minutes.</p>`, nonce) };
    case 'expired':
      return { status: 410, html: page('Too late to undo', `<p>An outcome can be undone for ${UNDO_MINUTES} minutes after the click; this time has passed.</p>`, nonce) };
    case 'used':
      return { status: 410, html: page('Already undone', '<p>This has been undone already.</p>', nonce) };
    case 'changed':
      return { status: 409, html: page('Cannot be undone', `<p>${escapeHtml(outcome.touch?.title ?? 'This touch')} has changed since (it is ${outcome.touch?.status ?? 'no longer in the plan'}): there is nothing to undo.</p>`, nonce) };
    case 'forged':
      return { status: 404, html: page('Link not valid', '<p>This link is not valid.</p>', nonce) };
  }
}
