// A horizontal SVG bar chart of speaking time. Bars are laid out from the
// reading side (mirrored for right-to-left languages); each bar carries its
// label and value as text, and the figures are repeated in a table for
// screen readers and for copying.

import { h, s } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { formatDuration } from '../fmt.js';

const BAR = 26;
const GAP = 10;
const LABEL_W = 250;
const VALUE_W = 170;
const WIDTH = 760;
const MAX_LABEL = 30;

const shorten = (text) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

export function barChart({ id, title, rows, label = (k) => k }) {
  const data = (rows || []).slice().sort((a, b) => (b.spoken_ms || 0) - (a.spoken_ms || 0));
  const rtl = document.documentElement.dir === 'rtl';
  const max = Math.max(1, ...data.map((r) => r.spoken_ms || 0));
  const plotW = WIDTH - LABEL_W - VALUE_W;
  const height = Math.max(1, data.length) * (BAR + GAP) + GAP;
  const x = (px, w = 0) => (rtl ? WIDTH - px - w : px);
  const bars = data.map((r, i) => {
    const y = GAP + i * (BAR + GAP);
    const w = Math.max(2, Math.round(((r.spoken_ms || 0) / max) * plotW));
    const value = `${formatDuration(r.spoken_ms)} · ${t('stats.count', { n: formatNumber(r.count || 0) })}`;
    const name = String(r.label || label(r.key) || '');
    return s('g', { class: 'bar-row' },
      s('title', {}, `${name}: ${value}`),
      s('text', { x: x(LABEL_W - 8), y: y + BAR / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, shorten(name)),
      s('rect', { x: x(LABEL_W, w), y, width: w, height: BAR, rx: 3, class: `fill c${i % 6}` }),
      s('text', { x: x(LABEL_W + w + 8), y: y + BAR / 2, class: 'value', 'text-anchor': 'start', 'dominant-baseline': 'middle' }, value));
  });
  const titleId = `${id}-title`;
  return h('figure', { class: 'chart card', 'data-testid': `chart-${id}` },
    h('figcaption', { id: titleId }, title),
    data.length === 0 ? h('p', { class: 'muted' }, t('stats.empty'))
      : s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': titleId, direction: rtl ? 'rtl' : 'ltr' }, bars),
    data.length ? h('details', {}, h('summary', {}, t('stats.table')),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stats.key')), h('th', { scope: 'col' }, t('stats.time')), h('th', { scope: 'col' }, t('stats.speeches')))),
        h('tbody', {}, data.map((r) => h('tr', {}, h('td', {}, r.label || label(r.key)), h('td', {}, formatDuration(r.spoken_ms)), h('td', {}, formatNumber(r.count || 0))))))) : null);
}
