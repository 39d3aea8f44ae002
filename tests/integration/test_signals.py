"""Issue 14, point 5, against the real server: interpreters (a role with a
language) send signals from the booth (signal.send: slower, louder,
no_sound, pause_please) that reach at once the presiding sessions and the
sessions of whoever has the floor, nobody else; like presence they have no
seq and are not kept; one a second per interpreter; other roles are
forbidden."""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Client, ProgrammeTest, main, seq_events  # noqa: E402


class Signals(ProgrammeTest):
    async def test_from_the_booth_to_the_chair_and_the_speaker(self):
        admin = self.admin
        sec = admin.hello["delegation"]["id"]
        d = self.tokens["delegations"]
        # an interpreter has a language, and only an interpreter has one
        await admin.err("participant.invite", "bad_request", delegation=sec, name="Booth",
                        role="interpreter")
        await admin.err("participant.invite", "bad_request", delegation=d["Kenya"], name="K",
                        role="delegate", language="en")
        await admin.err("participant.invite", "bad_request", delegation=sec, name="Booth",
                        role="interpreter", language="French!")
        await admin.err("participant.invite", "bad_request", delegation=d["Kenya"],
                        name="Booth", role="interpreter", language="fr")
        inv = await admin.ok("participant.invite", delegation=sec, name="Booth F",
                             role="interpreter", language="fr")
        self.assertEqual(inv["participant"]["language"], "fr")
        booth = await Client.connect(self.server, inv["token"])
        self.assertEqual(booth.hello["participant"]["role"], "interpreter")
        self.assertEqual(booth.hello["participant"]["language"], "fr")
        m = self.mid
        await booth.err("signal.send", "conflict", meeting=m, signal="slower")
        st = (await booth.ok("meeting.join", meeting=m, presence="remote"))["state"]
        self.assertFalse(st["presides"])
        # interpreters listen; they do not ask for the floor
        await booth.err("floor.request", "forbidden", meeting=m, kind="statement")

        chair, kenya = self.c["chair"], self.c["kenya"]
        ke = await self.ask("kenya")
        await chair.ok("floor.next", meeting=m)
        seq_before = (await chair.ok("meeting.join", meeting=m, presence="room"))["state"]["seq"]
        for c in self.c.values():
            c.drain()
        r = await booth.ok("signal.send", meeting=m, signal="slower")
        self.assertEqual(r["sent_to"], 2)  # the chair's session and Kenya's
        for who in ("chair", "kenya"):
            ev = await self.c[who].event("signal")
            self.assertEqual(ev["signal"], "slower")
            self.assertEqual(ev["meeting"], m)
            self.assertEqual(ev["entry"], ke["id"])
            self.assertEqual(ev["from"], {"participant": inv["participant"]["id"],
                                          "name": "Booth F", "language": "fr"})
            self.assertNotIn("seq", ev)
        await asyncio.sleep(0.3)
        for who in ("japan", "brazil", "au", "viewer"):
            self.assertFalse([e for e in self.c[who].seen if e.get("ev") == "signal"], who)
        # one a second
        r = await booth.err("signal.send", "rate_limited", meeting=m, signal="louder")
        self.assertIn("one signal a second", r["error"]["message"])
        await asyncio.sleep(1.05)
        await booth.ok("signal.send", meeting=m, signal="no_sound")
        await self.c["kenya"].event("signal", signal="no_sound")
        await asyncio.sleep(1.05)
        await booth.err("signal.send", "bad_request", meeting=m, signal="faster")
        # other roles may not
        for who in ("chair", "kenya", "au", "viewer"):
            await self.c[who].err("signal.send", "forbidden", meeting=m, signal="slower")
        await admin.err("signal.send", "forbidden", meeting=m, signal="slower")
        # not kept: no seq taken, nothing in the log
        st = (await chair.ok("meeting.join", meeting=m, presence="room"))["state"]
        self.assertEqual(st["seq"], seq_before)
        log = await chair.ok("meeting.sync", meeting=m, since=0)
        self.assertFalse([e for e in log["events"] if e["ev"] == "signal"])
        self.assertFalse([e for e in seq_events(kenya) if e.get("ev") == "signal"])
        # with nobody on the floor, the chair alone hears the booth
        await chair.ok("floor.end", meeting=m)
        r = await booth.ok("signal.send", meeting=m, signal="pause_please")
        self.assertEqual(r["sent_to"], 1)
        ev = await chair.event("signal", signal="pause_please")
        self.assertIsNone(ev["entry"])


if __name__ == "__main__":
    main()
