// The floor panel: who speaks, the countdown, and its state (calling, paused,
// overrun). The countdown text is refreshed by tick() four times a second from
// the numbers of the last FLOOR and the server-corrected clock; nothing else
// is re-rendered on a tick.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { remainingMs, spokenMs, formatMs, clockLevel } from '../clock.js';
import { kindName, presenceName } from '../fmt.js';
import { localName } from '../states.js';
import { behalfText, contingentLine, tickContingent } from './groups.js';

export function floorPanel(floor, opts = {}) {
  if (!floor) {
    return h('div', { class: 'floor empty', 'data-testid': 'floor' },
      h('p', { class: 'speaker none' }, t('floor.none')));
  }
  const e = floor.entry || {};
  let phase = null;
  if (floor.phase === 'calling') phase = t(e.presence === 'remote' ? 'floor.calling_remote' : 'floor.calling');
  else if (floor.paused) phase = floor.pause_reason === 'disconnected' ? t('floor.paused_disconnected') : t('floor.paused');
  return h('div', { class: ['floor', floor.phase, floor.paused && 'paused'], 'data-testid': 'floor' },
    h('p', { class: 'speaker', 'data-testid': 'floor-speaker' }, e.speaker || localName(e.delegation?.name) || ''),
    // On the room's screen the State is read from the back of the room, as the person is.
    opts.bigDelegation && e.delegation?.name && e.delegation.name !== e.speaker
      ? h('p', { class: 'speaker delegation', 'data-testid': 'floor-delegation' }, localName(e.delegation.name)) : null,
    h('p', { class: 'meta' },
      !opts.bigDelegation && e.delegation?.name && e.delegation.name !== e.speaker ? [localName(e.delegation.name), ' · '] : null,
      kindName(e.kind), ' · ', presenceName(e.presence),
      e.on_behalf ? [' · ', behalfText(e)] : null),
    h('div', { class: 'clockwrap' },
      h('span', { class: 'clock', role: 'timer', 'aria-label': t('floor.time_left'), 'data-testid': 'clock', 'data-clock': '' }, '')),
    h('p', { class: 'clockinfo', 'data-clockinfo': '' }, ''),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('div', { class: 'fill', 'data-fill': '' })),
    contingentLine(floor),
    phase ? h('p', { class: 'phase', 'data-testid': 'floor-phase' }, phase) : null,
    opts.extra || null);
}

/** Update every countdown under root from floor. */
export function tick(root, floor) {
  if (!floor) return;
  const left = remainingMs(floor);
  const level = clockLevel(floor);
  for (const el of root.querySelectorAll('[data-clock]')) {
    // Time left is rounded up (a countdown reads 0:00 only when time is up),
    // so left + spoken adds up to the allotment on screen.
    el.textContent = level === 'over' ? `+${formatMs(Math.max(0, -left))}` : formatMs(Math.ceil(Math.max(0, left) / 1000) * 1000);
    el.dataset.level = level;
    el.classList.toggle('warn', level === 'warn');
    el.classList.toggle('over', level === 'over');
  }
  for (const el of root.querySelectorAll('[data-clockinfo]')) {
    const spoken = formatMs(spokenMs(floor));
    const allotted = formatMs(floor.allotted_ms || 0);
    // The level is said in words too, not by colour alone.
    const key = { over: 'floor.overrun', warn: 'floor.last_seconds', ok: 'floor.spoken' }[level];
    el.textContent = t(key, { over: formatMs(Math.max(0, -left)), spoken, allotted });
  }
  tickContingent(root, floor);
  const frac = floor.allotted_ms ? Math.min(1, spokenMs(floor) / floor.allotted_ms) : 0;
  for (const el of root.querySelectorAll('[data-fill]')) {
    el.style.setProperty('--frac', String(frac));
    el.classList.toggle('warn', level === 'warn');
    el.classList.toggle('over', level === 'over');
  }
}

/** Start a ticker; returns a function that stops it. */
export function startTicker(getRoot, getFloor) {
  const id = setInterval(() => tick(getRoot(), getFloor()), 250);
  return () => clearInterval(id);
}
