// The chair console: floor controls with keyboard shortcuts (N next,
// P pause/resume, E end), extension, the list's open/closed state, the agenda
// and who is present. Every button sends one op; the state changes only when
// the server's event comes back, so the console never shows a ruling the
// server did not accept.

import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { itemLabel, presenceName } from '../fmt.js';
import { serverNow } from '../clock.js';
import { videoHeader, videoCell } from './video.js';
import { formatMinutes } from '../intl.js';

const OBJECTION_SECONDS = [10, 30, 60, 120];

/** "Is there any objection?": a draft put to the meeting, adopted unless a State objects within seconds. */
function objectionForm(ui, start) {
  const secs = Number(ui.objSecs || 60);
  return h('form', { class: 'any-objection', 'data-testid': 'any-objection', onSubmit: async (ev) => {
    ev.preventDefault();
    const within = Number(ui.objSecs || 60) * 1000;
    const ok = await start({ kind: 'adoption', title: ui.objTitle || '', text: ui.objText || '', deadline: Math.round(serverNow() + within) });
    if (ok) { ui.objTitle = ''; ui.objText = ''; }
  } },
  h('h3', {}, t('chair.objection_title')),
  h('div', { class: 'field' }, h('label', { for: 'obj-title' }, t('proc.title')),
    h('input', { type: 'text', id: 'obj-title', 'data-key': 'obj-title', 'data-testid': 'obj-title', required: true, maxlength: '200',
      value: ui.objTitle || '', onInput: (e) => { ui.objTitle = e.target.value; } })),
  h('div', { class: 'field' }, h('label', { for: 'obj-text' }, t('proc.text')),
    h('textarea', { id: 'obj-text', 'data-key': 'obj-text', 'data-testid': 'obj-text', rows: 2, required: true,
      onInput: (e) => { ui.objText = e.target.value; } }, ui.objText || '')),
  h('div', { class: 'inline' },
    h('label', { for: 'obj-secs' }, t('chair.objection_within')),
    h('select', { id: 'obj-secs', 'data-key': 'obj-secs', 'data-testid': 'obj-secs', onChange: (e) => { ui.objSecs = e.target.value; } },
      OBJECTION_SECONDS.map((n) => h('option', { value: String(n), selected: n === secs }, t('chair.seconds', { n: formatNumber(n) })))),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'obj-start', 'data-key': 'obj-start' }, t('chair.objection_ask'))));
}

export function chairConsole(ctx) {
  const { state, ui } = ctx;
  const floor = state.floor;
  const hasFloor = Boolean(floor);
  const paused = hasFloor && floor.paused;
  const calling = hasFloor && floor.phase === 'calling';
  const next = ctx.nextItem;
  const kbd = (k) => h('kbd', {}, k);
  // The page asks first when requests are waiting (ctx.openItem).
  const openItem = (it) => (ctx.openItem ? ctx.openItem(it) : ctx.act('item.open', { item: it.id }));

  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': t('chair.floor_controls') },
    h('button', { type: 'button', class: 'primary', 'data-testid': 'chair-next', 'data-key': 'chair-next', 'aria-keyshortcuts': 'N',
      disabled: state.queue.length === 0, onClick: () => ctx.act('floor.next', {}) }, t('chair.next'), ' ', kbd('N')),
    calling ? h('button', { type: 'button', 'data-testid': 'chair-start', 'data-key': 'chair-start', onClick: () => ctx.act('floor.start', {}) }, t('chair.start')) : null,
    h('button', { type: 'button', 'data-testid': 'chair-pause', 'data-key': 'chair-pause', 'aria-keyshortcuts': 'P', disabled: !hasFloor || calling,
      onClick: () => ctx.act(paused ? 'floor.resume' : 'floor.pause', {}) },
    t(paused ? 'chair.resume' : 'chair.pause'), ' ', kbd('P')),
    h('button', { type: 'button', 'data-testid': 'chair-extend', 'data-key': 'chair-extend', disabled: !hasFloor,
      // The accessible name starts with the visible text (WCAG 2.5.3).
      'aria-label': `${formatMinutes(1, { sign: true })}: ${t('chair.extend_label', { time: formatMinutes(1, { long: true }) })}`,
      onClick: () => ctx.act('floor.extend', { seconds: 60 }, t('announce.extended', { s: 60 })) }, formatMinutes(1, { sign: true })),
    h('button', { type: 'button', class: 'danger', 'data-testid': 'chair-end', 'data-key': 'chair-end', 'aria-keyshortcuts': 'E', disabled: !hasFloor,
      onClick: () => ctx.act('floor.end', {}) }, t('chair.end'), ' ', kbd('E')));

  const extendForm = h('form', { class: 'inline', onSubmit: (ev) => {
    ev.preventDefault();
    const secs = Math.round(Number(ui.extendMin || 0) * 60);
    if (secs > 0) ctx.act('floor.extend', { seconds: secs }, t('announce.extended', { s: secs }));
  } },
  h('label', { for: 'extend-min' }, t('chair.extend_by')),
  h('input', { type: 'number', id: 'extend-min', 'data-key': 'extend-min', min: '0.5', max: '60', step: '0.5',
    value: ui.extendMin ?? '2', inputmode: 'decimal', onInput: (e) => { ui.extendMin = e.target.value; } }),
  h('span', {}, t('chair.minutes')),
  h('button', { type: 'submit', disabled: !hasFloor, 'data-testid': 'chair-extend-custom', 'data-key': 'chair-extend-custom' }, t('chair.extend')));

  const list = h('div', { class: 'inline' },
    h('span', { class: ['badge', state.list_closed ? 'danger' : 'ok'], 'data-testid': 'list-state' },
      t(state.list_closed ? 'list.closed' : 'list.open')),
    h('button', { type: 'button', 'data-testid': 'chair-list-toggle', 'data-key': 'chair-list-toggle',
      onClick: () => ctx.act(state.list_closed ? 'queue.open' : 'queue.close', {}) },
    t(state.list_closed ? 'chair.reopen_list' : 'chair.close_list')));

  const agenda = h('div', { class: 'agenda' },
    h('h3', {}, t('chair.agenda')),
    h('ol', { class: 'items' }, state.items.map((it) => h('li', { class: it.id === state.item ? 'current' : null,
      'aria-current': it.id === state.item ? 'step' : null },
    itemLabel(it),
    it.id !== state.item ? [' ', h('button', { type: 'button', class: 'small', 'aria-label': t('chair.open_item', { item: it.title }), 'data-key': `open-${it.id}`,
      onClick: () => openItem(it) }, t('chair.open'))] : null))),
    next ? h('button', { type: 'button', 'data-testid': 'chair-next-item', 'data-key': 'chair-next-item',
      onClick: () => openItem(next) }, t('chair.open_next', { item: next.title })) : null);

  return h('section', { class: 'card chair', 'aria-labelledby': 'chair-h', 'data-testid': 'chair' },
    h('h2', { id: 'chair-h' }, t('chair.title')),
    controls,
    extendForm,
    list,
    h('p', { class: 'shortcuts muted' }, t('chair.shortcuts'), ' ', kbd('N'), ' ', t('chair.next'), ' · ',
      kbd('P'), ' ', t('chair.pause_resume'), ' · ', kbd('E'), ' ', t('chair.end'), ' · ',
      kbd('Alt'), '+', kbd('↑'), '/', kbd('↓'), ' ', t('chair.move')),
    agenda,
    ctx.startProcedure ? objectionForm(ui, ctx.startProcedure) : null);
}

