// Whether the meeting sits: a banner everyone sees while it is suspended or
// closed, and the chair's controls to suspend, resume and close it. The
// state changes only when the server's event comes back.

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** The banner, or null while the meeting is open. */
export function sittingBanner(state) {
  const s = state.sitting || 'open';
  if (s === 'open') return null;
  return h('div', { class: ['sitting-banner', s], role: 'status', 'data-testid': 'sitting' },
    h('p', { class: 'big' }, t(`sitting.${s}`)),
    h('p', {}, t(`sitting.${s}_help`)));
}

/** ctx: {state, act, confirm(opts) -> Promise<bool>} */
export function sittingControls(ctx) {
  const s = ctx.state.sitting || 'open';
  if (s === 'closed') return null;
  const close = async () => {
    if (await ctx.confirm({ title: t('sitting.close_title'), body: t('sitting.close_body'), confirm: t('sitting.close'), danger: true })) {
      ctx.act('meeting.close', {});
    }
  };
  return h('section', { class: 'sitting-controls', 'aria-labelledby': 'sitting-h', 'data-testid': 'sitting-controls' },
    h('h2', { id: 'sitting-h', class: 'sr-only' }, t('sitting.title')),
    h('div', { class: 'inline' },
      s === 'open'
        ? h('button', { type: 'button', 'data-testid': 'meeting-suspend', 'data-key': 'meeting-suspend', onClick: () => ctx.act('meeting.suspend', {}) }, t('sitting.suspend'))
        : h('button', { type: 'button', class: 'primary', 'data-testid': 'meeting-resume', 'data-key': 'meeting-resume', onClick: () => ctx.act('meeting.resume', {}) }, t('sitting.resume')),
      h('button', { type: 'button', class: 'danger', 'data-testid': 'meeting-close', 'data-key': 'meeting-close', onClick: close }, t('sitting.close'))));
}
