// What each person on the meeting page needs to know, shown rather than left
// to be worked out: each entry's allotted time, a delegation's place and its
// expected wait, how many interventions an observer has left in this item,
// and for a meeting held over several days that it repeats and until when.

import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { remainingMs } from '../clock.js';
import { formatSpan, formatAboutMinutes, formatDay, formatWeekdays } from '../intl.js';
import { zonedToInstant, instantToZoned } from '../fmt.js';

/** The time an entry is allotted, as a badge of the list. */
export function allottedBadge(e) {
  if (!e.allotted_ms) return null;
  return h('span', { class: 'badge time', 'data-testid': 'allotted' }, t('entry.allotted', { time: formatSpan(e.allotted_ms) }));
}

/** Expected wait before the entry at `pos` speaks: the floor's time left and the allotments ahead. */
export function expectedWaitMs(state, pos) {
  const f = state.floor;
  let ms = f ? Math.max(0, remainingMs(f)) : 0;
  for (const e of state.queue.slice(0, pos)) ms += e.allotted_ms || 0;
  return ms;
}

/** "You are number 3 on the list (2 ahead of you): expected wait about 9 minutes." */
export function placeLine(state, pos) {
  return h('p', { class: 'you later', 'data-testid': 'your-position' },
    t('you.position', { pos: formatNumber(pos + 1), ahead: formatNumber(pos) }),
    // While the meeting is suspended nobody can say how long: no estimate.
    (state.sitting || 'open') === 'open'
      ? [' ', h('span', { 'data-testid': 'your-wait' }, t('you.wait', { wait: formatAboutMinutes(expectedWaitMs(state, pos)) }))] : null);
}

/** For an observer: how many of the item's interventions are left to its body. */
export function observerLeft(state, policy, hello, currentItem) {
  if (hello.participant.role !== 'observer' || !state.ledger) return null;
  // An item observers may not speak in has no count to show: the form says why.
  const rule = policy.observer_items || 'stakeholder';
  if (rule === 'none' || (rule === 'stakeholder' && currentItem?.kind !== 'stakeholder')) return null;
  const max = policy.observer_max_per_item ?? 1;
  const used = state.ledger.item === state.item ? state.ledger.interventions : 0;
  const left = Math.max(0, max - used);
  return h('p', { class: 'muted', 'data-testid': 'interventions-left' },
    t('you.interventions_left', { left: formatNumber(left), max: formatNumber(max) }));
}

/**
 * Keeps state.ledger current from the delegation's own events in the open
 * item, as the server counts: a request counts when asked, and stops counting
 * only when withdrawn or removed (a speech given counts).
 */
export function applyLedger(state, ev, delegationId) {
  const l = state.ledger;
  if (!l || !ev.entry || ev.entry.delegation?.id !== delegationId || ev.item !== l.item) return;
  const observer = ev.entry.kind === 'statement' || ev.entry.kind === 'question';
  const field = ev.entry.kind === 'right_of_reply' ? 'replies' : observer ? 'interventions' : null;
  if (!field) return;
  if (ev.ev === 'queue.added') l[field] += 1;
  else if (ev.ev === 'queue.removed' && ev.reason !== 'called') l[field] = Math.max(0, l[field] - 1);
}

/** Reads an RRULE into its parts ({FREQ: 'WEEKLY', BYDAY: 'MO,TU', ...}). */
function ruleParts(rrule) {
  return Object.fromEntries(String(rrule).split(';').map((p) => p.split('=')).filter((kv) => kv.length === 2));
}

/** The local date (YYYY-MM-DD) of the last meeting of a DAILY or WEEKLY rule with COUNT. */
function lastByCount(meeting, parts) {
  const count = Number(parts.COUNT);
  const interval = Number(parts.INTERVAL || 1);
  const days = parts.BYDAY ? parts.BYDAY.split(',').map((d) => d.slice(-2)) : null;
  const codes = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
  const d = new Date(`${meeting.start.slice(0, 10)}T00:00:00Z`);
  const first = d.getTime();
  let n = 0;
  for (let i = 0; i < 3700 && n < count; i++) {
    const weeks = Math.floor((d.getTime() - first) / (7 * 86400000));
    const dayOn = parts.FREQ === 'DAILY'
      ? i % interval === 0
      : weeks % interval === 0 && (days ? days.includes(codes[d.getUTCDay()]) : d.getUTCDay() === new Date(first).getUTCDay());
    if (dayOn) n++;
    if (n === count) return d.toISOString().slice(0, 10);
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return null;
}

/** "Meets on Monday, Tuesday, … until Friday 12 June 2027 (5 meetings)", or null for a single meeting. */
export function seriesLine(meeting) {
  if (!meeting?.rrule) return null;
  const parts = ruleParts(meeting.rrule);
  const time = meeting.start.slice(10); // "T10:00"
  let lastDay = null;
  if (parts.UNTIL) {
    const u = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)Z)?$/.exec(parts.UNTIL);
    if (u) lastDay = instantToZoned(Date.UTC(+u[1], u[2] - 1, +u[3], +(u[4] || 23), +(u[5] || 59)), meeting.tz).slice(0, 10);
  } else if (parts.COUNT && (parts.FREQ === 'DAILY' || parts.FREQ === 'WEEKLY')) {
    lastDay = lastByCount(meeting, parts);
  }
  const how = parts.BYDAY ? t('series.on_days', { days: formatWeekdays(parts.BYDAY.split(',').map((d) => d.slice(-2))) })
    : t(`series.freq_${String(parts.FREQ || '').toLowerCase()}`);
  const until = lastDay ? t('series.until', { day: formatDay(zonedToInstant(`${lastDay}${time}`, meeting.tz), meeting.tz) }) : null;
  const count = parts.COUNT ? t('series.count', { n: formatNumber(Number(parts.COUNT)) }) : null;
  return h('p', { class: 'series muted', 'data-testid': 'series' }, t('series.repeats'), ' ', how,
    until ? [' ', until] : null, count ? [' ', count] : null);
}
