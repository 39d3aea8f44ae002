#!/usr/bin/env node
// Reads a Plenary calendar feed with Mozilla's ical.js (the parser of
// Thunderbird) and checks what a calendar program relies on.
//
//   node ical_check.mjs FEED.ics [--expect UID[#K]=START[/END]]... [--quiet | --json]
//                       [--occurrences N]   (JSON {uid: [UTC ms of the first N starts]})
//
// Same interface and output as ical_check.py: one line per event (UID,
// start and end in UTC, summary), or with --json one JSON array of {uid,
// start, end, summary, location, description, url, status, sequence}; exit
// 1 with a message on stderr when a check fails. Unlike icalendar, ical.js resolves a TZID only through the
// VTIMEZONE in the file (registered below), so the instants printed here
// are those the feed's own zone rules give: a wrong or missing VTIMEZONE
// shows up as a wrong instant or a floating time.
//
// Install once: npm ci --prefix tests/integration (node_modules is ignored).
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const EVENT_PROPS = new Set(['uid', 'dtstamp', 'created', 'last-modified', 'dtstart', 'dtend',
  'rrule', 'sequence', 'status', 'summary', 'location', 'description', 'categories', 'url',
  'conference', 'organizer', 'rdate', 'exdate', 'recurrence-id']);
const CAL_PROPS = new Set(['prodid', 'version', 'calscale', 'method', 'x-wr-calname',
  'x-wr-timezone', 'name', 'refresh-interval', 'x-published-ttl', 'color']);
const COMPONENTS = new Set(['vtimezone', 'standard', 'daylight', 'vevent', 'valarm']);

function fail(msg) {
  process.stderr.write(`ical_check.mjs: ${msg}\n`);
  process.exit(1);
}

const iso = (t) => new Date(t.toUnixTime() * 1000).toISOString().slice(0, 16) + 'Z';

function walk(comp, fn) {
  for (const sub of comp.getAllSubcomponents()) {
    fn(sub);
    walk(sub, fn);
  }
}

