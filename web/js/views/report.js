// A national report's sections as readable text (report.html, and the
// portal's side-by-side compare): each section of the harmonized template
// with its fields named in the reader's language.

import { h } from '../dom.js';
import { t } from '../i18n.js';

export const SECTIONS = ['cover', 'norms', 'cbm', 'capacity_building', 'international_law', 'threat_assessment', 'contacts'];

const item = (x) => (typeof x === 'string' ? x
  : [x.theme || x.name || '', x.description || x.role ? ` — ${x.description || x.role}` : '', x.email ? ` <${x.email}>` : '']);

/** One section's fields, or a dash when the report leaves it out. */
export function sectionView(sec) {
  if (!sec || !Object.keys(sec).length) return h('span', { class: 'muted' }, '—');
  return h('dl', { class: 'report-fields' }, Object.entries(sec).map(([k, v]) => [
    h('dt', {}, t(`field.${k}`)),
    h('dd', {}, k === 'nothing_new_since' ? (v === null ? '—' : t('report.nothing_new', { year: String(v) }))
      : Array.isArray(v) ? (v.length ? h('ul', {}, v.map((x) => h('li', {}, item(x)))) : '—') : String(v))]));
}
