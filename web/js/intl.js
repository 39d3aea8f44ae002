// Numbers, durations and times in the page's language, through Intl, so that
// each reader reads them by their own rules ("+1 min" in Arabic is not
// "1+ دقيقة"; Chinese puts no space before 分钟). Nothing here is assembled
// from pieces of a catalogue string.

import { currentLanguage } from './i18n.js';

const cache = new Map();
function numberFormat(opts) {
  const key = `${currentLanguage()}|${JSON.stringify(opts)}`;
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(currentLanguage(), opts));
  return cache.get(key);
}

const NUMERIC = new Set(['plusSign', 'minusSign', 'integer', 'group', 'decimal', 'fraction']);

/**
 * Formats with f, the signed number kept left to right in a right-to-left
 * language: a "+" before a digit is a neutral the bidi algorithm moves to the
 * right of it, which made "+1 min" read "1+ د" in Arabic. An isolate (LRI ...
 * PDI) keeps "+1" as written.
 */
function formatIsolated(f, n) {
  if (document.documentElement.dir !== 'rtl') return f.format(n);
  let out = '';
  let run = '';
  for (const p of f.formatToParts(n)) {
    if (NUMERIC.has(p.type)) { run += p.value; continue; }
    if (run) { out += `\u2066${run}\u2069`; run = ''; }
    if (p.value !== '\u200e' && p.value !== '\u200f' && p.value !== '\u061c') out += p.value;
  }
  return run ? `${out}\u2066${run}\u2069` : out;
}

/**
 * A whole number of minutes with its unit: "5 min", "5分钟", "5 د"; with
 * opts.sign, "+1 min". opts.long spells the unit (not with a sign: Arabic's
 * long form of one minute is the word alone, without the number).
 */
export function formatMinutes(n, opts = {}) {
  const unitDisplay = opts.long && !opts.sign ? 'long' : 'short';
  return formatIsolated(numberFormat({ style: 'unit', unit: 'minute', unitDisplay, signDisplay: opts.sign ? 'exceptZero' : 'auto' }), n);
}

/** A duration in ms as the language writes it: "4 min 30 s", "4分钟30秒". */
export function formatSpan(ms) {
  const total = Math.max(0, Math.round((ms || 0) / 1000));
  const parts = { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
  if (typeof Intl.DurationFormat === 'function') {
    const shown = Object.fromEntries(Object.entries(parts).filter(([, v]) => v));
    return new Intl.DurationFormat(currentLanguage(), { style: 'short' }).format(Object.keys(shown).length ? shown : { seconds: 0 });
  }
  const unit = (v, u) => numberFormat({ style: 'unit', unit: u, unitDisplay: 'short' }).format(v);
  return [parts.hours && unit(parts.hours, 'hour'), parts.minutes && unit(parts.minutes, 'minute'),
    (parts.seconds || total === 0) && unit(parts.seconds, 'second')].filter(Boolean).join(' ');
}

/** About how long, rounded up to whole minutes (a wait is an estimate). */
export function formatAboutMinutes(ms) {
  return formatMinutes(Math.max(1, Math.ceil((ms || 0) / 60000)), { long: true });
}

/** A date in the zone tz, in the page's language: "Friday 12 June 2027". */
export function formatDay(ms, tz) {
  return new Intl.DateTimeFormat(currentLanguage(), { timeZone: tz || undefined, dateStyle: 'full' }).format(new Date(ms));
}

/** Weekday names of RFC 5545 BYDAY codes, in the page's language, joined as a list. */
export function formatWeekdays(codes) {
  const base = Date.UTC(2027, 2, 1); // a Monday
  const idx = { MO: 0, TU: 1, WE: 2, TH: 3, FR: 4, SA: 5, SU: 6 };
  const day = new Intl.DateTimeFormat(currentLanguage(), { weekday: 'long', timeZone: 'UTC' });
  const names = codes.filter((c) => c in idx).map((c) => day.format(new Date(base + idx[c] * 86400000)));
  return new Intl.ListFormat(currentLanguage(), { style: 'long', type: 'conjunction' }).format(names);
}
