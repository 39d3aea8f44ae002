"""Issue 4 against the real server: feeds fetched over HTTP and read by two
third-party parsers (Mozilla's ical.js, Python's icalendar), the weeks
between the US and EU daylight-saving changes, escaping, ETag/304, updates
and cancellations, import, programme.plan, and schedule.suggest checked
against a brute force written here with Python's zoneinfo."""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from harness import Client, ServerTest, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = datetime.timezone.utc


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


class Calendar(ServerTest):
    async def asyncSetUp(self):
        self.admin = await Client.connect(self.server, self.server.admin_token)
        self.tokyo = (await self.admin.ok("delegation.create", name="Japan", kind="state",
                                          tz="Asia/Tokyo", group="asia_pacific"))["delegation"]
        inv = await self.admin.ok("participant.invite", delegation=self.tokyo["id"],
                                  name="Sato", role="delegate")
        self.feed = inv["feed"]

    async def meeting(self, **kw):
        args = dict(title="Meeting", kind="thematic", format="hybrid", tz="Europe/Zurich",
                    start="2027-03-16T10:00", end="2027-03-16T13:00")
        args.update(kw)
        return (await self.admin.ok("meeting.create", **args))["meeting"]

    def fetch(self, path=None, headers=None):
        status, hdrs, body = self.server.http_get(path or "/calendar/%s.ics" % self.feed,
                                                  headers)
        return status, hdrs, body

    def parse(self, body, *expects, parser="both"):
        """Runs the third-party checkers on the feed; returns their --json
        events (ical.js's). Each --expect is asserted by both parsers."""
        f = tempfile.NamedTemporaryFile(suffix=".ics", delete=False)
        f.write(body)
        f.close()
        args = []
        for e in expects:
            args += ["--expect", e]
        out = None
        for cmd in (["/usr/bin/python3", os.path.join(HERE, "ical_check.py")],
                    ["node", os.path.join(HERE, "ical_check.mjs")]):
            p = subprocess.run(cmd + [f.name, "--json"] + args, capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 0, "%s: %s\n%s" % (cmd[-1], p.stderr,
                                                               body.decode()[:3000]))
            out = json.loads(p.stdout)
        return out

    async def test_feed_instants_across_the_dst_gap(self):
        zurich = await self.meeting(title="Geneva weekly", start="2027-03-09T10:00",
                                    end="2027-03-09T13:00", rrule="FREQ=WEEKLY;COUNT=4",
                                    pillar="norms", location="Palais des Nations",
                                    video_url="https://meet.example.org/room-1")
        ny = await self.meeting(title="New York", tz="America/New_York",
                                start="2027-03-16T10:00", end="2027-03-16T12:00")
        change_day = await self.meeting(title="EU change day", start="2027-03-28T10:00",
                                         end="2027-03-28T11:00")
        # 10:00 in Geneva is 09:00Z before 28 March and 08:00Z after; New York
        # is already on EDT (UTC-4) on 16 March, three weeks before Europe.
        self.assertEqual(ny["start_at"], ms("2027-03-16T14:00Z"))
        self.assertEqual(change_day["start_at"], ms("2027-03-28T08:00Z"))
        status, headers, body = self.fetch()
        self.assertEqual(status, 200)
        self.assertIn("text/calendar", headers["content-type"])
        text = body.decode()
        self.assertIn("DTSTART;TZID=Europe/Zurich:20270309T100000", text)
        self.assertIn("BEGIN:VTIMEZONE", text)
        self.assertIn("TZID:America/New_York", text)
        self.assertIn("METHOD:PUBLISH", text)
        self.assertIn("CATEGORIES:norms", text.replace("\r\n ", ""))
        self.assertIn("CONFERENCE;", text)
        events = self.parse(
            body,
            "%s#0=2027-03-09T09:00Z/2027-03-09T12:00Z" % zurich["id"],
            "%s#1=2027-03-16T09:00Z" % zurich["id"],
            "%s#2=2027-03-23T09:00Z" % zurich["id"],
            "%s#3=2027-03-30T08:00Z/2027-03-30T11:00Z" % zurich["id"],
            "%s=2027-03-16T14:00Z/2027-03-16T16:00Z" % ny["id"],
            "%s=2027-03-28T08:00Z/2027-03-28T09:00Z" % change_day["id"])
        geneva = [e for e in events if e["summary"] == "Geneva weekly"][0]
        # the description gives the time in the delegation's own zone (Tokyo: 18:00)
        self.assertIn("Asia/Tokyo", geneva["description"])
        self.assertIn("18:00", geneva["description"])
        self.assertEqual(geneva["location"], "Palais des Nations")

    async def test_text_is_escaped_and_injection_refused(self):
        for field in ("title", "location"):
            args = dict(title="T", kind="thematic", format="virtual", tz="UTC",
                        start="2027-01-05T10:00", end="2027-01-05T11:00")
            args[field] = "Evil\r\nX-INJECT:1\r\nBEGIN:VALARM"
            r = await self.admin.err("meeting.create", "bad_request", **args)
            self.assertIn(field, r["error"]["message"])
        await self.admin.err("meeting.create", "bad_request", title="T", kind="thematic",
                              format="virtual", tz="UTC", start="2027-01-05T10:00",
                              end="2027-01-05T11:00",
                              video_url="https://x.example.org/\r\nX-INJECT:1")
        tricky = 'Norms, CBMs; "law" \\ cyber: 网络安全 — é'
        m = await self.meeting(title=tricky, location="Room; A, B\\C")
        events = self.parse(self.fetch()[2])
        ev = [e for e in events if e["uid"].startswith(m["id"])][0]
        self.assertEqual(ev["summary"], tricky)
        self.assertEqual(ev["location"], "Room; A, B\\C")

    async def test_updates_cancellations_etag(self):
        m = await self.meeting(title="Moving meeting")
        status, headers, body = self.fetch()
        etag = headers["etag"]
        self.assertIn("last-modified", {k.lower() for k in headers})
        self.assertEqual(self.fetch(headers={"If-None-Match": etag})[0], 304)
        moved = (await self.admin.ok("meeting.update", meeting=m["id"],
                                     start="2027-03-17T10:00", end="2027-03-17T12:00"))["meeting"]
        self.assertEqual(moved["sequence"], m["sequence"] + 1)
        status, headers2, body2 = self.fetch(headers={"If-None-Match": etag})
        self.assertEqual(status, 200)
        self.assertNotEqual(headers2["etag"], etag)
        ev = [e for e in self.parse(body2, "%s=2027-03-17T09:00Z/2027-03-17T11:00Z" % m["id"])
              if e["uid"].startswith(m["id"])][0]
        self.assertEqual(ev["sequence"], 1)
        uid = ev["uid"]
        cancelled = (await self.admin.ok("meeting.cancel", meeting=m["id"]))["meeting"]
        self.assertEqual(cancelled["status"], "cancelled")
        await self.admin.err("meeting.cancel", "conflict", meeting=m["id"])
        ev = [e for e in self.parse(self.fetch()[2]) if e["uid"] == uid][0]
        self.assertEqual(ev["status"], "CANCELLED")
        self.assertEqual(ev["sequence"], 2)
        # one meeting's calendar, and unknown keys
        status, _, one = self.fetch("/meetings/%s.ics?feed=%s" % (m["id"], self.feed))
        self.assertEqual(status, 200)
        self.assertEqual(len(self.parse(one)), 1)
        self.assertEqual(self.fetch("/meetings/%s.ics?feed=nope" % m["id"])[0], 404)
        self.assertEqual(self.fetch("/calendar/nope.ics")[0], 404)

    async def test_what_calendar_programs_expect(self):
        """RFC 7986 names and refresh, the ORGANIZER a PUBLISH needs, a reminder
        for who asks, HEAD, If-None-Match: *, and no 304 from a date that
        cannot tell a change in the same second."""
        import icalendar
        m = await self.meeting(title="Reminded meeting")
        status, headers, body = self.fetch()
        cal = icalendar.Calendar.from_ical(body)
        self.assertEqual(str(cal["NAME"]), "Plenary: Japan")
        refresh = cal["REFRESH-INTERVAL"]  # this icalendar has no type for it: text
        self.assertEqual((str(refresh), refresh.params["VALUE"]), ("PT1H", "DURATION"))
        self.assertEqual(str(cal["COLOR"]), "steelblue")
        ev = [c for c in cal.walk("VEVENT") if str(c["UID"]).startswith(m["id"] + "-")][0]
        self.assertTrue(str(ev["ORGANIZER"]).startswith("mailto:"))
        self.assertEqual(ev["ORGANIZER"].params["CN"], "Secretariat")
        self.assertEqual(list(ev.walk("VALARM")), [])
        # ?alarm=15: a reminder a quarter of an hour before, read by both parsers
        status, _, reminded = self.fetch("/calendar/%s.ics?alarm=15" % self.feed)
        self.assertEqual(status, 200)
        ev = [c for c in icalendar.Calendar.from_ical(reminded).walk("VEVENT")
              if str(c["UID"]).startswith(m["id"] + "-")][0]
        alarm = list(ev.walk("VALARM"))[0]
        self.assertEqual(alarm["TRIGGER"].dt, -datetime.timedelta(minutes=15))
        self.assertEqual(str(alarm["ACTION"]), "DISPLAY")
        self.parse(reminded)
        for bad in ("0", "x", "10081", "-5"):
            self.assertEqual(self.fetch("/calendar/%s.ics?alarm=%s" % (self.feed, bad))[0], 400)
        # HEAD: the GET's headers, no body
        req = urllib.request.Request(self.server.url("/calendar/%s.ics" % self.feed),
                                     method="HEAD")
        with urllib.request.urlopen(req, timeout=5) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["etag"], headers["etag"])
            self.assertEqual(int(r.headers["content-length"]), len(body))
            self.assertEqual(r.read(), b"")
        self.assertEqual(self.fetch(headers={"If-None-Match": "*"})[0], 304)
        # a copy dated in the second of the last change may not be the last
        status, _, _ = self.fetch(headers={"If-Modified-Since": headers["last-modified"]})
        self.assertEqual(status, 200)
        later = "Fri, 01 Jan 2100 00:00:00 GMT"
        self.assertEqual(self.fetch(headers={"If-Modified-Since": later})[0], 304)

    async def test_times_the_clocks_skip_or_pass_twice(self):
        """RFC 5545 3.3.5: a start in a gap is read with the offset before it,
        so it is moved to the time it really is, with a warning; one that
        happens twice is the first. The record, the feed and both readers agree."""
        r = await self.admin.ok("meeting.create", title="Gap", kind="thematic",
                                format="hybrid", tz="Europe/Zurich",
                                start="2027-03-28T02:30", end="2027-03-28T04:30")
        gap = r["meeting"]
        self.assertIn("start 2027-03-28T02:30 does not exist in Europe/Zurich", r["warning"])
        self.assertIn("2027-03-28T03:30", r["warning"])
        self.assertEqual(gap["start"], "2027-03-28T03:30")
        self.assertEqual(gap["start_at"], ms("2027-03-28T01:30Z"))
        r = await self.admin.ok("meeting.create", title="Twice", kind="thematic",
                                format="hybrid", tz="Europe/Zurich",
                                start="2027-10-31T02:30", end="2027-10-31T04:00")
        self.assertNotIn("warning", r)
        twice = r["meeting"]
        self.assertEqual(twice["start_at"], ms("2027-10-31T00:30Z"))  # the first 02:30
        self.parse(self.fetch()[2], "%s=2027-03-28T01:30Z/2027-03-28T02:30Z" % gap["id"],
                   "%s=2027-10-31T00:30Z/2027-10-31T03:00Z" % twice["id"])
        # an update into a gap says so too
        r = await self.admin.ok("meeting.update", meeting=twice["id"],
                                start="2027-03-28T02:15", end="2027-03-28T05:00")
        self.assertEqual(r["meeting"]["start"], "2027-03-28T03:15")
        self.assertIn("warning", r)

    async def test_recurrence_rules_that_make_sense(self):
        """A meeting repeats by the day at most; its rule produces its own start;
        the expansion is bounded; UNTIL is stored in UTC (a date or a local time
        converted in the meeting's zone). 2027-03-16 is a Tuesday."""
        base = dict(title="Series", kind="thematic", format="virtual", tz="Europe/Zurich",
                    start="2027-03-16T10:00", end="2027-03-16T11:00")
        for rule, why in [("FREQ=HOURLY;COUNT=5", "by the day"),
                          ("FREQ=MINUTELY;COUNT=5", "by the day"),
                          ("FREQ=WEEKLY;BYDAY=MO;COUNT=4", "own start"),
                          ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "own start"),
                          ("FREQ=WEEKLY;COUNT=5000", "COUNT"),
                          ("FREQ=WEEKLY;COUNT=3;UNTIL=20270401T000000Z", "RFC 5545"),  # libical refuses it
                          ("FREQ=WEEKLY;UNTIL=20270301T000000Z", "before"),
                          ("FREQ=WEEKLY;UNTIL=20470301T000000Z", "years"),
                          ("FREQ=FORTNIGHTLY", "RFC 5545")]:
            r = await self.admin.err("meeting.create", "bad_request", rrule=rule, **base)
            self.assertIn(why, r["error"]["message"], rule)
        ok = (await self.admin.ok("meeting.create", rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6",
                                  **base))["meeting"]
        self.assertIn("BYDAY=TU,TH", ok["rrule"])
        # a date UNTIL is the end of that day in Geneva, in UTC
        m = (await self.admin.ok("meeting.create", rrule="FREQ=WEEKLY;UNTIL=20270406",
                                 **base))["meeting"]
        self.assertIn("UNTIL=20270406T215900Z", m["rrule"])  # 23:59 in Geneva
        m = (await self.admin.ok("meeting.create", rrule="FREQ=DAILY;UNTIL=20270320T100000",
                                 **base))["meeting"]
        self.assertIn("UNTIL=20270320T090000Z", m["rrule"])
        # read alike: the third occurrence of the Tuesday-Thursday series
        self.parse(self.fetch()[2], "%s#2=2027-03-23T09:00Z" % ok["id"])

    async def test_import(self):
        ics = "\r\n".join([
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN",
            "BEGIN:VEVENT", "UID:a@test", "DTSTAMP:20270101T000000Z",
            "DTSTART;TZID=America/New_York:20270316T100000",
            "DTEND;TZID=America/New_York:20270316T120000",
            "SUMMARY:Imported briefing", "LOCATION:Conference Room 4",
            "END:VEVENT",
            "BEGIN:VEVENT", "UID:b@test", "DTSTAMP:20270101T000000Z",
            "DTSTART:20270401T130000Z", "DTEND:20270401T140000Z",
            "SUMMARY:Online consultation", "URL:https://meet.example.org/c",
            "END:VEVENT", "END:VCALENDAR", ""])
        r = await self.admin.ok("meeting.import", ics=ics)
        self.assertEqual(len(r["meetings"]), 2)
        a, b = r["meetings"]
        self.assertEqual((a["tz"], a["start"]), ("America/New_York", "2027-03-16T10:00"))
        self.assertEqual(a["start_at"], ms("2027-03-16T14:00Z"))
        self.assertEqual(b["start_at"], ms("2027-04-01T13:00Z"))
        self.assertEqual(b["video_url"], "https://meet.example.org/c")
        before = len((await self.admin.ok("meeting.list"))["meetings"])
        # an event that is not a meeting is skipped, and says why
        r = await self.admin.ok("meeting.import",
                                ics=ics.replace("America/New_York", "Mars/Olympus"))
        self.assertEqual([x["action"] for x in r["results"]], ["skip", "skip"])
        self.assertIn('DTSTART (line 7): unknown time zone "Mars/Olympus"',
                      r["results"][0]["reason"])
        self.assertIn("imported before as meeting %s" % b["id"], r["results"][1]["reason"])
        # a file that is malformed is refused whole
        for bad in [ics.replace("20270316T100000", "20270316T250000"),
                    ics.replace("20270316T100000", "20270230T100000"),
                    "this is not a calendar",
                    ics.replace("END:VCALENDAR", "")]:
            r = await self.admin.err("meeting.import", "bad_request", ics=bad)
        after = len((await self.admin.ok("meeting.list"))["meetings"])
        self.assertEqual(before, after)

    async def test_exports_of_outlook_thunderbird_and_custom_zones_import(self):
        """Zone names as real exporters write them (written here from the
        published formats, not copied from anyone's calendar): Outlook's
        Windows name with its own VTIMEZONE, Thunderbird's prefixed TZID, and
        a "Customized Time Zone" whose only meaning is its VTIMEZONE."""
        windows_vtz = ["BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time",
                       "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200",
                       "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                       "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T020000",
                       "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                       "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
                       "END:VTIMEZONE"]
        custom_vtz = ["BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD",
                      "DTSTART:16010101T000000", "TZOFFSETFROM:+0545", "TZOFFSETTO:+0545",
                      "END:STANDARD", "END:VTIMEZONE"]

        def event(uid, tzid, start, end):
            return ["BEGIN:VEVENT", "UID:%s" % uid, "DTSTAMP:20270101T000000Z",
                    "DTSTART;TZID=\"%s\":%s" % (tzid, start),
                    "DTEND;TZID=\"%s\":%s" % (tzid, end), "SUMMARY:%s" % uid, "END:VEVENT"]
        ics = "\r\n".join(
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook//EN",
             "METHOD:PUBLISH"] + windows_vtz + custom_vtz +
            event("outlook", "W. Europe Standard Time", "20270713T100000", "20270713T120000") +
            event("thunderbird", "/mozilla.org/20050126_1/Europe/Berlin", "20270714T100000",
                  "20270714T110000") +
            event("custom", "Customized Time Zone", "20270715T090000", "20270715T100000") +
            ["END:VCALENDAR", ""])
        r = await self.admin.ok("meeting.import", ics=ics)
        by = {m["title"]: m for m in r["meetings"]}
        self.assertEqual(by["outlook"]["tz"], "Europe/Berlin")  # CLDR's, through ICU
        self.assertEqual(by["outlook"]["start_at"], ms("2027-07-13T08:00Z"))
        self.assertEqual(by["thunderbird"]["tz"], "Europe/Berlin")
        self.assertEqual(by["thunderbird"]["start_at"], ms("2027-07-14T08:00Z"))
        # +05:45 all year: Nepal's offset, whatever the IANA name chosen
        self.assertEqual(by["custom"]["start_at"], ms("2027-07-15T03:15Z"))
        self.assertEqual(ZoneInfo(by["custom"]["tz"]).utcoffset(datetime.datetime(2027, 7, 15)),
                         datetime.timedelta(hours=5, minutes=45))
        self.assertEqual(by["custom"]["start"], "2027-07-15T09:00")

    async def test_programme_plan(self):
        r = await self.admin.ok("programme.plan", first_year=2028, years=5,
                                tz="America/New_York", location="UN Headquarters")
        kinds = [m["kind"] for m in r["meetings"]]
        # a review conference in the first year and four years on, two sessions a day
        self.assertEqual(kinds.count("review_conference"), 4)
        self.assertEqual(kinds.count("annual_meeting"), 6)
        for m in r["meetings"]:
            self.assertIn(m["start"][11:], ("10:00", "15:00"))
            self.assertEqual(m["tz"], "America/New_York")
            count = 10 if m["kind"] == "review_conference" else 5
            self.assertIn("COUNT=%d" % count, m["rrule"])
            self.assertEqual(datetime.date.fromisoformat(m["start"][:10]).weekday(), 0)
        self.parse(self.fetch()[2])
        await self.admin.err("programme.plan", "bad_request", first_year=2028, years=0,
                             tz="UTC")


