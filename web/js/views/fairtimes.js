// Fair times: schedule.suggest as a form, and its answer drawn. Each
// candidate slot is a band on a 24-hour time axis centred on it, over one row
// per delegation that shows its acceptable local hours (the window read in the
// delegation's own zone, with its daylight-saving rules on that date); a
// series also gets the burden per delegation and per regional group as bars.
// The same figures are in a table for screen readers.

import { h, s } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { formatInstant, instantToZoned, groupName } from '../fmt.js';
import { localName } from '../states.js';
import { field, GROUPS } from './form.js';

const HOUR = 3600000;
const STEP = 15 * 60000;
const W = 760;
const LABEL = 190;
const ROW = 20;
const MAX_ROWS = 14;

const short = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const minutes = (hhmm) => { const [a, b] = hhmm.split(':').map(Number); return a * 60 + b; };

function inWindow(localHHMM, win) {
  const m = minutes(localHHMM);
  const [a, b] = win.map(minutes);
  return a <= b ? m >= a && m < b : m >= a || m < b; // a window may wrap past midnight
}

/** One slot on its time axis: the acceptable hours of each delegation. */
function slotFigure(slot, i, rows, win, tz) {
  const from = slot.start - 12 * HOUR;
  const to = slot.start + 12 * HOUR;
  const plot = W - LABEL - 24; // room for the last hour's label
  const x = (ms) => LABEL + ((ms - from) / (to - from)) * plot;
  const height = 24 + rows.length * ROW + 8;
  const ticks = [];
  for (let ms = Math.ceil(from / (3 * HOUR)) * 3 * HOUR; ms <= to; ms += 3 * HOUR) {
    ticks.push(s('line', { x1: x(ms), x2: x(ms), y1: 16, y2: height - 6, class: 'tick' }),
      s('text', { x: x(ms), y: 12, class: 'axis', 'text-anchor': 'middle' }, instantToZoned(ms, tz).slice(11, 16)));
  }
  const lanes = rows.map((d, r) => {
    const y = 22 + r * ROW;
    const runs = [];
    let start = null;
    for (let ms = from; ms <= to; ms += STEP) {
      const ok = ms < to && inWindow(instantToZoned(ms, d.tz).slice(11, 16), win);
      if (ok && start === null) start = ms;
      if (!ok && start !== null) { runs.push([start, ms]); start = null; }
    }
    return s('g', {},
      s('text', { x: LABEL - 6, y: y + ROW / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        `${short(localName(d.name), 20)} ${instantToZoned(slot.start, d.tz).slice(11, 16)}`),
      s('rect', { x: LABEL, y: y + 3, width: plot, height: ROW - 6, class: 'lane' }),
      runs.map(([a, b]) => s('rect', { x: x(a), y: y + 3, width: Math.max(1, x(b) - x(a)), height: ROW - 6, class: 'awake' })));
  });
  const band = s('rect', { x: x(slot.start), y: 16, width: Math.max(2, x(slot.end) - x(slot.start)), height: height - 22, class: 'slot' });
  const titleId = `slot-${i}-title`;
  return h('figure', { class: 'card slot-figure', 'data-testid': `slot-${i}` },
    h('figcaption', { id: titleId }, t('fair.slot', { n: i + 1, when: formatInstant(slot.start, tz), burden: formatNumber(slot.burden) })),
    s('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-labelledby': titleId, direction: 'ltr' }, ticks, lanes, band),
    h('details', {}, h('summary', {}, t('fair.outside', { n: formatNumber(slot.outside.length) })),
      h('ul', { class: 'plain' }, slot.outside.map((o) => h('li', {}, h('bdi', {}, localName(o.name)), ': ',
        t('fair.outside_row', { local: o.local_start.replace('T', ' '), burden: formatNumber(o.burden) }))))));
}

/** Horizontal bars of minutes outside the window. */
function burdenChart(id, title, rows) {
  const max = Math.max(1, ...rows.map((r) => r.burden));
  const height = rows.length * 24 + 8;
  const plot = W - LABEL - 90;
  const titleId = `${id}-title`;
  return h('figure', { class: 'chart card', 'data-testid': `chart-${id}` },
    h('figcaption', { id: titleId }, title),
    s('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-labelledby': titleId, direction: 'ltr' },
      rows.map((r, i) => {
        const w = Math.max(2, Math.round((r.burden / max) * plot));
        return s('g', {},
          s('text', { x: LABEL - 6, y: 4 + i * 24 + 10, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, short(r.label, 24)),
          s('rect', { x: LABEL, y: 4 + i * 24, width: w, height: 20, rx: 3, class: `fill c${i % 6}` }),
          s('text', { x: LABEL + w + 6, y: 4 + i * 24 + 10, class: 'value', 'dominant-baseline': 'middle' },
            t('fair.minutes', { n: formatNumber(r.burden) })));
      })),
    h('details', {}, h('summary', {}, t('stats.table')), h('table', {},
      h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, t('fair.minutes', { n: formatNumber(r.burden) }))))))));
}

