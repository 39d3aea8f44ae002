"""Adjourning (issue 15, point 9) against the real server: the chair suspends
and resumes a meeting and closes it at its end; everyone joined hears it and
the state says it; what a suspended or closed meeting refuses, with a
message; no one loses time to a suspension; the speech on the floor at the
close goes on the record; and all of it survives kill -9."""

import csv
import io
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, Server, assert_consecutive, join_programme, main  # noqa: E402


class Adjourn(ProgrammeTest):
    who = ["chair", "kenya", "japan", "viewer"]

    async def state(self, who="chair"):
        return (await self.c[who].ok("meeting.join", meeting=self.mid,
                                     presence="remote" if who == "japan" else "room"))["state"]

    async def test_suspend_and_resume(self):
        chair, kenya = self.c["chair"], self.c["kenya"]
        self.assertEqual(self.c["viewer"].state["sitting"], "open")
        await self.ask("kenya")
        jp = await self.ask("japan", "question")
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("meeting.suspend", meeting=self.mid)
        for c in self.c.values():
            ev = await c.event("meeting.suspended")
            self.assertEqual(ev["meeting"], self.mid)
        st = await self.state("viewer")
        self.assertEqual(st["sitting"], "suspended")
        self.assertTrue(st["floor"]["paused"])
        spoken = st["floor"]["elapsed_ms"]
        # business waits for the resumption; tidying the list does not
        r = await self.c["japan"].err("floor.request", "conflict", meeting=self.mid,
                                      kind="right_of_reply")
        self.assertIn("suspended", r["error"]["message"])
        await chair.err("floor.next", "conflict", meeting=self.mid)
        await chair.err("floor.resume", "conflict", meeting=self.mid)
        await chair.err("item.open", "conflict", meeting=self.mid, item=self.stake)
        await chair.err("meeting.suspend", "conflict", meeting=self.mid)
        await kenya.err("meeting.resume", "forbidden", meeting=self.mid)
        await self.c["japan"].ok("floor.withdraw", meeting=self.mid, entry=jp["id"])
        await chair.ok("meeting.resume", meeting=self.mid)
        await kenya.event("meeting.resumed")
        st = await self.state()
        self.assertEqual((st["sitting"], st["floor"]["paused"]), ("open", True))
        self.assertEqual(st["floor"]["elapsed_ms"], spoken)  # no one lost time
        await chair.ok("floor.resume", meeting=self.mid)
        await chair.err("meeting.resume", "conflict", meeting=self.mid)
        for name, c in self.c.items():
            assert_consecutive(c, c.state["seq"], self.mid)

    async def test_close_at_the_end(self):
        chair = self.c["chair"]
        await self.ask("kenya")
        await self.ask("japan")
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("meeting.close", meeting=self.mid)
        await self.c["viewer"].event("meeting.closed")
        names = [e["ev"] for e in self.c["viewer"].seen if e.get("seq")]
        self.assertEqual(names[-3:], ["speech.ended", "floor.changed", "meeting.closed"])
        st = await self.state("viewer")
        self.assertEqual((st["sitting"], st["floor"]), ("closed", None))
        for who, op, args in [("japan", "floor.withdraw", {"entry": st["queue"][0]["id"]}),
                              ("kenya", "floor.request", {"kind": "point_of_order"}),
                              ("chair", "floor.next", {}), ("chair", "meeting.suspend", {}),
                              ("chair", "meeting.resume", {}), ("chair", "meeting.close", {}),
                              ("chair", "queue.open", {})]:
            r = await self.c[who].err(op, "conflict", meeting=self.mid, **args)
            self.assertIn("closed", r["error"]["message"])
        # the speech cut by the close is on the record
        _, _, body = self.server.http_get("/meetings/%s/record.data.csv?feed=%s"
                                          % (self.mid, self.tokens["kenya_feed"]))
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual([r["delegation_name"] for r in rows], ["Kenya"])

    async def test_the_sitting_survives_a_crash(self):
        chair = self.c["chair"]
        await self.ask("kenya")
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("meeting.suspend", meeting=self.mid)
        before = await self.state()
        self.server.stop(signal.SIGKILL)
        self.server = Server(folder=self.server.dir).start()
        self.c = await join_programme(self.server, self.meeting, self.tokens,
                                      who=["chair", "kenya"])
        st = self.c["kenya"].state
        self.assertEqual((st["sitting"], st["seq"]), ("suspended", before["seq"]))
        self.assertEqual(st["floor"]["elapsed_ms"], before["floor"]["elapsed_ms"])
        await self.c["kenya"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="question")
        await self.c["chair"].ok("meeting.resume", meeting=self.mid)
        await self.c["chair"].ok("meeting.close", meeting=self.mid)
        self.server.stop(signal.SIGKILL)
        self.server = Server(folder=self.server.dir).start()
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=["kenya"])
        self.assertEqual(self.c["kenya"].state["sitting"], "closed")


if __name__ == "__main__":
    main()