def brute_force(zones, tz, date_from, date_to, duration_s, window, count):
    """Every 15-minute start on working days, the minutes each delegation
    spends outside its local window, ranked by (burden, outside, start)."""
    w0 = int(window[0][:2]) * 60 + int(window[0][3:])
    w1 = int(window[1][:2]) * 60 + int(window[1][3:])
    home = ZoneInfo(tz)
    slots = []
    day = datetime.date.fromisoformat(date_from)
    while day <= datetime.date.fromisoformat(date_to):
        if day.weekday() < 5:
            local = datetime.datetime.combine(day, datetime.time(0), home)
            start = local.astimezone(UTC)
            nxt = datetime.datetime.combine(day + datetime.timedelta(days=1),
                                            datetime.time(0), home).astimezone(UTC)
            while start < nxt:
                total, outside = 0, 0
                for z in zones:
                    minutes_out = 0
                    for k in range(duration_s // 60):
                        t = (start + datetime.timedelta(minutes=k)).astimezone(ZoneInfo(z))
                        m = t.hour * 60 + t.minute
                        if not (w0 <= m < w1):
                            minutes_out += 1
                    total += minutes_out
                    outside += minutes_out > 0
                slots.append((total, outside, int(start.timestamp() * 1000)))
                start += datetime.timedelta(minutes=15)
        day += datetime.timedelta(days=1)
    slots.sort()
    return slots[:count]


class Scheduling(ServerTest):
    async def test_suggest_matches_brute_force(self):
        admin = await Client.connect(self.server, self.server.admin_token)
        zones = ["Europe/Zurich", "America/New_York", "Asia/Tokyo", "Pacific/Fiji"]
        ids = []
        for i, z in enumerate(zones):
            d = await admin.ok("delegation.create", name="S%d" % i, kind="state", tz=z,
                               group="african")
            ids.append(d["delegation"]["id"])
        # the week of the US change (14 March 2027) and a window of 08:00-20:00
        args = dict(tz="Europe/Zurich", date_from="2027-03-12", date_to="2027-03-16",
                    duration_s=7200, delegations=ids, window=["08:00", "20:00"], count=8)
        r = await admin.ok("schedule.suggest", **args)
        want = brute_force(zones, "Europe/Zurich", "2027-03-12", "2027-03-16", 7200,
                           ["08:00", "20:00"], 8)
        got = [(s["burden"], len(s["outside"]), s["start"]) for s in r["slots"]]
        self.assertEqual(got, want)
        for s in r["slots"]:
            self.assertEqual(s["end"] - s["start"], 7200 * 1000)
            for o in s["outside"]:
                self.assertIn(o["delegation"], ids)
        # a series shares the burden: the plan's worst delegation carries no
        # more than the same slot taken three times would give it
        plan = await admin.ok("schedule.suggest", series=3, **args)
        self.assertEqual(len(plan["slots"]), 3)
        days = {datetime.datetime.fromtimestamp(s["start"] / 1000, ZoneInfo("Europe/Zurich"))
                .date() for s in plan["slots"]}
        self.assertEqual(len(days), 3)
        by = {b["delegation"]: b["burden"] for b in plan["burden_by_delegation"]}
        self.assertEqual(sum(by.values()), sum(s["burden"] for s in plan["slots"]))
        await admin.err("schedule.suggest", "bad_request", tz="Mars/Base", date_from="2027-03-12",
                        date_to="2027-03-16", duration_s=3600)
        await admin.err("schedule.suggest", "bad_request", tz="UTC", date_from="2027-03-32",
                        date_to="2027-03-16", duration_s=3600)


if __name__ == "__main__":
    main()
