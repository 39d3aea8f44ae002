// "Request the floor" for delegates and observers. The kinds the role and the
// meeting's policy do not allow are shown disabled with the reason next to
// them, so nobody has to find out by being refused. The server still decides:
// its refusal (forbidden / limit / conflict) is shown as it words it.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { kindName, itemLabel } from '../fmt.js';
import { behalfChoices } from './groups.js';

const KINDS = ['statement', 'question', 'point_of_order', 'right_of_reply'];

/** What may be asked now: {blocked: reason|null, kinds: [{kind, reason|null}]} */
export function requestRules({ state, policy, hello, currentItem, items, groups }) {
  const role = hello.participant.role;
  const myDel = hello.delegation || {};
  const isState = role === 'delegate' && (myDel.kind === 'state' || !myDel.kind);
  const mineWaiting = state.queue.filter((e) => e.delegation?.id === myDel.id);
  let blocked = null;
  // A closed list still takes a point of order from a State (it is not a
  // request to speak on the item), so a closed list blocks the other kinds only.
  const closed = state.list_closed;
  if (closed && !isState) blocked = t('reason.list_closed');
  if (!blocked && role === 'observer') {
    const rule = policy.observer_items || 'stakeholder';
    if (rule === 'none') blocked = t('reason.observers_none');
    else if (rule === 'stakeholder' && currentItem?.kind !== 'stakeholder') {
      const seg = items.find((it) => it.kind === 'stakeholder');
      blocked = seg ? t('reason.observers_stakeholder_only', { item: seg.title }) : t('reason.observers_stakeholder_none');
    } else {
      const max = policy.observer_max_per_item ?? 1;
      if (mineWaiting.length >= max) blocked = t('reason.observer_limit', { n: max });
    }
  }
  const kinds = KINDS.map((kind) => {
    let reason = null;
    if ((kind === 'point_of_order' || kind === 'right_of_reply') && !isState) reason = t('reason.states_only');
    else if (closed && kind !== 'point_of_order') reason = t('reason.list_closed');
    else if (kind === 'statement' && mineWaiting.some((e) => e.kind === 'statement')) reason = t('reason.already_listed');
    return { kind, reason };
  });
  // A State speaks only for the groups it is a member of: the server says
  // which (its regional group, the groups of group.list that list it).
  const behalf = isState ? behalfChoices(myDel, groups) : [];
  return { blocked, kinds, isState, behalf, notice: closed && !blocked ? t('reason.list_closed') : null };
}

/**
 * ui: {kind, speaker, onBehalf, error, busy} kept by the page across renders.
 * submit(args) sends floor.request.
 */
export function requestPanel(rules, ui, hello, currentItem, submit, redraw) {
  // ui.chosen is what the user picked (statement by default); when that kind
  // is not allowed right now, the first allowed one is selected instead, and
  // the choice comes back once it is allowed again.
  const allowed = rules.kinds.filter((k) => !k.reason && !rules.blocked);
  const chosen = ui.chosen || 'statement';
  ui.kind = allowed.some((k) => k.kind === chosen) ? chosen : allowed[0]?.kind || null;
  const disabledAll = Boolean(rules.blocked);
  const radios = rules.kinds.map(({ kind, reason }) => {
    const id = `kind-${kind}`;
    const off = disabledAll || Boolean(reason);
    return h('div', { class: ['choice', off && 'off'] },
      h('input', { type: 'radio', name: 'kind', id, value: kind, 'data-key': id, checked: ui.kind === kind,
        disabled: off, 'aria-describedby': reason ? `${id}-why` : null, 'data-testid': `kind-${kind}`,
        onChange: () => { ui.chosen = kind; redraw(); } }),
      h('label', { for: id }, kindName(kind)),
      reason ? h('span', { class: 'why', id: `${id}-why`, 'data-testid': `why-${kind}` }, reason) : null);
  });
  const speaker = h('input', { type: 'text', id: 'req-speaker', 'data-key': 'req-speaker', maxlength: '120',
    value: ui.speaker ?? hello.participant.name, disabled: disabledAll, 'data-testid': 'req-speaker',
    onInput: (e) => { ui.speaker = e.target.value; } });
  const behalf = rules.isState && ui.kind === 'statement' && rules.behalf.length
    ? h('div', { class: 'field' },
      h('label', { for: 'req-behalf' }, t('request.on_behalf')),
      h('select', { id: 'req-behalf', 'data-key': 'req-behalf', disabled: disabledAll,
        onChange: (e) => { ui.onBehalf = e.target.value; } },
      h('option', { value: '' }, t('request.on_behalf_none')),
      rules.behalf.map((g) => h('option', { value: g.value, selected: ui.onBehalf === g.value }, g.label))))
    : null;
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'request-error', hidden: !ui.error }, ui.error || '');
  return h('form', { class: 'request', 'data-testid': 'request-form',
    onSubmit: (ev) => {
      ev.preventDefault();
      if (!ui.kind || disabledAll) return;
      const args = { kind: ui.kind };
      const name = (ui.speaker ?? '').trim();
      if (name && name !== hello.participant.name) args.speaker = name;
      if (behalf && ui.onBehalf) args.on_behalf = ui.onBehalf;
      submit(args);
    } },
  h('h2', {}, t('request.title')),
  h('p', { class: 'muted' }, t('request.item', { item: itemLabel(currentItem) })),
  rules.blocked ? h('p', { class: 'notice', 'data-testid': 'request-blocked' }, rules.blocked) : null,
  rules.notice ? h('p', { class: 'notice', 'data-testid': 'request-notice' }, rules.notice) : null,
  h('fieldset', {}, h('legend', {}, t('request.kind')), radios),
  h('div', { class: 'field' }, h('label', { for: 'req-speaker' }, t('request.speaker')), speaker),
  behalf,
  h('button', { type: 'submit', class: 'primary', disabled: disabledAll || !ui.kind || ui.busy, 'data-key': 'req-submit', 'data-testid': 'request' },
    t('request.submit')),
  err);
}
