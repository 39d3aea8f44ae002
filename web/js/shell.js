// What every page shares: the catalogue, the token, the connection, the
// header with navigation and language picker, the offline banner and the
// aria-live regions that announce changes to screen-reader users.

import { h, render, $ } from './dom.js';
import { initI18n, t, LANGUAGES, currentLanguage, setLanguage, onLanguage } from './i18n.js';
import { takeToken, forgetToken, onSessionChange } from './session.js';
import { Client } from './ws.js';
import { loadStates, localName } from './states.js';

const liveTimers = {};

/** Say msg through the aria-live region (assertive for "you have the floor"). */
export function announce(msg, assertive = false) {
  const el = $(assertive ? '#live-assertive' : '#live');
  if (!el) return;
  el.textContent = '';
  // A fresh text after a tick makes screen readers read it even if it equals
  // the last one. Each region has its own timer, so "you have the floor"
  // (assertive) does not swallow "X has the floor" (polite).
  clearTimeout(liveTimers[el.id]);
  liveTimers[el.id] = setTimeout(() => { el.textContent = msg; }, 50);
}

function languagePicker() {
  const select = h('select', { id: 'lang', 'data-testid': 'lang', onChange: (e) => setLanguage(e.target.value) },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === currentLanguage() }, l.name)));
  return h('div', { class: 'lang' }, h('label', { for: 'lang', text: t('language') }), select);
}

function header(hello, links, signOut, bare) {
  // The room's screen shows the meeting, not who opened it nor a picker.
  if (bare) return [h('span', { class: 'brand' }, t('app.name'))];
  const who = hello?.participant
    ? h('span', { class: 'who' }, hello.participant.name, ' · ', t(`role.${hello.participant.role}`),
      hello.delegation ? [' · ', localName(hello.delegation.name)] : null,
      signOut ? [' ', h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out', onClick: signOut }, t('session.sign_out'))] : null)
    : null;
  return [
    h('a', { class: 'brand', href: 'index.html' }, t('app.name')),
    links.length === 0 ? null : h('nav', { 'aria-label': t('nav.label') },
      links.filter((l) => !l.secretariat || hello?.participant?.role === 'secretariat').map((l) => h('a', { href: l.href, 'aria-current': l.current ? 'page' : null }, t(l.label)))),
    who,
    languagePicker(),
  ];
}

function showBanner(status, refusedKey = 'banner.refused') {
  const el = $('#banner');
  if (!el) return;
  const text = { offline: t('banner.offline'), refused: t(refusedKey), revoked: t('banner.revoked') }[status];
  el.hidden = !text;
  el.className = status === 'refused' || status === 'revoked' ? 'banner error' : 'banner';
  el.textContent = text || '';
}

/**
 * Boot a page. opts.page names it for the nav; opts.links overrides the nav.
 * Resolves with {client, hello} once the first hello succeeded, or null when
 * there is no token (a message explaining how to get in is shown).
 */
export async function boot(opts = {}) {
  await Promise.all([initI18n(), loadStates()]);
  const links = opts.links || [
    { href: 'index.html', label: 'nav.meetings', current: opts.page === 'home' },
    { href: 'schedule.html', label: 'nav.schedule', current: opts.page === 'schedule' },
    { href: 'decisions.html', label: 'nav.decisions', current: opts.page === 'decisions' },
    { href: 'stats.html', label: 'nav.stats', current: opts.page === 'stats' },
    { href: 'portal.html', label: 'nav.portal', current: opts.page === 'portal' },
    { href: 'console.html', label: 'nav.console', current: opts.page === 'console', secretariat: true },
  ];
  // What a page without a usable token says (apply.html: the application link's words).
  const refused = opts.refused || { title: 'banner.refused', body: 'notoken.body' };
  const top = $('#top');
  let hello = null;
  let client = null;
  // A participant's session is this browser's, shared by its tabs (session.js):
  // signing out here signs out every tab. An applicant's is not (opts.takeToken).
  const shared = !opts.takeToken && !opts.bare;
  const signedOut = () => {
    client?.stop();
    hello = null;
    drawHeader();
    render($('#main'), h('section', { class: 'card', 'data-testid': 'signed-out', role: 'status' },
      h('h1', { text: t('session.signed_out_title') }), h('p', { text: t('session.signed_out_body') })));
  };
  const signOut = shared ? () => { forgetToken(); signedOut(); } : null;
  const drawHeader = () => { if (top) render(top, header(hello, links, signOut, opts.bare)); };
  if (shared) {
    onSessionChange((what) => {
      if (what === 'signed-out') signedOut();
      else location.reload(); // another tab opened someone else's invitation
    });
  }
  drawHeader();
  onLanguage(() => { drawHeader(); showBanner(client?.status, refused.banner); });

  const token = (opts.takeToken || takeToken)();
  if (!token) {
    render($('#main'), h('section', { class: 'card' },
      h('h1', { text: t(opts.refused?.title || 'notoken.title') }), h('p', { text: t(refused.body) })));
    return null;
  }
  client = new Client(token);
  client.onStatus((st) => showBanner(st, refused.banner));
  // Reissued or revoked while the page is open: nothing on it is current any more.
  client.onStatus((st) => {
    if (st !== 'revoked') return;
    render($('#main'), h('section', { class: 'card', 'data-testid': 'revoked', role: 'alert' },
      h('h1', { text: t('revoked.title') }), h('p', { text: t('revoked.body') })));
  });
  const first = new Promise((resolve) => {
    client.onStatus((st) => { if (st === 'refused') resolve(null); });
    client.onReady((reply) => resolve(reply));
  });
  client.start();
  const reply = await first;
  if (!reply) {
    render($('#main'), h('section', { class: 'card', 'data-testid': 'refused' },
      h('h1', { text: t(refused.title) }), h('p', { text: t(refused.body) })));
    return null;
  }
  hello = reply;
  client.onReady((r) => { hello = r; drawHeader(); });
  drawHeader();
  return { client, hello: reply, token };
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Show an error from a failed request in el (role=alert). */
export function showError(el, err) {
  if (!el) return;
  el.textContent = err ? errorText(err) : '';
  el.hidden = !err;
}

export function errorText(err) {
  const known = { offline: 'error.offline', timeout: 'error.offline' }[err.code];
  if (known) return t(known);
  // The server's message names the field or the limit: show it after our words.
  const lead = t(`error.${err.code}`) || err.code;
  return err.message && err.message !== err.code ? `${lead}: ${err.message}` : lead;
}
