"""Every zone, every instant, every reader alike (issue 16): a weekly series
over three years in every IANA zone of Debian's tzdata that plenaryd knows,
in one feed, read by ical.js and Python icalendar through the feed's own
VTIMEZONEs, each occurrence's UTC instant checked against Python's zoneinfo.
Rendered once, parsed once per reader."""

import asyncio
import datetime
import json
import os
import subprocess
import tempfile
from zoneinfo import ZoneInfo, available_timezones

from harness import Client, ServerTest, main

HERE = os.path.dirname(os.path.abspath(__file__))
WEEKS = 160
FIRST = datetime.datetime(2027, 1, 4, 10, 0)  # a Monday, 10:00 local


class AllZones(ServerTest):
    async def test_every_zone_alike_in_every_reader(self):
        zones = sorted(z for z in available_timezones()
                       if not z.startswith(("posix", "right", "SystemV"))
                       and z not in ("localtime", "Factory"))
        admins = [await Client.connect(self.server, self.server.admin_token) for _ in range(12)]
        deleg = (await admins[0].ok("delegation.create", name="Japan", kind="state",
                                    tz="Asia/Tokyo", group="asia_pacific"))["delegation"]
        feed = (await admins[0].ok("participant.invite", delegation=deleg["id"], name="Sato",
                                   role="delegate"))["feed"]
        made, unknown = {}, []

        async def create(session, share):
            for i, z in enumerate(share):
                r = await session.call("meeting.create", title=z, kind="thematic",
                                       format="virtual", tz=z, start=FIRST.isoformat()[:16],
                                       end=(FIRST + datetime.timedelta(hours=1)).isoformat()[:16],
                                       rrule="FREQ=WEEKLY;COUNT=%d" % WEEKS)
                if r["ok"]:
                    made[r["meeting"]["id"]] = z
                elif "time zone" in r["error"]["message"]:
                    unknown.append(z)
                else:
                    raise AssertionError("%s: %s" % (z, r))
                if i % 25 == 24:
                    await asyncio.sleep(0.9)  # the rate limit
        await asyncio.gather(*[create(a, zones[k::len(admins)]) for k, a in enumerate(admins)])
        # libical reads the same tzdata: every name of it is a zone here (597 today)
        self.assertEqual(unknown, [])
        self.assertGreater(len(made), 500)
        status, _, body = self.server.http_get("/calendar/%s.ics" % feed)
        if status != 200:
            broken = [z for mid, z in made.items() if self.server.http_get(
                "/meetings/%s.ics?feed=%s" % (mid, feed))[0] != 200]
            self.fail("the feed is %d; the meetings that do not render: %s" % (status, broken))
        f = tempfile.NamedTemporaryFile(suffix=".ics", delete=False)
        f.write(body)
        f.close()
        want = {}
        for mid, z in made.items():
            want[mid] = [int((FIRST + datetime.timedelta(weeks=k)).replace(tzinfo=ZoneInfo(z))
                             .timestamp() * 1000) for k in range(WEEKS)]
        wrong = []
        for reader in (["/usr/bin/python3", os.path.join(HERE, "ical_check.py")],
                       ["node", os.path.join(HERE, "ical_check.mjs")]):
            p = subprocess.run(reader + [f.name, "--occurrences", str(WEEKS)],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(p.returncode, 0, "%s: %s" % (reader[-1], p.stderr[-2000:]))
            # icalendar must have read every zone by the feed's own rules
            self.assertNotIn("not buildable", p.stderr)
            got = json.loads(p.stdout.strip().splitlines()[-1])
            for uid, starts in got.items():
                mid = uid.split("-")[0]
                if starts != want[mid]:
                    k = next((i for i, (a, b) in enumerate(zip(starts, want[mid])) if a != b),
                             min(len(starts), WEEKS))
                    wrong.append("%s %s: week %d %s, zoneinfo %s" % (
                        os.path.basename(reader[-1]), made[mid], k,
                        starts[k] if k < len(starts) else "missing",
                        want[mid][k] if k < WEEKS else "-"))
        os.unlink(f.name)
        self.assertEqual(wrong, [], "%d zone readings differ, first: %s"
                         % (len(wrong), "\n".join(wrong[:15])))


if __name__ == "__main__":
    main()
