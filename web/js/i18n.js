// Every string the user reads comes from a catalogue in web/i18n/<lang>.js.
// The choice is remembered in localStorage; Arabic is laid out right to left.
// Static markup names its strings with data-i18n="key" (text) and
// data-i18n-attr="attr:key;attr2:key2" (attributes); code calls t(key, vars).

export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'zh', name: '中文', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
];

const STORE_KEY = 'plenary.lang';
let lang = 'en';
let catalogue = {};
let fallback = {};
const listeners = new Set();

function pickInitial() {
  const saved = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.some((l) => l.code === saved)) return saved;
  for (const pref of navigator.languages || [navigator.language]) {
    const code = String(pref || '').slice(0, 2).toLowerCase();
    if (LANGUAGES.some((l) => l.code === code)) return code;
  }
  return 'en';
}

async function load(code) {
  const mod = await import(`../i18n/${code}.js`);
  return mod.default;
}

export async function initI18n() {
  fallback = await load('en');
  await setLanguage(pickInitial(), false);
}

export async function setLanguage(code, remember = true) {
  const info = LANGUAGES.find((l) => l.code === code) || LANGUAGES[0];
  catalogue = info.code === 'en' ? fallback : await load(info.code);
  lang = info.code;
  if (remember) localStorage.setItem(STORE_KEY, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = info.dir;
  translateDom();
  for (const fn of listeners) fn(lang);
}

export function onLanguage(fn) { listeners.add(fn); }
export function currentLanguage() { return lang; }

/** The string for key with {placeholders} filled from vars. */
export function t(key, vars = {}) {
  let str = catalogue[key] ?? fallback[key];
  if (str === undefined) {
    console.warn('missing string', key);
    return key;
  }
  return str.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A key that may be absent, e.g. an enum value from the server. */
export function tOr(key, otherwise) {
  return catalogue[key] ?? fallback[key] ?? otherwise;
}

export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang).format(n);
}
