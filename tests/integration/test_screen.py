"""The room's screen (issue 15, point 6) against the real server: a link of
its own, issued and revoked by whoever presides, that shows one meeting as
the room may see it and nothing else; a new link closes the screens on the
old one; the link survives kill -9 and is never sent to any client."""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import PLENARYD, Client, ProgrammeTest, Server, main  # noqa: E402


class Screen(ProgrammeTest):
    who = ["chair", "kenya", "au"]

    async def screen(self, token):
        s = await Client.connect(self.server)
        r = await s.call("hello", token=token)
        return s, r

    async def test_a_screen_shows_the_meeting_and_nothing_else(self):
        chair = self.c["chair"]
        link = await chair.ok("meeting.screen_link", meeting=self.mid)
        self.assertEqual(link["path"], "/projector.html?meeting=%s#screen=%s"
                         % (self.mid, link["token"]))
        s, hello = await self.screen(link["token"])
        self.assertTrue(hello["ok"], hello)
        self.assertEqual(hello["screen"], {"meeting": self.mid, "title": "Thematic meeting"})
        self.assertNotIn("participant", hello)
        st = (await s.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        for hidden in ("attendance", "ledger"):
            self.assertNotIn(hidden, st)
        self.assertFalse(st["presides"])
        # it hears the room's events, and is nobody's attendance
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        added = await s.event("queue.added")
        self.assertEqual(added["entry"]["delegation"]["name"], "Kenya")
        att = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertEqual(len(att["attendance"]), 3, att["attendance"])
        self.assertEqual([e for e in chair.seen if e.get("ev") == "presence"
                          and e["participant"] == self.mid], [])
        # nothing but its own meeting
        for op, args in [("floor.request", {"meeting": self.mid, "kind": "statement"}),
                         ("meeting.list", {}), ("delegation.list", {}),
                         ("procedure.list", {}), ("programme.sync", {"since": 0}),
                         ("meeting.stats", {"meeting": self.mid}),
                         ("meeting.screen_link", {"meeting": self.mid})]:
            r = await s.err(op, "forbidden", **args)
            self.assertIn("a screen may not", r["error"]["message"])
        other = (await self.admin.ok("meeting.create", title="Other", kind="other",
                                     format="virtual", tz="UTC", start="2027-04-01T10:00",
                                     end="2027-04-01T11:00"))["meeting"]
        await s.err("meeting.join", "forbidden", meeting=other["id"], presence="screen")
        await s.ok("meeting.sync", meeting=self.mid, since=0)
        # the link's event is never sent: not live, not by programme.sync
        sync = await self.admin.ok("programme.sync", since=0)
        self.assertEqual([e for e in sync["events"] if e["ev"].startswith("screen.")], [])
        for c in self.c.values():
            self.assertEqual([e for e in c.seen if str(e.get("ev")).startswith("screen.")], [])
        await s.close()

    async def test_only_whoever_presides_issues_and_revokes(self):
        await self.c["kenya"].err("meeting.screen_link", "forbidden", meeting=self.mid)
        await self.c["au"].err("meeting.screen_link", "forbidden", meeting=self.mid)
        r = await self.admin.ok("participant.invite", name="Other chair", role="chair",
                                delegation=self.admin.hello["delegation"]["id"])
        other = await Client.connect(self.server, r["token"])
        e = await other.err("meeting.screen_link", "forbidden", meeting=self.mid)
        self.assertIn("only the chair", e["error"]["message"])
        await other.err("meeting.screen_revoke", "forbidden", meeting=self.mid)
        await self.c["chair"].err("meeting.screen_revoke", "conflict", meeting=self.mid)
        await self.c["chair"].err("meeting.screen_link", "not_found", meeting="m99")
        await self.c["chair"].err("meeting.screen_link", "bad_request")
        # the secretariat presides every meeting
        await self.admin.ok("meeting.screen_link", meeting=self.mid)

    async def test_a_new_link_replaces_the_last_and_revoking_closes_it(self):
        chair = self.c["chair"]
        first = await chair.ok("meeting.screen_link", meeting=self.mid)
        s1, _ = await self.screen(first["token"])
        await s1.ok("meeting.join", meeting=self.mid, presence="screen")
        second = await chair.ok("meeting.screen_link", meeting=self.mid)
        code, _ = await s1.closed()
        self.assertEqual(code, 4001)
        _, r = await self.screen(first["token"])
        self.assertEqual(r["error"]["code"], "unauthenticated")
        s2, r = await self.screen(second["token"])
        self.assertTrue(r["ok"])
        # revoking one link leaves the participants' connections alone
        await chair.ok("meeting.screen_revoke", meeting=self.mid)
        code, _ = await s2.closed()
        self.assertEqual(code, 4001)
        _, r = await self.screen(second["token"])
        self.assertEqual(r["error"]["code"], "unauthenticated")
        await chair.ok("meeting.join", meeting=self.mid, presence="room")

    async def test_the_link_survives_a_crash_and_the_log_rebuilds(self):
        kept = await self.c["chair"].ok("meeting.screen_link", meeting=self.mid)
        revoked_meeting = (await self.admin.ok(
            "meeting.create", title="Revoked", kind="other", format="virtual", tz="UTC",
            start="2027-04-01T10:00", end="2027-04-01T11:00"))["meeting"]["id"]
        gone = await self.admin.ok("meeting.screen_link", meeting=revoked_meeting)
        await self.admin.ok("meeting.screen_revoke", meeting=revoked_meeting)
        self.server.stop(signal.SIGKILL)
        for tool in (["replay", "--db", self.server.db, "--check"],
                     ["verify", "--db", self.server.db]):
            out = subprocess.run([PLENARYD] + tool, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.server = Server(folder=self.server.dir).start()
        s, r = await self.screen(kept["token"])
        self.assertTrue(r["ok"], r)
        await s.ok("meeting.join", meeting=self.mid, presence="screen")
        _, r = await self.screen(gone["token"])
        self.assertEqual(r["error"]["code"], "unauthenticated")
        self.c = {}


if __name__ == "__main__":
    main()
