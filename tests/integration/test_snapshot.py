"""Snapshots of the room (issue 20, part 5): with --snapshot-every 7 the
commit path keeps the room every seven events of the meeting's stream, in
the transaction of the event that reaches the count, and only the newest
two. After many changes and kill -9 the restarted server holds exactly the
state it had (meeting.join before and after), from the snapshot and the
events after it; `plenaryd replay --check` replays the whole log and finds
every snapshot equal to the room at its seq. The same state comes back with
the snapshots deleted (the whole stream replayed), and with the newest one
damaged (ignored, with a log line, the one before it used). A follower of a
cluster writes the same snapshots as it rebuilds each change, and restarts
from them."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import shutil
import time
import unittest

from harness import (PLENARYD, Client, Nats, ProgrammeTest, Server,  # noqa: E402
                     join_programme, main, metric, seq_events, setup_programme)

EVERY = 7
ARGS = ("--snapshot-every", str(EVERY))
VOLATILE = ("server_time", "attendance", "presides", "ledger", "screen_link")


def durable(state):
    return {k: v for k, v in state.items() if k not in VOLATILE}


class Snapshots(ProgrammeTest):
    server_args = ARGS
    who = ["chair", "kenya", "japan", "brazil", "au"]

    def db(self, sql, *args):
        with sqlite3.connect(self.server.db) as db:
            return db.execute(sql, args).fetchall()

    async def state(self):
        return (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                         presence="room"))["state"]

    async def restart(self, sig=signal.SIGKILL, before_start=None):
        for c in self.c.values():
            await c.close()
        self.server.stop(sig)
        if before_start:
            before_start()
        self.server = Server(*ARGS, folder=self.server.dir).start()
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=self.who)
        return self.c["chair"].state

    def replay_check(self):
        out = subprocess.run([PLENARYD, "replay", "--db", self.server.db, "--check"],
                             capture_output=True, text=True, timeout=60)
        return out.returncode, out.stdout + out.stderr

    async def next_speaking(self):
        """The next speaker has the floor and speaks (a remote one is called
        first: the chair starts them)."""
        r = await self.c["chair"].ok("floor.next", meeting=self.mid)
        if r.get("floor", {}).get("phase") == "calling" or "floor" not in r:
            st = await self.state()
            if st["floor"]["phase"] == "calling":
                await self.c["chair"].ok("floor.start", meeting=self.mid)

    async def many_changes(self, rounds):
        """Every kind of change the floor makes, round after round; the
        agenda's second item open at the end, with a speaker paused."""
        for i in range(rounds):
            ke = await self.ask("kenya")
            jp = await self.ask("japan", "question", speaker="Mr Tanaka %d" % i)
            if i < 2:  # two rights of reply per item
                await self.ask("brazil", "right_of_reply")
            await self.c["chair"].ok("queue.move", meeting=self.mid, entry=jp["id"],
                                     position=0)
            await self.next_speaking()
            await self.c["chair"].ok("floor.extend", meeting=self.mid, seconds=10)
            await self.c["chair"].ok("floor.pause", meeting=self.mid)
            await self.c["chair"].ok("floor.resume", meeting=self.mid)
            await self.c["chair"].ok("floor.end", meeting=self.mid)
            await self.c["kenya"].ok("floor.withdraw", meeting=self.mid, entry=ke["id"])
            if i % 3 == 2:
                await self.c["chair"].ok("queue.close", meeting=self.mid)
                await self.c["chair"].ok("queue.open", meeting=self.mid)
            await asyncio.sleep(0.4)  # within the chair's 30 requests a second
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.stake)
        await self.ask("au")
        await self.ask("kenya")
        await self.next_speaking()
        await self.c["chair"].ok("floor.pause", meeting=self.mid)

    async def test_restart_from_snapshot(self):
        await self.many_changes(12)
        # a record change after the newest snapshot (meeting.changed on the
        # stream): the room must follow its policy after the restart, as
        # the live room does. Two events at a time until neither it nor the next
        # event completes a snapshot (closing and opening the list: two).
        seq = (await self.state())["seq"]
        while (seq + 1) % EVERY == 0 or (seq + 2) % EVERY == 0:
            await self.c["chair"].ok("queue.close", meeting=self.mid)
            await self.c["chair"].ok("queue.open", meeting=self.mid)
            seq += 2
        await self.admin.ok("meeting.update", meeting=self.mid, location="Room XX",
                            policy={"statement_s": 123})
        await self.ask("japan")
        before = await self.state()
        self.assertEqual(before["seq"], seq + 2)
        last = before["seq"]
        self.assertGreater(last, 10 * EVERY)
        snaps = self.db("SELECT seq FROM snapshots WHERE stream = ? ORDER BY seq", self.mid)
        # the newest two, each at the end of the change that crossed a multiple
        self.assertEqual(len(snaps), 2)
        newest = snaps[-1][0]
        self.assertGreater(newest, last - EVERY - 2)  # a change makes at most 3 here
        self.assertLess(snaps[0][0], newest)
        self.assertLess(newest, seq + 1)  # taken before the update

        after = await self.restart()
        self.assertEqual(durable(after), durable(before))
        self.assertNotIn("snapshot.ignored", self.server.read_log())
        # the rules go on from there: the new policy, the next seq
        e = await self.ask("brazil")
        self.assertEqual(e["allotted_ms"], 123000)
        ev = await self.c["kenya"].wait_for(lambda: seq_events(self.c["kenya"], self.mid))
        self.assertEqual(ev[0]["seq"], last + 1)
        state = await self.state()

        for c in self.c.values():
            await c.close()
        self.server.stop()
        code, out = self.replay_check()
        self.assertEqual(code, 0, out)
        self.assertIn("the snapshots agree with the log: 2,", out)

        # without snapshots: the whole stream, the same state
        def drop():
            self.db("DELETE FROM snapshots")
        self.server.start()
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=self.who)
        again = await self.restart(signal.SIGKILL, before_start=drop)
        self.assertEqual(durable(again), durable(state))
        self.assertEqual(self.db("SELECT count(*) FROM snapshots"), [(0,)])

    async def test_damaged_snapshot_is_ignored(self):
        await self.many_changes(6)
        before = await self.state()
        newest, older = [r[0] for r in self.db(
            "SELECT seq FROM snapshots WHERE stream = ? ORDER BY seq DESC", self.mid)]

        def damage():
            self.db("UPDATE snapshots SET body = '{\"snapshot\": 99}' WHERE seq = ?", newest)
        after = await self.restart(before_start=damage)
        self.assertEqual(durable(after), durable(before))
        log = self.server.read_log()
        self.assertIn("snapshot.ignored", log)
        self.assertIn("version 99", log)
        # replay --check names the snapshot that is not the log's room
        for c in self.c.values():
            await c.close()
        self.server.stop()
        code, out = self.replay_check()
        self.assertEqual(code, 1, out)
        self.assertIn("snapshot: %s at seq %d" % (self.mid, newest), out)

        # every snapshot unreadable: the whole stream, still the same state
        def damage_all():
            self.db("UPDATE snapshots SET body = 'not json'")
        self.server.start()
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=self.who)
        again = await self.restart(before_start=damage_all)
        self.assertEqual(durable(again), durable(before))
        self.assertGreater(self.server.read_log().count("snapshot.ignored"), 2)
        self.assertGreater(newest, older)


