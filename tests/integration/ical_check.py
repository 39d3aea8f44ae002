#!/usr/bin/python3
"""Reads a Plenary calendar feed with Python's icalendar (Debian's
python3-icalendar) and checks what a calendar program relies on.

    ical_check.py FEED.ics [--expect UID[#K]=START[/END]]... [--quiet | --json]
                  [--occurrences N]   (JSON {uid: [UTC ms of the first N starts]})

Prints one line per event: UID, start and end in UTC (ISO, "Z"), summary
(newlines as \\n); with --json instead one JSON array of objects {uid,
start, end, summary, location, description, url, status, sequence}, the
text values as the parser decoded them, for tests to compare. Exit status 0 when every check holds, 1 with a message
on stderr otherwise. Checks, always:
  - the file parses, has VERSION, PRODID, METHOD;
  - every DTSTART/DTEND is UTC or names a TZID whose VTIMEZONE is in the file
    (a floating time would be read in each client's own zone);
  - no property or component outside what the feed writes (an injected
    "X-INJECT:1" or "BEGIN:VALARM" in a title would show up here);
and for each --expect: the event whose UID starts with "UID-" (or equals
UID) has its K-th occurrence (0 = DTSTART; RRULE expanded) at START (and
ends at END), e.g. --expect m2#3=2027-03-30T08:00Z/2027-03-30T11:00Z.

icalendar 4 resolves a TZID by its IANA name (pytz); where the VTIMEZONE
itself can be turned into a tzinfo (Timezone.to_tz) the script also checks
that the file's own rules give the same instant.
"""
import datetime
import io
import json
import sys

import icalendar
from dateutil import rrule as du_rrule
from dateutil import tz as du_tz

