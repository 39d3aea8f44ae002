"""Issue 14, point 3, against the real server: the inscription deadline of
an item's list (queue.deadline), which closes the list by itself at that
instant, says why, survives kill -9 (a deadline that passed while the
server was down closes the list at start-up, as an event on the log), and
leaves the list closed until the chair reopens it; the protocol order of
policy order "protocol" by the ranks the secretariat sets
(participant.rank); and the rolling list of speakers as CSV
(GET /meetings/{id}/speakers.csv?item=...&feed=...)."""

import asyncio
import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, Server, join_programme, main  # noqa: E402


def now_ms():
    return int(time.time() * 1000)


class Deadline(ProgrammeTest):
    who = ["chair", "kenya", "japan"]

    async def test_the_list_closes_itself(self):
        chair, kenya = self.c["chair"], self.c["kenya"]
        # refusals, each naming what
        await kenya.err("queue.deadline", "forbidden", meeting=self.mid, item=self.general,
                        at=now_ms() + 60000)
        r = await chair.err("queue.deadline", "bad_request", meeting=self.mid,
                            item=self.general, at=now_ms() - 1000)
        self.assertIn("later than now", r["error"]["message"])
        await chair.err("queue.deadline", "bad_request", meeting=self.mid, item=self.general,
                        at="tomorrow")
        await chair.err("queue.deadline", "not_found", meeting=self.mid, item="i99",
                        at=now_ms() + 60000)
        at = now_ms() + 1200
        await chair.ok("queue.deadline", meeting=self.mid, item=self.general, at=at)
        ev = await kenya.event("queue.deadline")
        self.assertEqual((ev["item"], ev["deadline"]), (self.general, at))
        joined = await chair.ok("meeting.join", meeting=self.mid, presence="room")
        self.assertEqual(joined["state"]["deadline"], at)
        await self.ask("kenya")  # before the deadline: accepted
        closed = await kenya.event("queue.closed", timeout=5)
        self.assertEqual(closed["reason"], "deadline")
        self.assertGreaterEqual(closed["at"], at)
        self.assertLess(closed["at"], at + 1000)
        r = await self.c["japan"].err("floor.request", "conflict", meeting=self.mid,
                                      kind="statement")
        self.assertIn("closed", r["error"]["message"])
        # only the chair reopens it, and it stays open
        await kenya.err("queue.open", "forbidden", meeting=self.mid)
        await chair.ok("queue.open", meeting=self.mid)
        await asyncio.sleep(0.3)
        await self.ask("japan")
        # the chair's own close says so
        await chair.ok("queue.close", meeting=self.mid)
        self.assertEqual((await kenya.event("queue.closed", reason="chair"))["reason"], "chair")

    async def test_a_deadline_passed_while_down_closes_at_start(self):
        chair = self.c["chair"]
        at = now_ms() + 800
        await chair.ok("queue.deadline", meeting=self.mid, item=self.general, at=at)
        # a deadline on an item not open closes its list too
        await chair.ok("queue.deadline", meeting=self.mid, item=self.stake, at=at + 100)
        self.server.kill9()
        await asyncio.sleep(1.5)
        started = now_ms()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["chair"])
        chair = c["chair"]

        async def closed():
            r = await chair.ok("meeting.sync", meeting=self.mid, since=0)
            return [e for e in r["events"] if e["ev"] == "queue.closed"]
        for _ in range(50):
            got = await closed()
            if len(got) == 2:
                break
            await asyncio.sleep(0.1)
        self.assertEqual(sorted(e["item"] for e in got), sorted([self.general, self.stake]))
        for e in got:
            self.assertEqual(e["reason"], "deadline")
            self.assertGreaterEqual(e["at"], started)  # decided at start-up, not replayed
        state = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertTrue(state["list_closed"])
        self.assertIsNone(state["deadline"])
        # and a second restart replays the closing, it does not decide it again
        self.server.stop()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["chair"])
        await asyncio.sleep(0.3)
        r = await c["chair"].ok("meeting.sync", meeting=self.mid, since=0)
        self.assertEqual(len([e for e in r["events"] if e["ev"] == "queue.closed"]), 2)
        self.assertTrue(c["chair"].state["list_closed"])


