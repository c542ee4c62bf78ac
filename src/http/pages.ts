import { statusKey } from '../domain/status-key.ts';
import { plainNote } from '../domain/plain-text.ts';
import { escapeHtml } from '../domain/html-escape.ts';
import type { LinkAction, LinkOutcome, UndoOutcome } from './action-links.ts';
import { UNDO_MINUTES } from './action-links.ts';
import type { MessageKey, Translator } from '../i18n/translator.ts';
import { MAX_NOTE } from '../domain/plain-text.ts';

/** Longest skip reason a page accepts (the CLI's --reason is a line too). */


/**
 * A small self-contained HTML page in the company's language, without scripts. Its body is
 * trusted: callers escape what they put in. Its style carries the response's CSP nonce.
 */
export function page(title: string, body: string, nonce: string, language = 'en'): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${title} — touchbase</title>
<style nonce="${nonce}">body{font:16px system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#222}button{font:inherit;padding:.4em 1em}textarea{font:inherit;width:100%}.error{color:#a00}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

const VERB: Record<LinkAction, MessageKey> = { done: 'link.confirmDone', skip: 'link.confirmSkip', snooze: 'link.confirmSnooze' };

/** A page with a title and one paragraph, both from the catalogue. */
function notice(tr: Translator, title: MessageKey, body: string, nonce: string): string {
  return page(tr.t(title), `<p>${body}</p>`, nonce, tr.language);
}

/** A link that is not valid (forged, or not one of ours). */
export function invalidLinkPage(tr: Translator, nonce: string): string {
  return notice(tr, 'link.invalidTitle', escapeHtml(tr.t('link.invalidBody')), nonce);
}

/** A link to a touch that is no longer in the plan. */
export function touchNotFoundPage(tr: Translator, nonce: string): string {
  return notice(tr, 'link.notFoundTitle', escapeHtml(tr.t('link.notFoundBody')), nonce);
}

/**
 * What opening a link shows: a button that records (snooze; done, with a note if the employee
 * likes), or the reason's form first (skip). Never a page that submits itself: the link scanners
 * of mail services (Safe Links, Proofpoint) open links in a real browser that runs scripts, and a
 * self-submitting page recorded their visit as the employee's click — the touch "done" that
 * nobody did, and the employee's own click then refused as "already used".
 */
export function openLinkPage(action: LinkAction, title: string, nonce: string, tr: Translator, problem?: string): { title: string; html: string } {
  const verb = tr.t(VERB[action]);
  // The text a form asks for first: a skip's reason (required), a done touch's note — what the
  // employee knows right after the call ("wants the new price list"), kept as `done --note` keeps it.
  const text = action === 'skip' ? { name: 'reason', label: tr.t('link.skipReason'), required: ' required', focus: '' }
    : action === 'done' ? { name: 'note', label: tr.t('link.doneNote'), required: '', focus: ' autofocus' } : undefined;
  if (text) {
    return {
      title: verb, html: page(verb, `<p>${escapeHtml(title)}</p>${problem ? `<p class="error">${escapeHtml(problem)}</p>` : ''}
<form method="post"><label for="${text.name}">${escapeHtml(text.label)}</label>
<textarea id="${text.name}" name="${text.name}" rows="3" maxlength="${MAX_NOTE}"${text.required}></textarea>
<p><button type="submit"${text.focus}>${escapeHtml(verb)}</button></p></form>`, nonce, tr.language),
    };
  }
  return {
    title: verb,
    html: page(verb, `<p>${escapeHtml(title)}</p>\n<form method="post"><button type="submit" autofocus>${escapeHtml(verb)}</button></form>`, nonce, tr.language),
  };
}

/** Why a done touch's note is refused (too long), or undefined when it will do (an empty one too). */
export function noteProblem(note: string, tr: Translator): string | undefined {
  return note.length > MAX_NOTE ? tr.t('link.noteLong', { count: note.length, max: MAX_NOTE }) : undefined;
}

/** Why a skip's reason is refused, or undefined when it will do. */
export function reasonProblem(reason: string, tr: Translator): string | undefined {
  if (!plainNote(reason)) return tr.t('link.reasonMissing');
  return reason.length > MAX_NOTE ? tr.t('link.reasonLong', { count: reason.length, max: MAX_NOTE }) : undefined;
}

/** What a person sees after clicking done, skip or snooze in a calendar event. */
export function linkPage(outcome: LinkOutcome, nonce: string, tr: Translator): { status: 200 | 404 | 409 | 410; html: string } {
  const { t } = tr;
  switch (outcome.result) {
    case 'recorded': {
      const what = outcome.action === 'done' ? t('link.markedDone')
        : outcome.action === 'skip' ? t('link.skippedWith', { reason: outcome.touch.note ?? '' })
          : t('link.snoozedTo', { date: tr.date(outcome.movedTo) });
      const undo = outcome.undo
        ? `<form method="post" action="../u/${outcome.undo}"><p><button type="submit">${escapeHtml(t('link.undo'))}</button> ${escapeHtml(t('link.undoFor', { duration: t('unit.minutes', { count: UNDO_MINUTES }) }))}</p></form>` : '';
      return { status: 200, html: page(t('link.recorded'), `<p>${escapeHtml(t('link.recordedBody', { title: outcome.touch.title, what }))}</p>${undo}`, nonce, tr.language) };
    }
    case 'used':
      return { status: 410, html: notice(tr, 'link.usedTitle', escapeHtml(t('link.usedBody')), nonce) };
    case 'outdated':
      return { status: 410, html: notice(tr, 'link.outdatedTitle', escapeHtml(t('link.outdatedBody', { title: outcome.touch.title })), nonce) };
    case 'not-open':
      return { status: 409, html: notice(tr, 'link.closedTitle', escapeHtml(t('link.closedBody', { title: outcome.touch.title, status: statusWord(outcome.touch, tr) })), nonce) };
    case 'holiday':
      return { status: 409, html: notice(tr, 'link.holidayTitle', escapeHtml(t('link.holidayBody', { title: outcome.touch.title, date: tr.date(outcome.touch.window_to) })), nonce) };
    case 'unknown':
      return { status: 404, html: touchNotFoundPage(tr, nonce) };
    case 'forged':
      return { status: 404, html: invalidLinkPage(tr, nonce) };
  }
}

/** The page of an undo link opened (GET): a button, never an automatic undo. */
export function openUndoPage(nonce: string, tr: Translator): string {
  const undo = escapeHtml(tr.t('link.undo'));
  return page(undo, `<form method="post"><p><button type="submit">${undo}</button></p></form>`, nonce, tr.language);
}

/** What a person sees after pressing Undo. */
export function undoPage(outcome: UndoOutcome, nonce: string, tr: Translator): { status: 200 | 404 | 409 | 410; html: string } {
  const { t } = tr;
  switch (outcome.result) {
    case 'undone':
      return { status: 200, html: notice(tr, 'link.undoneTitle', escapeHtml(t('link.undoneBody', { title: outcome.touch.title, was: outcome.was === 'done' ? t('link.markedDone') : t('link.skipped') })), nonce) };
    case 'expired':
      return { status: 410, html: notice(tr, 'link.undoExpiredTitle', escapeHtml(t('link.undoExpiredBody', { duration: t('unit.minutes', { count: UNDO_MINUTES }) })), nonce) };
    case 'used':
      return { status: 410, html: notice(tr, 'link.undoUsedTitle', escapeHtml(t('link.undoUsedBody')), nonce) };
    case 'changed':
      return {
        status: 409,
        html: notice(tr, 'link.undoChangedTitle', escapeHtml(t('link.undoChangedBody', {
          title: outcome.touch?.title ?? t('link.thisTouch'), status: outcome.touch ? statusWord(outcome.touch, tr) : t('link.notInPlan'),
        })), nonce),
      };
    case 'forged':
      return { status: 404, html: notice(tr, 'link.invalidTitle', escapeHtml(t('link.undoInvalidBody')), nonce) };
  }
}

function statusWord(touch: { readonly status: string; readonly resolved_by: string | null }, tr: Translator): string {
  const key = statusKey(touch);
  return key ? tr.t(key) : touch.status;
}