export function fairSection(c) {
  const { ui, data, act, draw } = c;
  const today = new Date().toISOString().slice(0, 10);
  const f = ui.fair || (ui.fair = { tz: 'Europe/Zurich', date_from: today, date_to: today, duration: 120, from: '08:00', to: '20:00',
    count: 3, series: 1, groups: new Set(), chosen: new Set() });
  const statesList = data.delegations.filter((d) => d.kind === 'state');
  const chosen = () => {
    const ids = new Set(f.chosen);
    for (const d of statesList) if (f.groups.has(d.group)) ids.add(d.id);
    return [...ids];
  };
  const form = h('form', { class: 'card form', 'data-testid': 'fair-form', onSubmit: async (e) => {
    e.preventDefault();
    const a = { tz: f.tz.trim(), date_from: f.date_from, date_to: f.date_to, duration_s: Number(f.duration) * 60,
      window: [f.from, f.to], count: Number(f.count), series: Number(f.series) };
    const ids = chosen();
    if (ids.length) a.delegations = ids;
    const r = await act('schedule.suggest', a);
    if (r) { ui.suggested = { ...r, window: a.window, tz: a.tz, ids }; draw(); }
  } },
  h('h2', {}, t('fair.title')),
  h('p', {}, t('fair.help')),
  h('fieldset', {}, h('legend', {}, t('fair.groups')),
    GROUPS.map((g) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: `fg-${g}`, checked: f.groups.has(g), onChange: (e) => { if (e.target.checked) f.groups.add(g); else f.groups.delete(g); } }),
      h('label', { for: `fg-${g}` }, groupName(g))))),
  field('f-dels', t('fair.delegations'), h('select', { id: 'f-dels', multiple: true, size: 6, 'aria-describedby': 'f-dels-hint',
    onChange: (e) => { f.chosen = new Set([...e.target.selectedOptions].map((o) => o.value)); } },
  data.delegations.map((d) => h('option', { value: d.id, selected: f.chosen.has(d.id) }, localName(d.name)))), t('fair.delegations_help')),
  h('div', { class: 'form-grid' },
    field('f-tz', t('console.tz'), h('input', { id: 'f-tz', list: 'zones', dir: 'ltr', value: f.tz, required: true, onInput: (e) => { f.tz = e.target.value; } })),
    field('f-from', t('fair.date_from'), h('input', { id: 'f-from', type: 'date', value: f.date_from, required: true, onInput: (e) => { f.date_from = e.target.value; } })),
    field('f-to', t('fair.date_to'), h('input', { id: 'f-to', type: 'date', value: f.date_to, required: true, onInput: (e) => { f.date_to = e.target.value; } })),
    field('f-duration', t('fair.duration'), h('input', { id: 'f-duration', type: 'number', min: 15, max: 1440, step: 15, value: f.duration, required: true,
      onInput: (e) => { f.duration = e.target.value; } })),
    field('f-win-from', t('fair.window_from'), h('input', { id: 'f-win-from', type: 'time', value: f.from, required: true, onInput: (e) => { f.from = e.target.value; } })),
    field('f-win-to', t('fair.window_to'), h('input', { id: 'f-win-to', type: 'time', value: f.to, required: true, onInput: (e) => { f.to = e.target.value; } })),
    field('f-count', t('fair.count'), h('input', { id: 'f-count', type: 'number', min: 1, max: 50, value: f.count, onInput: (e) => { f.count = e.target.value; } })),
    field('f-series', t('fair.series'), h('input', { id: 'f-series', type: 'number', min: 1, max: 64, value: f.series, onInput: (e) => { f.series = e.target.value; } }))),
  h('button', { type: 'submit', 'data-testid': 'suggest' }, t('fair.suggest')));

  const r = ui.suggested;
  if (!r) return [form];
  const byId = new Map(data.delegations.map((d) => [d.id, d]));
  // Rows: those who carry a burden first, then the others asked about, at most MAX_ROWS.
  const heavy = new Set(r.slots.flatMap((sl) => sl.outside.map((o) => o.delegation)));
  const asked = r.ids.length ? r.ids : statesList.map((d) => d.id);
  const rows = [...heavy, ...asked.filter((id) => !heavy.has(id))].map((id) => byId.get(id)).filter(Boolean).slice(0, MAX_ROWS);
  const out = [form, h('section', { 'data-testid': 'slots', 'aria-label': t('fair.slots') },
    h('h2', {}, t('fair.slots')),
    r.slots.length ? null : h('p', { class: 'muted' }, t('fair.none')),
    r.slots.map((sl, i) => slotFigure(sl, i, rows, r.window, r.tz)))];
  if (r.burden_by_delegation) {
    const perDel = r.burden_by_delegation.filter((b) => b.burden > 0).sort((a, b) => b.burden - a.burden)
      .map((b) => ({ label: localName(b.name), burden: b.burden }));
    const perGroup = new Map();
    for (const b of r.burden_by_delegation) {
      const g = byId.get(b.delegation)?.group;
      if (g) perGroup.set(g, (perGroup.get(g) || 0) + b.burden);
    }
    out.push(h('p', { 'data-testid': 'series-summary' }, t('fair.series_summary', { max: formatNumber(r.max_burden), sum: formatNumber(r.sum_burden) })),
      burdenChart('burden-delegation', t('fair.by_delegation'), perDel.slice(0, 30)),
      burdenChart('burden-group', t('fair.by_group'), [...perGroup].map(([g, b]) => ({ label: groupName(g), burden: b })).sort((a, b) => b.burden - a.burden)));
  }
  return out;
}