/** Who is in the room, who is remote, who is online (chair and secretariat). */
export function attendancePanel(list, delegations = new Map()) {
  const delName = (d) => (d && typeof d === 'object' ? d.name : delegations.get(d)?.name || '');
  if (!Array.isArray(list)) return null;
  const sorted = list.slice().sort((a, b) => Number(b.online) - Number(a.online) || String(a.name).localeCompare(String(b.name)));
  const count = (f) => formatNumber(list.filter(f).length);
  return h('section', { class: 'card attendance', 'data-testid': 'attendance' },
    h('h2', {}, t('att.title')),
    h('p', { class: 'muted' }, t('att.summary', {
      room: count((a) => a.presence === 'room' && a.online),
      remote: count((a) => a.presence === 'remote' && a.online),
      online: count((a) => a.online), total: formatNumber(list.length),
    })),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('att.name')), h('th', { scope: 'col' }, t('att.delegation')),
        h('th', { scope: 'col' }, t('att.presence')), h('th', { scope: 'col' }, t('att.online')), videoHeader())),
      h('tbody', {}, sorted.map((a) => h('tr', { class: a.online ? null : 'offline' },
        h('td', {}, a.name || '…'),
        h('td', {}, delName(a.delegation)),
        h('td', {}, presenceName(a.presence),
          // In the room on one connection and remote on another: the room wins, and says so.
          a.presence === 'room' && a.connections?.remote > 0 ? h('span', { class: 'muted' }, ' · ', t('att.also_remote', { n: formatNumber(a.connections.remote) })) : null),
        h('td', {}, h('span', { class: ['dot', a.online ? 'on' : 'off'], 'aria-hidden': 'true' }), ' ',
          t(a.online ? 'att.yes' : 'att.no')), videoCell(a)))))));
}

/** N, P, E when focus is not in a text field. */
export function chairShortcuts(getCtx) {
  document.addEventListener('keydown', (ev) => {
    const ctx = getCtx();
    if (!ctx || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const tag = (ev.target.tagName || '').toLowerCase();
    if (['input', 'textarea', 'select'].includes(tag) || ev.target.isContentEditable) return;
    const key = ev.key.toLowerCase();
    const floor = ctx.state.floor;
    if (key === 'n') { ev.preventDefault(); if (ctx.state.queue.length) ctx.act('floor.next', {}); }
    else if (key === 'p') {
      ev.preventDefault();
      if (floor && floor.phase !== 'calling') ctx.act(floor.paused ? 'floor.resume' : 'floor.pause', {});
    } else if (key === 'e') { ev.preventDefault(); if (floor) ctx.act('floor.end', {}); }
  });
}
