// Item timers (issue 14): how long the open item has been under debate and,
// when it has a planned duration, how long is left, with a warning in its
// last two minutes. The numbers are the server's (state.item_clock, the item
// event); the page only runs them on.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { serverNow, formatMs } from '../clock.js';

const WARN_MS = 120000;

function planned(st) {
  const it = st?.items?.find((i) => i.id === st.item);
  return it?.planned_s ? it.planned_s * 1000 : 0;
}

function elapsed(c, now = serverNow()) {
  return (c.spent_ms || 0) + (c.open_since ? Math.max(0, now - c.open_since) : 0);
}

/** The line under the item's title; its text is set by tickItemClock. */
export function itemClockLine(st) {
  if (!st?.item_clock) return null;
  return h('p', { class: 'item-clock', 'data-testid': 'item-clock', 'data-itemclock': '' }, '');
}

export function tickItemClock(root, st) {
  const c = st?.item_clock;
  if (!c || !root) return;
  const spent = elapsed(c);
  const plan = planned(st);
  const left = plan - spent;
  const level = !plan ? 'ok' : left < 0 ? 'over' : left <= WARN_MS ? 'warn' : 'ok';
  const text = !plan ? t('item.elapsed', { elapsed: formatMs(spent) })
    : left >= 0 ? t('item.elapsed_left', { elapsed: formatMs(spent), left: formatMs(left), planned: formatMs(plan) })
      : t('item.over', { elapsed: formatMs(spent), over: formatMs(-left), planned: formatMs(plan) });
  for (const el of root.querySelectorAll('[data-itemclock]')) {
    el.textContent = text;
    el.dataset.level = level;
    el.classList.toggle('warn', level === 'warn');
    el.classList.toggle('over', level === 'over');
  }
}

/** Runs the item clocks under getRoot() once a second. */
export function startItemTicker(getRoot, getState) {
  const id = setInterval(() => tickItemClock(getRoot(), getState()), 1000);
  return () => clearInterval(id);
}

/** Keeps state.item_clock current (the store calls this): the item event
 * brings the new item's; before the debate begins the first event starts it. */
export function applyItemClockEvent(st, ev) {
  if (ev.ev === 'item' && ev.item_clock) st.item_clock = ev.item_clock;
  else if (typeof ev.seq === 'number' && st.item_clock && !st.item_clock.open_since && typeof ev.at === 'number') {
    st.item_clock = { ...st.item_clock, open_since: ev.at };
  }
}
