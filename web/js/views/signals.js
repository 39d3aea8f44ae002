// Interpreters' signals (issue 14): the booth's buttons, and what the chair
// and the speaker see of them. A signal has no seq and is not kept: it is
// shown as it comes, counted per speech for the chair, and forgotten.

import { h } from '../dom.js';
import { t } from '../i18n.js';

export const SIGNALS = ['slower', 'louder', 'no_sound', 'pause_please'];

/** The booth: one button per signal; the server allows one a second. */
export function boothPanel(ui, send) {
  return h('section', { class: 'card booth', 'aria-labelledby': 'booth-h', 'data-testid': 'booth' },
    h('h2', { id: 'booth-h' }, t('signal.booth')),
    h('div', { class: 'actions' }, SIGNALS.map((s) => h('button', {
      type: 'button', 'data-testid': `signal-${s}`, onClick: () => send(s),
    }, t(`signal.${s}`)))),
    ui.signalSent ? h('p', { class: 'muted', role: 'status', 'data-testid': 'signal-sent' }, ui.signalSent) : null);
}

/** Notes a signal event: the last one, and the count for its speech. */
export function noteSignal(ui, ev) {
  ui.signals = ui.signals || { entry: null, counts: {} };
  if (ui.signals.entry !== ev.entry) ui.signals = { entry: ev.entry, counts: {} };
  ui.signals.counts[ev.signal] = (ui.signals.counts[ev.signal] || 0) + 1;
  ui.lastSignal = { ...ev, seenAt: Date.now() };
}

/** What the speaker (or the chair) reads of the last signal, for 10 s. */
export function signalNotice(ui) {
  const s = ui.lastSignal;
  if (!s || Date.now() - s.seenAt > 10000) return null;
  return h('p', { class: 'notice signal', role: 'alert', 'data-testid': 'signal-notice' },
    t('signal.from_booth', { signal: t(`signal.${s.signal}`), language: s.from?.language || '' }));
}

/** The chair's count of the signals received during the current speech. */
export function signalCounts(ui, floor) {
  const c = ui.signals;
  if (!floor || !c || c.entry !== floor.entry?.id) return null;
  const parts = SIGNALS.filter((s) => c.counts[s]).map((s) => `${t(`signal.${s}`)} ${c.counts[s]}`);
  return parts.length ? h('p', { class: 'muted', 'data-testid': 'signal-counts' }, t('signal.counts', { list: parts.join(', ') })) : null;
}