function main(argv) {
  if (argv.length < 1) fail('usage: ical_check.mjs FEED.ics [--expect UID[#K]=START[/END]]... [--quiet]');
  const path = argv[0];
  const expects = [];
  let quiet = false;
  let asJson = false;
  let occurrences = 0;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--expect' && i + 1 < argv.length) expects.push(argv[++i]);
    else if (argv[i] === '--occurrences' && i + 1 < argv.length) { occurrences = Number(argv[++i]); quiet = true; }
    else if (argv[i] === '--quiet') quiet = true;
    else if (argv[i] === '--json') quiet = asJson = true;
    else fail(`unknown argument ${argv[i]}`);
  }
  let cal;
  try {
    cal = new ICAL.Component(ICAL.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    fail(`does not parse: ${e.message}`);
  }
  if (cal.name !== 'vcalendar') fail('not a VCALENDAR');
  for (const p of ['version', 'prodid', 'method'])
    if (!cal.hasProperty(p)) fail(`VCALENDAR lacks ${p.toUpperCase()}`);
  for (const p of cal.getAllProperties())
    if (!CAL_PROPS.has(p.name)) fail(`unexpected calendar property ${p.name.toUpperCase()}`);
  walk(cal, (c) => {
    if (!COMPONENTS.has(c.name)) fail(`unexpected component ${c.name.toUpperCase()}`);
  });

  // The file's own zones, and nothing else: no zone is known by name.
  const zones = new Set();
  for (const vtz of cal.getAllSubcomponents('vtimezone')) {
    if (!vtz.getFirstPropertyValue('tzid')) fail('a VTIMEZONE without TZID');
    const tz = new ICAL.Timezone(vtz);
    ICAL.TimezoneService.register(tz);
    zones.add(tz.tzid);
  }

  const events = new Map();
  const vevents = cal.getAllSubcomponents('vevent');
  // each series first, then the events with a RECURRENCE-ID that change its occurrences
  vevents.sort((a, b) => a.hasProperty('recurrence-id') - b.hasProperty('recurrence-id'));
  for (const vev of vevents) {
    const ev = new ICAL.Event(vev);
    const uid = ev.uid;
    if (ev.isRecurrenceException()) {
      if (!events.has(uid)) fail(`${uid}: a RECURRENCE-ID without its series`);
      events.get(uid).relateException(ev);
      continue;
    }
    for (const p of vev.getAllProperties())
      if (!EVENT_PROPS.has(p.name)) fail(`${uid}: unexpected property ${p.name.toUpperCase()}`);
    for (const name of ['dtstart', 'dtend']) {
      const prop = vev.getFirstProperty(name);
      if (!prop) fail(`${uid}: no ${name.toUpperCase()}`);
      const tzid = prop.getParameter('tzid');
      const t = prop.getFirstValue();
      if (t.isDate) fail(`${uid}: ${name.toUpperCase()} is a date`);
      if (tzid) {
        if (!zones.has(tzid)) fail(`${uid}: ${name.toUpperCase()} names TZID ${tzid} without its VTIMEZONE`);
        if (!t.zone || t.zone.tzid !== tzid) fail(`${uid}: ${name.toUpperCase()} not read in ${tzid}`);
      } else if (!t.zone || t.zone.tzid !== 'UTC') {
        fail(`${uid}: ${name.toUpperCase()} is floating`);
      }
    }
    events.set(uid, ev);
    const summary = (ev.summary ?? '').replace(/\n/g, '\\n').replace(/\t/g, ' ');
    if (!quiet) console.log(`${uid}\t${iso(ev.startDate)}\t${iso(ev.endDate)}\t${summary}`);
  }

  if (asJson) {
    const text = (vev, p) => { const v = vev.getFirstPropertyValue(p); return v == null ? null : String(v); };
    console.log(JSON.stringify([...events.values()].map((ev) => ({
      uid: ev.uid, start: iso(ev.startDate), end: iso(ev.endDate),
      summary: text(ev.component, 'summary'), location: text(ev.component, 'location'),
      description: text(ev.component, 'description'), url: text(ev.component, 'url'),
      status: text(ev.component, 'status'), sequence: ev.sequence ?? null,
    }))));
  }
  if (occurrences) {
    // {uid: [UTC ms of each of the first N starts]}, by the file's own zones
    const out = {};
    for (const [uid, ev] of events) {
      const starts = [];
      const it = ev.iterator();
      // where each occurrence really is: a moved one at its exception's start
      for (let t = it.next(); t && starts.length < occurrences; t = it.next())
        starts.push(ev.getOccurrenceDetails(t).startDate.toUnixTime() * 1000);
      out[uid] = starts.sort((a, b) => a - b);
    }
    console.log(JSON.stringify(out));
  }
  for (const spec of expects) {
    const [key, when] = spec.split('=');
    const [uid, kstr] = key.split('#');
    const k = Number(kstr ?? 0);
    const match = [...events.keys()].filter((u) => u === uid || u.startsWith(`${uid}-`));
    if (match.length !== 1) fail(`--expect ${spec}: ${match.length} events with that UID`);
    const ev = events.get(match[0]);
    let start = ev.startDate;
    if (k > 0) {
      const it = ev.iterator();
      for (let i = 0; i <= k; i++) {
        start = it.next();
        if (!start) fail(`--expect ${spec}: only ${i} occurrences`);
      }
    }
    const details = ev.getOccurrenceDetails(start);
    start = details.startDate;
    const end = details.endDate;
    const [wantS, wantE] = when.split('/');
    if (iso(start) !== wantS) fail(`--expect ${spec}: starts ${iso(start)}`);
    if (wantE && iso(end) !== wantE) fail(`--expect ${spec}: ends ${iso(end)}`);
    if (!quiet) console.log(`ok ${spec}`);
  }
}

main(process.argv.slice(2));
