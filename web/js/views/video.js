// The meeting's video conference in the browser (issue 17, docs/VIDEO.md):
// the signed Jitsi link a remote participant joins with, and the chair's
// column of who is live in the conference beside who is connected.

import { h } from '../dom.js';
import { t } from '../i18n.js';

// A link is good for an hour at least (docs/PROTOCOL.md, I): asked again
// well before, and not asked again sooner after a refusal.
const REFRESH_MS = 30 * 60 * 1000;

/** Keeps one fresh video.join link for this page; redraw() when it changes. */
export function videoLinks(client, meetingId, redraw) {
  const s = { url: null, at: 0, busy: false };
  return {
    /** Asks for a link when this page should offer one and has none fresh. */
    want(meeting, offer) {
      if (!meeting?.video || !offer || s.busy || (s.at && Date.now() - s.at < REFRESH_MS)) return;
      s.busy = true;
      client.request('video.join', { meeting: meetingId })
        .then((r) => { s.url = r.url; })
        .catch(() => { s.url = null; }) // no Jitsi on this server: nothing to offer
        .finally(() => { s.busy = false; s.at = Date.now(); redraw(); });
    },
    /** The link to the conference, or null. */
    link() {
      return s.url ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer', class: 'button', 'data-testid': 'video-join' },
        t('video.join')) : null;
    },
  };
}

/** The attendance table's video column. */
export function videoHeader() {
  return h('th', { scope: 'col' }, t('att.video'));
}

export function videoCell(a) {
  return h('td', { 'data-testid': 'att-video' }, h('span', { class: ['dot', a.video ? 'on' : 'off'], 'aria-hidden': 'true' }), ' ',
    t(a.video ? 'att.yes' : 'att.no'));
}
