import type { Language } from '../domain/types.ts';
import type { Translator } from '../i18n/translator.ts';
import { html, raw, type Html } from './html.ts';
import { PREFIX, type Viewer } from './page-types.ts';
import { assetVersion } from './assets.ts';

export interface Shell {
  readonly tr: Translator;
  readonly title: string;
  readonly company: string;
  readonly viewer?: Viewer;
  readonly csrf?: string;
  readonly companyLanguage?: Language;
  /** Which section of the navigation is current. */
  readonly section?: 'overview' | 'clients' | 'employees' | 'campaigns' | 'reports' | 'me';
  readonly footer?: Html | string;
  /** Where the language switch comes back to: this page. */
  readonly back?: string;
  /** How many errors the last, rejected, edit of the configuration has (a director's pages): a line at the top says so. */
  readonly configRejected?: number;
}

/** The page around every dashboard page: head, navigation, who is signed in, language, sign-out. */
export function layout(shell: Shell, content: Html): string {
  const { tr, viewer } = shell;
  const t = tr.t;
  const nav: [Shell['section'], string, string][] = viewer?.director
    ? [['overview', `${PREFIX}/`, t('ui.nav.overview')], ['clients', `${PREFIX}/clients`, t('ui.nav.clients')], ['employees', `${PREFIX}/employees`, t('ui.nav.employees')],
      ['campaigns', `${PREFIX}/campaigns`, t('ui.nav.campaigns')], ['reports', `${PREFIX}/reports`, t('ui.nav.reports')]]
    : viewer
      ? [['overview', `${PREFIX}/`, t('ui.overview.myTitle')], ['clients', `${PREFIX}/clients`, t('ui.clients.myTitle')],
        ['me', `${PREFIX}/employees/${encodeURIComponent(viewer.id)}`, t('ui.nav.me')], ['reports', `${PREFIX}/reports`, t('ui.nav.reports')]]
      : [];
  const languages: Language[] = shell.companyLanguage && shell.companyLanguage !== 'en' ? [shell.companyLanguage, 'en'] : [];
  const user = viewer && shell.csrf ? html`<div class="user">
<span>${t('ui.signedInAs', { name: viewer.name })}${viewer.director ? html` · ${t('ui.director')}` : ''}</span>
${languages.length ? html`<form method="post" action="${PREFIX}/language" class="inline"><input type="hidden" name="_csrf" value="${shell.csrf}"><input type="hidden" name="back" value="${shell.back ?? `${PREFIX}/`}">
<label>${t('ui.languageSwitch')} <select name="language" data-autosubmit>${languages.map((l) => html`<option value="${l}"${l === tr.language ? raw(' selected') : ''}>${t(`ui.languageName.${l}`)}</option>`)}</select></label>
<button type="submit">${t('ui.switch')}</button></form>` : ''}
<form method="post" action="${PREFIX}/sign-out" class="inline"><input type="hidden" name="_csrf" value="${shell.csrf}"><button type="submit">${t('ui.signOut')}</button></form>
</div>` : '';
  return html`<!doctype html>
<html lang="${tr.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${shell.title} — ${shell.company} — touchbase</title>
<link rel="stylesheet" href="${PREFIX}/assets/dashboard.css?v=${assetVersion()}">
<script src="${PREFIX}/assets/dashboard.js?v=${assetVersion()}" defer></script>
</head><body>
<a class="skip" href="#main">${t('ui.skip')}</a>
<header class="top"><div class="brand"><a href="${PREFIX}/">touchbase</a> <span>${shell.company}</span></div>
${nav.length ? html`<nav aria-label="${t('ui.nav.main')}"><ul>${nav.map(([key, url, label]) => html`<li><a href="${url}"${key === shell.section ? raw(' aria-current="page"') : ''}>${label}</a></li>`)}</ul></nav>` : ''}
${user}</header>
<main id="main">${shell.configRejected ? html`<p class="banner-rejected" role="alert">${t('ui.config.banner', { count: shell.configRejected })} <a href="${PREFIX}/#configuration">${t('ui.config.banner.see')}</a></p>` : ''}<h1>${shell.title}</h1>
${content}
</main>
${shell.footer ? html`<footer>${shell.footer}</footer>` : ''}
</body></html>`.text;
}
