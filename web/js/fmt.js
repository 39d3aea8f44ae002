// Formatting shared by the views: instants in a time zone, durations, and the
// translated names of the protocol's enums.

import { t, tOr, currentLanguage, formatNumber } from './i18n.js';
import { localName } from './states.js';

/** An instant (ms) as date and time in the IANA zone tz, with the zone's abbreviation. */
export function formatInstant(ms, tz, opts = {}) {
  if (!ms) return '';
  try {
    return new Intl.DateTimeFormat(currentLanguage(), {
      timeZone: tz || undefined,
      dateStyle: opts.timeOnly ? undefined : 'medium',
      timeStyle: 'short',
      ...(opts.timeOnly ? { hour: 'numeric', minute: '2-digit', timeStyle: undefined } : {}),
    }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
}

/** "10:00–13:00 (Europe/Zurich)" or across days "9 Mar 2027, 10:00 – 10 Mar ..." */
export function formatRange(startMs, endMs, tz) {
  if (!startMs) return '';
  const dayFmt = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: tz || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
  let text;
  try {
    if (endMs && dayFmt(startMs) === dayFmt(endMs)) {
      text = `${formatInstant(startMs, tz)} – ${formatInstant(endMs, tz, { timeOnly: true })}`;
    } else {
      text = `${formatInstant(startMs, tz)} – ${formatInstant(endMs, tz)}`;
    }
  } catch {
    text = formatInstant(startMs, tz);
  }
  return text;
}

/** Minutes and seconds as words-free "m:ss" */
export function formatDuration(ms) {
  const total = Math.round((ms || 0) / 1000);
  const hrs = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return hrs ? `${hrs}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Time left to a deadline: "m:ss", "h:mm:ss", or "3 d 4:05:06" (never below zero). */
export function formatCountdown(ms) {
  const secs = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(secs / 86400);
  const time = formatDuration((secs % 86400) * 1000);
  return days ? t('proc.days_left', { days: formatNumber(days), time }) : time;
}

export const kindName = (k) => tOr(`kind.${k}`, k);
export const presenceName = (p) => tOr(`presence.${p}`, p);
/** A regional group, or for observers (plenaryd keys them so) the delegation kind. */
export const groupName = (g) => tOr(`group.${g}`, tOr(`dkind.${g}`, g));
export const formatName = (f) => tOr(`format.${f}`, f);
export const pillarName = (p) => tOr(`pillar.${p}`, p);
export const delegationKindName = (k) => tOr(`dkind.${k}`, k);
/** A kind of speech or of delegation, whichever the key is. */
export const anyKindName = (k) => tOr(`kind.${k}`, tOr(`dkind.${k}`, k));

export function speakerLabel(entry) {
  if (!entry) return '';
  const raw = entry.delegation?.name;
  const del = localName(raw);
  return raw && entry.speaker && raw !== entry.speaker ? `${entry.speaker} (${del})` : entry.speaker || del || '';
}

export function itemLabel(item) {
  if (!item) return t('item.none');
  return item.kind === 'stakeholder' ? `${item.title} — ${t('item.stakeholder')}` : item.title;
}

// A wall-clock time in a zone and back (datetime-local fields are zone-less).
function zoneOffset(ms, tz) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms))) parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** "2027-03-09T17:00[:30]" read in zone tz -> an instant (ms), NaN when malformed. */
export function zonedToInstant(local, tz) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(local || '');
  if (!m) return NaN;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] || 0));
  const first = wall - zoneOffset(wall, tz);
  return wall - zoneOffset(first, tz); // again at the guess, for a DST change in between
}

/** An instant as "YYYY-MM-DDTHH:MM" in zone tz (a datetime-local value). */
export function instantToZoned(ms, tz) {
  const local = new Date(ms + zoneOffset(ms, tz));
  return local.toISOString().slice(0, 16);
}
