// Groups of States in the list of speakers (issue 14): whom an entry speaks
// for, the group's clock on the floor, and the groups a delegate may speak
// for. The server decides membership and contingents; this file only shows
// what it sent.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { groupName } from '../fmt.js';
import { spokenMs, formatMs } from '../clock.js';

/** The words for whom an entry speaks ("on behalf of ..."), or null. */
export function behalfText(e) {
  if (!e?.on_behalf) return null;
  if (e.on_behalf === 'joint') return t('group.joint', { n: String((e.joint || []).length) });
  return t('entry.on_behalf', { group: e.on_behalf_name || groupName(e.on_behalf) });
}

/** The group's clock under the floor's own: what its contingent has left. */
export function contingentLine(floor) {
  if (!floor?.entry?.contingent || typeof floor.contingent_ms !== 'number') return null;
  return h('p', { class: 'contingent', 'data-testid': 'floor-contingent', 'data-contingent': '' }, '');
}

/** Refreshes the group clocks under root (called by the floor's tick). */
export function tickContingent(root, floor) {
  if (!floor?.entry?.contingent || typeof floor.contingent_ms !== 'number') return;
  const left = Math.max(0, floor.contingent_ms - spokenMs(floor));
  const group = floor.entry.on_behalf_name || groupName(floor.entry.contingent);
  for (const el of root.querySelectorAll('[data-contingent]')) {
    el.textContent = t('floor.group_time', { group, left: formatMs(Math.ceil(left / 1000) * 1000) });
  }
}

/** The choices of on_behalf for a State's delegate: its regional group and
 * the political groups it is a member of (from group.list). */
export function behalfChoices(delegation, groups) {
  const out = [];
  if (delegation?.group) out.push({ value: delegation.group, label: groupName(delegation.group) });
  for (const g of groups || []) {
    if ((g.members || []).includes(delegation?.id)) out.push({ value: g.id, label: g.name });
  }
  return out;
}

/** Keeps state.contingents current from an event (the store calls this). */
export function applyContingentEvent(st, ev) {
  if (ev.ev === 'item') st.contingents = ev.contingents ?? st.contingents ?? null;
  const group = ev.ev === 'contingent.added' ? ev.group : ev.speech?.contingent;
  if (typeof ev.contingent_left_ms === 'number' && group && st.contingents) {
    st.contingents = { ...st.contingents, left_ms: { ...st.contingents.left_ms, [group]: ev.contingent_left_ms } };
  }
}

/** The chair's control: add time to a group's contingent on the open item.
 * Offers the groups that have a ledger and the one speaking; null when the
 * policy has no contingents. */
export function contingentForm(st, ui, act) {
  const c = st?.contingents;
  if (!c) return null;
  const groups = new Set(Object.keys(c.left_ms || {}));
  if (st.floor?.entry?.contingent) groups.add(st.floor.entry.contingent);
  for (const e of st.queue || []) if (e.contingent) groups.add(e.contingent);
  if (!groups.size) return null;
  const chosen = groups.has(ui.contingentGroup) ? ui.contingentGroup : [...groups][0];
  const left = (g) => formatMs(c.left_ms?.[g] ?? c.each_ms);
  return h('form', { class: 'contingent-add', 'data-testid': 'contingent-form',
    onSubmit: (ev) => {
      ev.preventDefault();
      act('queue.contingent', { group: chosen, seconds: Number(ui.contingentSeconds || 60) }, t('contingent.added'));
    } },
  h('label', { for: 'cont-group' }, t('contingent.add_to')),
  h('select', { id: 'cont-group', 'data-key': 'cont-group', onChange: (e) => { ui.contingentGroup = e.target.value; } },
    [...groups].map((g) => h('option', { value: g, selected: g === chosen }, `${groupName(g)} (${left(g)})`))),
  h('input', { type: 'number', min: '1', max: '3600', value: ui.contingentSeconds || 60, 'aria-label': t('contingent.seconds'),
    'data-key': 'cont-seconds', onInput: (e) => { ui.contingentSeconds = e.target.value; } }),
  h('button', { type: 'submit', 'data-testid': 'contingent-add' }, t('contingent.add')));
}
