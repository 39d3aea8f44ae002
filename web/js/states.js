// The 193 Member States of data/member-states.json (written by
// tools/member-states from iso-codes and tzdata): the console creates their
// delegations from it, and every page shows a State's name in the reader's
// language by looking its delegation's name up here (the English name the
// console created it with, or its ISO code). A name the file does not have
// is shown as the server sends it.

import { currentLanguage } from './i18n.js';

let loading = null;
let byName = new Map();

/** Resolves with the file's {columns, states}, or null when it cannot be read. */
export function loadStates() {
  if (!loading) {
    loading = fetch(new URL('../data/member-states.json', import.meta.url))
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null)
      .then((data) => {
        byName = new Map();
        for (const st of data?.states || []) {
          byName.set(st.name.en.toLowerCase(), st);
          byName.set(st.iso2.toLowerCase(), st);
          byName.set(st.iso3.toLowerCase(), st);
        }
        return data;
      });
  }
  return loading;
}

/** The State a delegation name (or ISO code) stands for, or undefined. */
export const stateOf = (name) => byName.get(String(name || '').toLowerCase());

/** A delegation's name in the reader's language, where the file has it. */
export function localName(name) {
  const st = stateOf(name);
  return st?.name[currentLanguage()] || name;
}
