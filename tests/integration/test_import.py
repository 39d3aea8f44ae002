#!/usr/bin/env python3
"""meeting.import with files shaped as Google Calendar, Outlook / Exchange and
Apple Calendar export them (tests/fixtures/ics/, written from the published
formats): each event created, updated or skipped and why; a dry run that
changes nothing; a second import that creates nothing twice; a higher
SEQUENCE that updates; and the series written back into the feed, whose
occurrences ical.js and icalendar read as Python's zoneinfo computes them."""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, ServerTest, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "fixtures", "ics")
UTC = datetime.timezone.utc


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def local_ms(local, tz):
    return int(datetime.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
               .timestamp() * 1000)


def corpus(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8", newline="") as f:
        return f.read()


def offsets(tz, *when):
    z = ZoneInfo(tz)
    return [z.utcoffset(datetime.datetime.fromisoformat(w)) for w in when]


class Import(ServerTest):
    async def asyncSetUp(self):
        self.admin = await Client.connect(self.server, self.server.admin_token)
        d = (await self.admin.ok("delegation.create", name="Kenya", kind="state",
                                 tz="Africa/Nairobi", group="african"))["delegation"]
        self.feed = (await self.admin.ok("participant.invite", delegation=d["id"],
                                         name="Wanjiru", role="delegate"))["feed"]

    async def meeting(self, mid):
        return [m for m in (await self.admin.ok("meeting.list"))["meetings"]
                if m["id"] == mid][0]

    async def count(self):
        return len((await self.admin.ok("meeting.list"))["meetings"])

    def occurrences(self, n):
        """{UID prefix (the meeting id): [UTC ms]} of the feed, as each reader reads it."""
        status, _, body = self.server.http_get("/calendar/%s.ics" % self.feed)
        self.assertEqual(status, 200)
        f = tempfile.NamedTemporaryFile(suffix=".ics", delete=False)
        f.write(body)
        f.close()
        seen = []
        for cmd in (["/usr/bin/python3", os.path.join(HERE, "ical_check.py")],
                    ["node", os.path.join(HERE, "ical_check.mjs")]):
            p = subprocess.run(cmd + [f.name, "--occurrences", str(n)], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 0, "%s: %s\n%s" % (cmd[-1], p.stderr,
                                                               body.decode()[:4000]))
            seen.append({uid.split("-")[0]: v for uid, v in json.loads(p.stdout).items()})
        os.unlink(f.name)
        self.assertEqual(seen[0], seen[1], "icalendar and ical.js disagree")
        return seen[0]

    async def test_google(self):
        ics = corpus("google.ics")
        before = await self.count()
        dry = await self.admin.ok("meeting.import", ics=ics, dry_run=True)
        self.assertTrue(dry["dry_run"])
        self.assertEqual(dry["counts"], {"created": 3 - 1, "updated": 0, "skipped": 1})
        self.assertEqual(await self.count(), before)  # a dry run changes nothing
        r = await self.admin.ok("meeting.import", ics=ics)
        self.assertEqual([x["action"] for x in r["results"]], ["create", "skip", "create"])
        for a, b in zip(dry["results"], r["results"]):
            self.assertEqual((a["action"], a["title"]), (b["action"], b["title"]))
        skipped = r["results"][1]
        self.assertEqual(skipped["title"], "Deadline for written submissions")
        self.assertIn("event 3, DTSTART (line 62): an all-day event", skipped["reason"])
        series, briefing = r["meetings"]
        self.assertEqual(series["tz"], "America/New_York")
        self.assertEqual(series["location"], "Conference Room 1, UN Headquarters")
        self.assertEqual(series["exdate"], ["2027-03-15T10:00"])
        self.assertEqual(series["moved"], [{"of": "2027-03-22T10:00",
                                            "start": "2027-03-23T15:00",
                                            "end": "2027-03-23T18:00"}])
        self.assertEqual(series["import_uid"], "3k9s0v0d4q7b8n1m2c5x6z7a8s@google.com")
        self.assertEqual(series["import_sequence"], 2)
        self.assertEqual(briefing["tz"], "UTC")
        # the feed: eight Mondays from 1 March, less 15 March, 22 March on Tuesday 23rd
        mondays = ["2027-03-01", "2027-03-08", "2027-03-29", "2027-04-05", "2027-04-12",
                   "2027-04-19"]
        want = sorted([local_ms(d + "T10:00", "America/New_York") for d in mondays] +
                      [local_ms("2027-03-23T15:00", "America/New_York")])
        self.assertEqual(self.occurrences(7)[series["id"]], want)

        # again: nothing twice
        again = await self.admin.ok("meeting.import", ics=ics)
        self.assertEqual(again["counts"], {"created": 0, "updated": 0, "skipped": 3})
        self.assertIn("imported before as meeting %s" % series["id"],
                      again["results"][0]["reason"])
        self.assertEqual(await self.count(), before + 2)

        # the organizer moved the series on and excluded another Monday
        changed = ics.replace("SEQUENCE:2", "SEQUENCE:3").replace(
            "EXDATE;TZID=America/New_York:20270315T100000",
            "EXDATE;TZID=America/New_York:20270315T100000,20270412T100000")
        dry = await self.admin.ok("meeting.import", ics=changed, dry_run=True)
        self.assertEqual(dry["counts"], {"created": 0, "updated": 1, "skipped": 2})
        self.assertEqual((await self.meeting(series["id"]))["exdate"], ["2027-03-15T10:00"])
        up = await self.admin.ok("meeting.import", ics=changed)
        self.assertEqual(up["results"][0]["action"], "update")
        m = up["results"][0]["meeting"]
        self.assertEqual(m["id"], series["id"])
        self.assertEqual(m["exdate"], ["2027-03-15T10:00", "2027-04-12T10:00"])
        self.assertEqual(m["sequence"], series["sequence"] + 1)
        self.assertEqual(m["import_sequence"], 3)
        self.assertEqual(await self.count(), before + 2)
        want.remove(local_ms("2027-04-12T10:00", "America/New_York"))
        self.assertEqual(self.occurrences(6)[series["id"]], want)

        # all of it is in the log: it rebuilds, and a restart knows what came in
        self.assert_log_rebuilds()
        self.admin = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual(await self.meeting(series["id"]), m)
        again = await self.admin.ok("meeting.import", ics=changed)
        self.assertEqual(again["counts"], {"created": 0, "updated": 0, "skipped": 3})

    async def test_outlook(self):
        r = await self.admin.ok("meeting.import", ics=corpus("outlook.ics"))
        self.assertEqual([x["action"] for x in r["results"]], ["create", "create"])
        wg, pocs = r["meetings"]
        # Exchange's display name matched through its own VTIMEZONE: the EU's rules
        self.assertEqual(offsets(wg["tz"], "2027-01-15T12:00", "2027-07-15T12:00"),
                         [datetime.timedelta(hours=1), datetime.timedelta(hours=2)])
        self.assertEqual(wg["start_at"], ms("2027-06-14T08:00Z"))
        self.assertEqual(wg["rrule"], "FREQ=DAILY;UNTIL=20270618T080000Z")
        # the EXDATE, and the occurrence cancelled by its own event
        self.assertEqual(wg["exdate"], ["2027-06-16T10:00", "2027-06-17T10:00"])
        self.assertEqual(wg["location"], "Palais des Nations")
        self.assertEqual(pocs["title"], "R\u00e9union des points de contact \u2014 \u00e9change")
        self.assertEqual(pocs["tz"], "Europe/Berlin")  # W. Europe Standard Time, by CLDR
        self.assertIsNone(pocs["video_url"])
        self.assertIn("URL over http is not kept", r["results"][1]["note"])
        got = self.occurrences(5)[wg["id"]]
        self.assertEqual(got, [ms("2027-06-%02dT08:00Z" % d) for d in (14, 15, 18)])

    async def test_apple(self):
        r = await self.admin.ok("meeting.import", ics=corpus("apple.ics"))
        self.assertEqual([x["action"] for x in r["results"]], ["create", "create", "skip"])
        self.assertIn("floating", r["results"][2]["reason"])
        workshop, retreat = r["meetings"]
        self.assertEqual(workshop["rdate"], ["2027-09-20T09:00"])
        got = self.occurrences(4)[workshop["id"]]
        self.assertEqual(got, [local_ms(d, "Asia/Tokyo") for d in (
            "2027-09-06T09:00", "2027-09-20T09:00", "2027-10-06T09:00", "2027-11-06T09:00")])
        # two days from 14:00 BST on 30 October are 14:00 GMT on 1 November
        self.assertEqual(retreat["end"], "2027-11-01T14:00")
        self.assertEqual(retreat["end_at"], ms("2027-11-01T14:00Z"))

    async def test_dates_of_a_series_through_the_ops(self):
        args = dict(title="Series", kind="thematic", format="hybrid", tz="Europe/Zurich",
                    start="2027-03-01T10:00", end="2027-03-01T12:00")
        r = await self.admin.err("meeting.create", "bad_request", exdate=["2027-03-08T10:00"],
                                 **args)
        self.assertIn("needs an 'rrule' or an 'rdate'", r["error"]["message"])
        r = await self.admin.err("meeting.create", "bad_request", rrule="FREQ=WEEKLY;COUNT=4",
                                 exdate=["2027-03-08T10:00", "2027-03-08T10:00"], **args)
        self.assertIn("2027-03-08T10:00 is given twice", r["error"]["message"])
        r = await self.admin.err("meeting.create", "bad_request", rrule="FREQ=WEEKLY;COUNT=4",
                                 moved=[{"of": "2027-03-08T10:00", "start": "2027-03-09T10:00",
                                         "end": "2027-03-09T09:00"}], **args)
        self.assertIn("'moved', entry 1: must end after it starts", r["error"]["message"])
        m = (await self.admin.ok("meeting.create", rrule="FREQ=WEEKLY;COUNT=4",
                                 exdate=["2027-03-15T10:00", "2027-03-08T10:00"],
                                 moved=[{"of": "2027-03-22T10:00", "start": "2027-03-29T10:00",
                                         "end": "2027-03-29T12:00"}], **args))["meeting"]
        self.assertEqual(m["exdate"], ["2027-03-08T10:00", "2027-03-15T10:00"])  # sorted
        # 29 March is after the change to summer time: 08:00Z, where 1 March is 09:00Z
        self.assertEqual(self.occurrences(4)[m["id"]],
                         [ms("2027-03-01T09:00Z"), ms("2027-03-29T08:00Z")])
        m = (await self.admin.ok("meeting.update", meeting=m["id"], exdate=[],
                                 moved=[]))["meeting"]
        self.assertNotIn("exdate", m)
        self.assertEqual(len(self.occurrences(4)[m["id"]]), 4)

    def post(self, ics, token, path="/meetings/import", ctype="text/calendar", length=None):
        body = ics.encode() if isinstance(ics, str) else ics
        req = urllib.request.Request(self.server.url(path), data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": ctype})
        if length is not None:
            req.add_header("Content-Length", str(length))
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = e.read()
            # a refusal before the op (the door's 411, 413) is text, the op's is JSON
            return e.code, (json.loads(body) if body.startswith(b"{") else {"text": body})

    async def test_a_file_larger_than_a_frame_is_posted(self):
        """600 events, some 190 KB: more than a WebSocket frame may carry."""
        events = "".join(
            "BEGIN:VEVENT\r\nUID:big-%d@test\r\nDTSTAMP:20270101T000000Z\r\n"
            "DTSTART:20270301T%02d0000Z\r\nDURATION:PT1H\r\nSUMMARY:Consultation %d "
            "with a title long enough to take some room in the file\r\n"
            "DESCRIPTION:%s\r\nEND:VEVENT\r\n" % (i, i % 20, i, "x" * 150)
            for i in range(600))
        ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n%sEND:VCALENDAR\r\n" % events
        self.assertGreater(len(ics), 150 * 1024)
        before = await self.count()
        token = self.server.admin_token
        status, r = self.post(ics, token, "/meetings/import?dry_run=1")
        self.assertEqual(status, 200, r)
        self.assertEqual((r["dry_run"], r["counts"]["created"]), (True, 600))
        self.assertEqual(await self.count(), before)
        status, r = self.post(ics, token)
        self.assertEqual(status, 200, r)
        self.assertEqual(r["counts"], {"created": 600, "updated": 0, "skipped": 0})
        self.assertEqual(await self.count(), before + 600)
        # the same file again: nothing twice
        status, r = self.post(ics, token)
        self.assertEqual(r["counts"]["skipped"], 600)
        # refusals, each changing nothing
        status, r = self.post(ics, "not-a-token")
        self.assertEqual((status, r["error"]["code"]), (401, "unauthenticated"))
        status, r = self.post(ics, token, ctype="application/json")
        self.assertEqual(status, 415)
        status, r = self.post(b"x" * 16, token, length=5 * 1024 * 1024)
        self.assertEqual(status, 413)
        status, r = self.post("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", token)
        self.assertEqual((status, r["error"]["code"]), (400, "bad_request"))
        self.assertIn("no VEVENT", r["error"]["message"])
        kenya = (await self.admin.ok("participant.list"))["participants"]
        invite = await self.admin.ok("participant.invite", delegation=kenya[-1]["delegation"],
                                     name="Otieno", role="delegate")
        status, r = self.post(ics, invite["token"])
        self.assertEqual((status, r["error"]["code"]), (403, "forbidden"))
        self.assertEqual(await self.count(), before + 600)

    async def test_malformed_file_changes_nothing(self):
        before = await self.count()
        bad = corpus("google.ics").replace("20270405T140000Z", "20270405T250000Z")
        r = await self.admin.err("meeting.import", "bad_request", ics=bad)
        self.assertIn("event 4, DTSTART (line 74): not a real date", r["error"]["message"])
        self.assertEqual(await self.count(), before)


if __name__ == "__main__":
    main()