class Protocol(ProgrammeTest):
    policy = {"order": "protocol"}

    async def test_ranks_order_the_list_and_the_rolling_list(self):
        admin, ids, chair = self.admin, self.tokens["ids"], self.c["chair"]
        await admin.err("participant.rank", "bad_request", participant=ids["japan"],
                        rank="emperor")
        await admin.err("participant.rank", "not_found", participant="p999", rank="minister")
        await self.c["kenya"].err("participant.rank", "forbidden", participant=ids["kenya"],
                                  rank="head_of_state_or_government")
        r = await admin.ok("participant.rank", participant=ids["japan"],
                           rank="head_of_state_or_government")
        self.assertEqual(r["rank"], "head_of_state_or_government")
        await admin.ok("participant.rank", participant=ids["brazil"], rank="minister")
        ke = await self.ask("kenya")              # a delegate, by default
        br = await self.ask("brazil", "question")  # a minister
        poo = await self.ask("kenya", "point_of_order")
        jp = await self.ask("japan")              # a head of State, asked last
        self.assertEqual((ke["rank"], br["rank"], jp["rank"]),
                         ("delegate", "minister", "head_of_state_or_government"))
        self.assertNotIn("rank", poo)
        state = await self.state()
        self.assertEqual([e["id"] for e in state["queue"]],
                         [poo["id"], jp["id"], br["id"], ke["id"]])
        # the rolling list: who spoke, who speaks, who is inscribed
        await chair.ok("queue.remove", meeting=self.mid, entry=poo["id"])
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("floor.next", meeting=self.mid)
        feed = self.tokens["viewer_feed"]
        status, headers, body = self.server.http_get(
            "/meetings/%s/speakers.csv?item=%s&feed=%s" % (self.mid, self.general, feed))
        self.assertEqual(status, 200)
        self.assertIn("text/csv", {k.lower(): v for k, v in headers.items()}.get("content-type", ""))
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual([(r["position"], r["status"], r["entry"]) for r in rows],
                         [("1", "called", jp["id"]), ("2", "speaking", br["id"]),
                          ("3", "inscribed", ke["id"])])
        self.assertEqual(rows[2]["rank"], "delegate")
        self.assertEqual(rows[0]["delegation_name"], "Japan")
        # the open item by default; an unknown item or no feed key is not found
        status, _, body2 = self.server.http_get(
            "/meetings/%s/speakers.csv?feed=%s" % (self.mid, feed))
        rows2 = list(csv.DictReader(io.StringIO(body2.decode())))
        self.assertEqual(status, 200)
        self.assertEqual([r["entry"] for r in rows2], [r["entry"] for r in rows])
        # the one speaking: what they have spoken so far, growing
        self.assertGreaterEqual(int(rows2[1]["spoken_ms"]), int(rows[1]["spoken_ms"]))
        self.assertEqual(self.server.http_get(
            "/meetings/%s/speakers.csv?item=i99&feed=%s" % (self.mid, feed))[0], 404)
        self.assertEqual(self.server.http_get(
            "/meetings/%s/speakers.csv?item=%s" % (self.mid, self.general))[0], 404)
        # the ranks are programme data: kept across a restart
        self.server.kill9()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["kenya"])
        await c["kenya"].ok("floor.withdraw", meeting=self.mid, entry=ke["id"])
        again = (await c["kenya"].ok("floor.request", meeting=self.mid,
                                     kind="statement"))["entry"]
        self.assertEqual(again["rank"], "delegate")

    async def state(self):
        return (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                         presence="room"))["state"]


if __name__ == "__main__":
    main()