@unittest.skipUnless(shutil.which("nats-server"), "nats-server is not installed")
class Follower(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.nats = Nats().start()
        self.a = Server(*ARGS, "--cluster", self.nats.url, "--node", "a").start()
        self.b = Server(*ARGS, "--cluster", self.nats.url, "--node", "b").start()

    def tearDown(self):
        for s in (self.a, self.b):
            s.stop()
        self.nats.stop()

    def snapshots(self, server):
        with sqlite3.connect(server.db) as db:
            return db.execute("SELECT stream, seq, room_events, body FROM snapshots"
                              " ORDER BY stream, seq").fetchall()

    async def join(self, server, token, mid):
        c = await Client.connect(server, token)
        return c, (await c.ok("meeting.join", meeting=mid, presence="room"))["state"]

    async def test_follower_snapshots_and_restarts_from_them(self):
        admin, meeting, tokens = await setup_programme(self.a)
        mid = meeting["id"]
        chair = await Client.connect(self.a, tokens["chair"])
        kenya = await Client.connect(self.a, tokens["kenya"])
        for c in (chair, kenya):
            await c.ok("meeting.join", meeting=mid, presence="room")
        for i in range(8):
            await kenya.ok("floor.request", meeting=mid, kind="statement")
            await chair.ok("floor.next", meeting=mid)
            await chair.ok("floor.pause", meeting=mid)
            await chair.ok("floor.resume", meeting=mid)
            await chair.ok("floor.end", meeting=mid)
            await asyncio.sleep(0.2)
        await kenya.ok("floor.request", meeting=mid, kind="statement")
        _, before = await self.join(self.a, tokens["chair"], mid)
        deadline = time.time() + 10
        while metric(self.b, "plenary_cluster_applied") != metric(self.a, "plenary_cluster_applied"):
            self.assertLess(time.time(), deadline, "b fell behind")
            await asyncio.sleep(0.05)
        self.b.stop()
        # the follower made the leader's snapshots, byte for byte, and they agree
        self.assertEqual(self.snapshots(self.b), self.snapshots(self.a))
        self.assertEqual(len([r for r in self.snapshots(self.b) if r[0] == mid]), 2)
        out = subprocess.run([PLENARYD, "replay", "--db", self.b.db, "--check"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("the snapshots agree with the log: 2,", out.stdout)
        # started again, b loads its snapshot and holds the meeting as a does
        self.b.start()
        _, after = await self.join(self.b, tokens["chair"], mid)
        self.assertNotIn("snapshot.ignored", self.b.read_log())
        for k in ("server_time", "attendance", "presides", "ledger", "screen_link"):
            before.pop(k, None)
            after.pop(k, None)
        self.assertEqual(after, before)


if __name__ == "__main__":
    main()
