import type { Translator } from '../i18n/translator.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { PREFIX } from './page-types.ts';
import type { SignInReason } from './oidc.ts';

/** What the pages before signing in know: the language and the company. */
export interface Frame {
  readonly tr: Translator;
  readonly company: string;
}

/** The sign-in page: the company's identity provider, or how to get a one-time link. */
export function signInPage(f: Frame, o: { provider: 'google' | 'other' | undefined; signedOut: boolean; error: SignInReason | undefined }): string {
  const { t } = f.tr;
  const reasons: Record<SignInReason, string> = {
    noEmail: t('ui.signIn.noEmail'), unverified: t('ui.signIn.unverified'), expired: t('ui.signIn.expired'), denied: t('ui.signIn.denied'),
    providerError: t('ui.signIn.providerError'), providerUnreachable: t('ui.signIn.providerUnreachable'),
  };
  return layout({ tr: f.tr, title: t('ui.signIn.title'), company: f.company }, html`<div class="signin">
${o.signedOut ? html`<p class="notice">${t('ui.signedOut')}${o.provider ? ` ${t(o.provider === 'google' ? 'ui.signedOutGoogle' : 'ui.signedOutProvider')}` : ''}</p>` : ''}
${o.error ? html`<p class="error">${t('ui.signIn.failed', { reason: reasons[o.error] })}</p>` : ''}
<p>${t('ui.signIn.intro')}</p>
${o.provider ? html`<p><a class="button" href="${PREFIX}/auth/login">${t('ui.signIn.button')}</a></p>` : html`<p class="muted">${t('ui.signIn.noProvider')}</p>`}
</div>`);
}

/** A one-time link's page: whom it signs in, and the button that does (a POST: previews use nothing up). */
export function linkConfirmPage(f: Frame, name: string, csrf: string): string {
  const { t } = f.tr;
  return layout({ tr: f.tr, title: t('ui.signIn.title'), company: f.company }, html`<div class="signin">
<p>${t('ui.signIn.confirmIntro', { company: f.company })}</p>
<form method="post"><input type="hidden" name="_csrf" value="${csrf}"><button class="button" type="submit">${t('ui.signIn.confirm', { name })}</button></form>
</div>`);
}

/** Sign-out pressed on a page of an earlier session: the button again, with this session's token. */
export function signOutConfirmPage(f: Frame, csrf: string): string {
  const { t } = f.tr;
  return layout({ tr: f.tr, title: t('ui.signOut'), company: f.company }, html`<div class="signin">
<p>${t('ui.signOutAgain')}</p>
<form method="post" action="${PREFIX}/sign-out"><input type="hidden" name="_csrf" value="${csrf}"><button class="button" type="submit">${t('ui.signOut')}</button></form>
</div>`);
}

/** A short page with one message (an expired link, a refused form, an unknown account). */
export function errorBody(f: Frame, message: string): string {
  return layout({ tr: f.tr, title: f.tr.t('ui.error.title'), company: f.company }, html`<div class="signin"><p>${message}</p>
<p><a href="${PREFIX}/sign-in">${f.tr.t('ui.signIn.title')}</a></p></div>`);
}
