// Form parts the console shares: a labelled field, a select from
// [value, label] pairs, and the translated names it lists.

import { h } from '../dom.js';
import { t, tOr } from '../i18n.js';

export const GROUPS = ['african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', 'western_european_other'];
export const DKINDS = ['state', 'organization', 'ngo', 'expert', 'secretariat'];

export const roleName = (r) => t(`role.${r}`);
export const singularKind = (k) => tOr(`console.dkind_${k}`, k);

/** A label and its control, for= its id. */
export function field(id, label, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
    hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
}

/** A <select id> of options [[value, label]...] with value chosen; onChange(value). */
export function select(id, options, value, onChange, attrs = {}) {
  return h('select', { id, 'data-key': id, onChange: (e) => onChange(e.target.value), ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}
