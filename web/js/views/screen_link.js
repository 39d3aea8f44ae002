// The chair's link for the room's screen: issue one (shown once, as a token
// is), issue a new one that stops the last, or stop it. The projector opened
// with it shows only what the room may see (ops_screen.h).

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** ctx: {state, ui: {link}, act(op, args) -> reply|false, redraw} */
export function screenLinkPanel(ctx) {
  const { state, ui } = ctx;
  const issue = async () => {
    const reply = await ctx.act('meeting.screen_link', {});
    if (reply) { ui.link = `${location.origin}${reply.path}`; state.screen_link = true; ctx.redraw(); }
  };
  const revoke = async () => {
    if (await ctx.act('meeting.screen_revoke', {})) { ui.link = null; state.screen_link = false; ctx.redraw(); }
  };
  return h('section', { class: 'card screen-link', 'aria-labelledby': 'screen-h', 'data-testid': 'screen-link' },
    h('h2', { id: 'screen-h' }, t('screen.title')),
    h('p', { class: 'muted' }, t('screen.help')),
    state.screen_link && !ui.link ? h('p', {}, t('screen.active')) : null,
    ui.link ? h('div', { class: 'field' },
      h('label', { for: 'screen-url' }, t('screen.link_label')),
      h('input', { type: 'text', id: 'screen-url', readonly: true, value: ui.link, 'data-testid': 'screen-url',
        onFocus: (e) => e.target.select() })) : null,
    h('div', { class: 'inline' },
      h('button', { type: 'button', 'data-testid': 'screen-issue', 'data-key': 'screen-issue', onClick: issue },
        t(state.screen_link ? 'screen.reissue' : 'screen.issue')),
      state.screen_link ? h('button', { type: 'button', class: 'danger', 'data-testid': 'screen-revoke', 'data-key': 'screen-revoke', onClick: revoke },
        t('screen.revoke')) : null));
}
