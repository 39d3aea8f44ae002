// Interpretation channels (issue 14): where a remote delegate listens in
// their language. The meeting lists them (https only, checked by the
// server); the page offers them to those joined remotely.

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** The channels as links, for a remote participant; null otherwise. */
export function channelLinks(meeting, presence) {
  const list = meeting?.channels || [];
  if (presence !== 'remote' || !list.length) return null;
  return h('nav', { class: 'channels', 'aria-label': t('channels.title'), 'data-testid': 'channels' },
    h('span', { class: 'muted' }, t('channels.title')), ' ',
    list.map((c) => [h('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer', lang: c.language,
      hreflang: c.language, 'data-testid': `channel-${c.language}` }, languageName(c.language)), ' ']));
}

function languageName(tag) {
  try {
    return new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}
