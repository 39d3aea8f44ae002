// The remote speaker who comes back (issue 14): after a dropped line the
// floor waits, paused ("disconnected"); back on the line, the speaker says
// so, and the chair sees it and resumes. The clock stays the chair's.

import { h } from '../dom.js';
import { t } from '../i18n.js';

const droppedLine = (f) => Boolean(f && f.paused && f.pause_reason === 'disconnected');

/** The speaker's "I am back" button, while their floor waits for them. */
export function backButton(f, act) {
  if (!droppedLine(f)) return null;
  if (f.returned_at) return h('p', { class: 'notice', 'data-testid': 'back-said' }, t('back.said'));
  return h('button', { type: 'button', class: 'primary big', 'data-testid': 'back', 'data-key': 'back',
    onClick: () => act('floor.ready', {}, t('back.said')) }, t('back.button'));
}

/** What the chair reads: the speaker is back, resume when ready. */
export function backNotice(f, speaker) {
  if (!droppedLine(f) || !f.returned_at) return null;
  return h('p', { class: 'notice', role: 'status', 'data-testid': 'speaker-back' }, t('back.chair', { name: speaker }));
}
