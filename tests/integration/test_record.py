"""The record of speeches for people (issue 15, point 8) against the real
server: record.csv opens cleanly in a spreadsheet (UTF-8 with a byte order
mark, a header row), with items by title, delegations and groups by name,
ISO 8601 times in the meeting's zone and in UTC, durations as min:s; the
machine form stays at record.data.csv."""

import csv
import io
import os
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, main  # noqa: E402

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


class PeopleRecord(ProgrammeTest):
    who = ["chair", "kenya", "japan", "brazil"]

    async def test_a_record_people_read(self):
        chair = self.c["chair"]
        await self.ask("kenya", speaker="José Núñez-Côté")
        await self.ask("japan", "question")
        await self.ask("brazil", speaker="=HYPERLINK(\"x\")")
        await chair.ok("floor.next", meeting=self.mid)          # Kenya, in the room
        await chair.ok("floor.extend", meeting=self.mid, seconds=75)
        await chair.ok("floor.next", meeting=self.mid)          # Japan, called remotely
        await chair.ok("floor.next", meeting=self.mid)          # Japan never spoke; Brazil
        spoken = (await chair.ok("floor.end", meeting=self.mid))["speech"]
        status, headers, body = self.server.http_get(
            "/meetings/%s/record.csv?feed=%s" % (self.mid, self.tokens["kenya_feed"]))
        self.assertEqual(status, 200)
        self.assertIn("text/csv", headers["content-type"])
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"), body[:10])
        text = body.decode("utf-8-sig")
        self.assertNotIn("\ufeff", text)
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(rows[0].keys()), [
            "Agenda item", "Order", "Delegation", "Regional group", "Speaker", "On behalf of",
            "Kind", "Presence", "Requested (Europe/Zurich)", "Started (Europe/Zurich)",
            "Ended (Europe/Zurich)", "Started (UTC)", "Ended (UTC)", "Spoken (min:s)",
            "Allotted (min:s)", "Over time (min:s)"])
        self.assertEqual([r["Order"] for r in rows], ["1", "2", "3"])
        ke, jp, br = rows
        self.assertEqual((ke["Agenda item"], ke["Delegation"], ke["Regional group"],
                          ke["Speaker"], ke["Kind"], ke["Presence"]),
                         ("General", "Kenya", "African States", "José Núñez-Côté",
                          "Statement", "In the room"))
        self.assertEqual((jp["Kind"], jp["Presence"], jp["Regional group"]),
                         ("Question", "Remote", "Asia-Pacific States"))
        self.assertEqual(ke["Allotted (min:s)"], "6:15")   # 300 s and 75 more
        self.assertRegex(ke["Spoken (min:s)"], r"^0:0\d$")
        self.assertEqual(ke["Over time (min:s)"], "")
        # called but never spoke: no start, nothing spoken
        self.assertEqual((jp["Started (Europe/Zurich)"], jp["Started (UTC)"],
                          jp["Spoken (min:s)"]), ("", "", "0:00"))
        # a name a spreadsheet would run stays text
        self.assertTrue(br["Speaker"].startswith("'="), br["Speaker"])
        for r in (ke, br):
            for col in ("Requested (Europe/Zurich)", "Started (Europe/Zurich)",
                        "Ended (Europe/Zurich)", "Started (UTC)", "Ended (UTC)"):
                self.assertRegex(r[col], ISO, col)
            self.assertTrue(r["Ended (UTC)"].endswith("Z"))
        # the zone's time and the UTC one are the same instant, the speech's own
        ended = datetime.fromisoformat(br["Ended (Europe/Zurich)"])
        self.assertEqual(ended, datetime.fromisoformat(br["Ended (UTC)"].replace("Z", "+00:00")))
        self.assertEqual(int(ended.timestamp()), spoken["ended_at"] // 1000)
        self.assertEqual(ended.utcoffset(), datetime.fromtimestamp(
            spoken["ended_at"] / 1000, ZoneInfo("Europe/Zurich")).utcoffset())
        # the machine form is unchanged
        status, _, data = self.server.http_get(
            "/meetings/%s/record.data.csv?feed=%s" % (self.mid, self.tokens["kenya_feed"]))
        self.assertEqual(status, 200)
        machine = list(csv.DictReader(io.StringIO(data.decode())))
        self.assertEqual(machine[2]["ended_at"], str(spoken["ended_at"]))
        self.assertEqual(machine[0]["item"], self.general)
        self.assertEqual(self.server.http_get(
            "/meetings/%s/record.data.csv?feed=nosuchfeed" % self.mid)[0], 404)

    async def test_times_are_now_in_the_meeting_s_zone(self):
        chair = self.c["chair"]
        await self.ask("kenya")
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("floor.end", meeting=self.mid)
        _, _, body = self.server.http_get(
            "/meetings/%s/record.csv?feed=%s" % (self.mid, self.tokens["kenya_feed"]))
        row = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))[0]
        self.assertEqual(row["Allotted (min:s)"], "5:00")
        when = datetime.fromisoformat(row["Requested (Europe/Zurich)"])
        self.assertLess(abs(when - datetime.now(timezone.utc)).total_seconds(), 60)


if __name__ == "__main__":
    main()