UTC = datetime.timezone.utc
EVENT_PROPS = {
    "UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "DTSTART", "DTEND", "RRULE",
    "SEQUENCE", "STATUS", "SUMMARY", "LOCATION", "DESCRIPTION", "CATEGORIES",
    "URL", "CONFERENCE", "ORGANIZER", "RDATE", "EXDATE", "RECURRENCE-ID",
}
CAL_PROPS = {"PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "X-WR-TIMEZONE",
             "NAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "COLOR"}
COMPONENTS = {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT", "VALARM"}


def fail(msg):
    sys.stderr.write("ical_check.py: %s\n" % msg)
    sys.exit(1)


def iso(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_iso(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


_own = {}


def _dateutil_zone(vtz):
    """The file's VTIMEZONE as dateutil reads it (tzical), or None. dateutil
    refuses properties it does not know, which say nothing about offsets."""
    text = vtz.to_ical().decode()
    text = "\r\n".join(line for line in text.split("\r\n")
                        if not line.startswith(("X-", "TZUNTIL", "TZURL", "LAST-MODIFIED")))
    try:
        return du_tz.tzical(io.StringIO(text)).get(str(vtz["TZID"]))
    except Exception:
        return None


def own_rules(vtimezones, tzid, naive):
    """The instant of local `naive` by the file's VTIMEZONE: through
    icalendar's own tzinfo where it can build one (icalendar 4 and 5 reject
    an RRULE whose UNTIL is in UTC, which every zone with daylight saving
    has here), else through dateutil's reading of the same VTIMEZONE. None
    when neither can."""
    if tzid not in _own:
        try:
            tz = vtimezones[tzid].to_tz()
            _own[tzid] = lambda n, tz=tz: tz.localize(n)
        except Exception:
            tz = _dateutil_zone(vtimezones[tzid])
            _own[tzid] = (lambda n, tz=tz: n.replace(tzinfo=tz)) if tz else None
    return _own[tzid](naive) if _own[tzid] else None


def _local_dates(ev, name, tz):
    """RDATE or EXDATE values of ev as naive local times on the clock of tz."""
    props = ev.get(name)
    if props is None:
        return []
    out = []
    for prop in props if isinstance(props, list) else [props]:
        for v in prop.dts:
            dt = v.dt
            if dt.tzinfo is not None:
                dt = dt.astimezone(tz)
            out.append(dt.replace(tzinfo=None))
    return out


def occurrences(ev, n, moved=None):
    """The first n (start, end) of an event, aware datetimes: its RRULE and
    RDATEs less its EXDATEs, each occurrence that an event with its
    RECURRENCE-ID moves (moved: {UTC instant: (start, end)}) where it moved to."""
    start = ev.decoded("DTSTART")
    end = ev.decoded("DTEND")
    if "RRULE" not in ev and "RDATE" not in ev:
        return [(start, end)]
    tz = start.tzinfo
    length = end - start
    naive = du_rrule.rruleset()
    if "RRULE" in ev:
        rule = ev["RRULE"].to_ical().decode()
        if "UNTIL" in ev["RRULE"]:
            # expand on the naive local clock; UNTIL read on the same clock
            until = ev["RRULE"]["UNTIL"][0]
            if isinstance(until, datetime.datetime) and until.tzinfo:
                until = until.astimezone(tz).replace(tzinfo=None)
            parts = [p for p in rule.split(";") if not p.startswith("UNTIL=")]
            rule = ";".join(parts) + ";UNTIL=" + until.strftime("%Y%m%dT%H%M%S")
        naive.rrule(du_rrule.rrulestr(rule, dtstart=start.replace(tzinfo=None)))
    else:
        naive.rdate(start.replace(tzinfo=None))
    for d in _local_dates(ev, "RDATE", tz):
        naive.rdate(d)
    for d in _local_dates(ev, "EXDATE", tz):
        naive.exdate(d)
    out = []
    for local in naive:
        if len(out) == n:
            break
        aware = tz.localize(local) if hasattr(tz, "localize") else local.replace(tzinfo=tz)
        key = aware.astimezone(UTC)
        out.append(moved[key] if moved and key in moved else (aware, aware + length))
    return sorted(out, key=lambda se: se[0].astimezone(UTC))


def main(argv):
    if len(argv) < 2:
        fail("usage: ical_check.py FEED.ics [--expect UID[#K]=START[/END]]... [--quiet]")
    path, expects, quiet, as_json, n_occ = argv[1], [], False, False, 0
    args = argv[2:]
    while args:
        a = args.pop(0)
        if a == "--expect" and args:
            expects.append(args.pop(0))
        elif a == "--quiet":
            quiet = True
        elif a == "--json":
            quiet = as_json = True
        elif a == "--occurrences" and args:
            n_occ, quiet = int(args.pop(0)), True
        else:
            fail("unknown argument %r" % a)
    with open(path, "rb") as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:
        fail("does not parse: %s" % e)
    for p in ("VERSION", "PRODID", "METHOD"):
        if p not in cal:
            fail("VCALENDAR lacks %s" % p)
    for comp in cal.walk():
        if comp.name not in COMPONENTS:
            fail("unexpected component %s" % comp.name)
    for name in cal.keys():
        if name not in CAL_PROPS:
            fail("unexpected calendar property %s" % name)
    vtimezones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    events = {}
    moved = {}  # {uid: {UTC instant of RECURRENCE-ID: (start, end)}}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        if "RECURRENCE-ID" in ev:
            rid = ev.decoded("RECURRENCE-ID").astimezone(UTC)
            moved.setdefault(uid, {})[rid] = (ev.decoded("DTSTART"), ev.decoded("DTEND"))
            continue
        for name in ev.keys():
            if name not in EVENT_PROPS:
                fail("%s: unexpected property %s" % (uid, name))
        for p in ("DTSTART", "DTEND"):
            prop = ev.get(p)
            if prop is None:
                fail("%s: no %s" % (uid, p))
            tzid = prop.params.get("TZID")
            dt = prop.dt
            if not isinstance(dt, datetime.datetime) or dt.tzinfo is None:
                fail("%s: %s is floating or a date" % (uid, p))
            if tzid is None:
                if dt.utcoffset() != datetime.timedelta(0):
                    fail("%s: %s has no TZID and is not UTC" % (uid, p))
                continue
            if tzid not in vtimezones:
                fail("%s: %s names TZID %s without its VTIMEZONE" % (uid, p, tzid))
            own = own_rules(vtimezones, tzid, dt.replace(tzinfo=None))
            if own is not None and own.astimezone(UTC) != dt.astimezone(UTC):
                fail("%s: %s is %s by the file's VTIMEZONE but %s by the zone name"
                     % (uid, p, iso(own), iso(dt)))
        events[uid] = ev
        if not quiet:
            s, e = occurrences(ev, 1)[0]
            summary = str(ev.get("SUMMARY", "")).replace("\n", "\\n").replace("\t", " ")
            print("%s\t%s\t%s\t%s" % (uid, iso(s), iso(e), summary))
    if as_json:
        out = []
        for uid, ev in events.items():
            s, e = occurrences(ev, 1)[0]
            out.append({"uid": uid, "start": iso(s), "end": iso(e),
                        **{k: str(ev[k.upper()]) if k.upper() in ev else None
                           for k in ("summary", "location", "description", "url", "status")},
                        "sequence": int(ev["SEQUENCE"]) if "SEQUENCE" in ev else None})
        print(json.dumps(out, ensure_ascii=False))
    if n_occ:
        # {uid: [UTC ms of each of the first N starts]}, by the file's own
        # VTIMEZONE where icalendar can build one, else by the zone's name
        out = {}
        for uid, ev in events.items():
            tzid = ev["DTSTART"].params.get("TZID")
            starts = []
            for s, _ in occurrences(ev, n_occ, moved.get(uid)):
                own = own_rules(vtimezones, tzid, s.replace(tzinfo=None)) if tzid else None
                starts.append(int((own or s).timestamp() * 1000))
            out[uid] = starts
        unbuilt = sorted(t for t, tz in _own.items() if tz is None)
        if unbuilt:
            sys.stderr.write("ical_check.py: read by name, VTIMEZONE not buildable: %s\n"
                             % " ".join(unbuilt))
        print(json.dumps(out))
    for spec in expects:
        key, _, when = spec.partition("=")
        uid, _, k = key.partition("#")
        k = int(k or 0)
        match = [u for u in events if u == uid or u.startswith(uid + "-")]
        if len(match) != 1:
            fail("--expect %s: %d events with that UID" % (spec, len(match)))
        occ = occurrences(events[match[0]], k + 1, moved.get(match[0]))
        if len(occ) <= k:
            fail("--expect %s: only %d occurrences" % (spec, len(occ)))
        s, e = occ[k]
        want_s, _, want_e = when.partition("/")
        if s.astimezone(UTC) != parse_iso(want_s):
            fail("--expect %s: starts %s" % (spec, iso(s)))
        if want_e and e.astimezone(UTC) != parse_iso(want_e):
            fail("--expect %s: ends %s" % (spec, iso(e)))
        if not quiet:
            print("ok %s" % spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
