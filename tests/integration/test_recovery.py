"""kill -9 and restart on the same database (issue 3): meeting.join returns
exactly the last committed state (queue, floor with its phase and clock,
current item, list closed) and seq goes on without a gap or a repeat; every
request that got an ok reply before the crash is in the state after it."""

import asyncio
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Client, ProgrammeTest, Server, assert_consecutive,  # noqa: E402
                     join_programme, main, seq_events)

# server_time moves; attendance and presides are the session's own view
# presides, attendance, ledger and screen_link are each session's own
VOLATILE = ("server_time", "attendance", "presides", "ledger", "screen_link")


def durable(state):
    return {k: v for k, v in state.items() if k not in VOLATILE}


class Recovery(ProgrammeTest):
    who = ["chair", "kenya", "japan", "brazil", "au"]

    async def chair_state(self):
        return (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                         presence="room"))["state"]

    async def restart(self, sig=signal.SIGKILL):
        self.server.stop(sig)
        self.server = Server(folder=self.server.dir).start()
        self.c = {}

    async def crash_and_compare(self):
        """Kills the server at this moment and checks that the restarted one
        holds exactly the state the last event left. Returns it."""
        before = await self.chair_state()
        # every client heard every committed event, in order
        for name, c in self.c.items():
            await c.wait_for(lambda: any(e.get("seq") == before["seq"] for e in c.seen)
                             or c.state["seq"] == before["seq"])
            assert_consecutive(c, c.state["seq"], self.mid)
        await self.restart()
        self.c = await join_programme(self.server, self.meeting, self.tokens,
                                      who=["chair", "kenya", "japan", "brazil", "au"])
        after = self.c["chair"].state
        self.assertEqual(durable(after), durable(before))
        for c in self.c.values():
            self.assertEqual(durable(c.state), durable(before))
        # the log agrees: consecutive from 1, nothing repeated
        log = (await self.c["kenya"].ok("meeting.sync", meeting=self.mid, since=0))["events"]
        self.assertEqual([e["seq"] for e in log], list(range(1, after["seq"] + 1)))
        floors = [e["floor"] for e in log if e["ev"] == "floor.changed"]
        self.assertEqual(after["floor"], floors[-1] if floors else None)
        return after

    async def next_event_continues(self, state, op, **args):
        """After the restart the next change gets seq state.seq + 1, and
        every client sees it."""
        await self.c["chair"].ok(op, meeting=self.mid, **args)
        for c in self.c.values():
            ev = await c.wait_for(lambda: seq_events(c, self.mid))
            self.assertEqual(ev[0]["seq"], state["seq"] + 1)


class Moments(Recovery):
    async def test_running_floor(self):
        await self.ask("kenya")
        jp = await self.ask("japan", "question", speaker="Mr Tanaka")
        br = await self.ask("brazil", on_behalf="latin_american_caribbean")
        await self.c["chair"].ok("queue.move", meeting=self.mid, entry=br["id"], position=0)
        await self.c["chair"].ok("floor.next", meeting=self.mid)  # Brazil, in the room
        await self.c["chair"].ok("floor.extend", meeting=self.mid, seconds=30)
        await asyncio.sleep(0.2)
        st = await self.crash_and_compare()
        f = st["floor"]
        self.assertEqual((f["entry"]["id"], f["phase"], f["paused"]), (br["id"], "speaking",
                                                                        False))
        self.assertEqual(f["allotted_ms"], 450000)
        self.assertIsInstance(f["running_since"], int)
        self.assertEqual([e["speaker"] for e in st["queue"]], ["Kenya", "Mr Tanaka"])
        # the rules go on as before the crash: Kenya's statement still waits
        await self.c["kenya"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="statement")
        await self.next_event_continues(st, "floor.pause")
        sp = (await self.c["chair"].ok("floor.end", meeting=self.mid))["speech"]
        self.assertEqual(sp["entry"], br["id"])
        self.assertGreaterEqual(sp["spoken_ms"], 200)
        self.assertNotEqual(jp["id"], sp["entry"])

    async def test_paused_floor(self):
        ke = await self.ask("kenya")
        await self.ask("japan")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await asyncio.sleep(0.2)
        await self.c["chair"].ok("floor.pause", meeting=self.mid)
        st = await self.crash_and_compare()
        f = st["floor"]
        self.assertEqual((f["entry"]["id"], f["paused"], f["pause_reason"]),
                         (ke["id"], True, "chair"))
        self.assertGreaterEqual(f["elapsed_ms"], 200)
        self.assertIsNone(f["running_since"])
        await self.next_event_continues(st, "floor.resume")
        # the time spoken before the crash is kept
        sp = (await self.c["chair"].ok("floor.end", meeting=self.mid))["speech"]
        self.assertGreaterEqual(sp["spoken_ms"], f["elapsed_ms"])

    async def test_calling_phase(self):
        await self.ask("kenya")
        jp = await self.ask("japan")
        await self.c["chair"].ok("floor.give", meeting=self.mid, entry=jp["id"])
        st = await self.crash_and_compare()
        f = st["floor"]
        self.assertEqual((f["entry"]["id"], f["phase"], f["started_at"]),
                         (jp["id"], "calling", None))
        # Japan, back on a new line, says ready
        r = await self.c["japan"].ok("floor.ready", meeting=self.mid)
        self.assertTrue(r["ok"])
        ev = await self.c["chair"].event("floor.changed")
        self.assertEqual(ev["seq"], st["seq"] + 1)
        self.assertEqual(ev["floor"]["phase"], "speaking")

    async def test_list_closed(self):
        ke = await self.ask("kenya")
        await self.c["chair"].ok("queue.close", meeting=self.mid)
        await self.admin.ok("meeting.update", meeting=self.mid, location="Room XVII")
        st = await self.crash_and_compare()
        self.assertEqual((st["meeting"]["location"], st["meeting"]["sequence"]),
                         ("Room XVII", 1))
        self.assertTrue(st["list_closed"])
        self.assertEqual([e["id"] for e in st["queue"]], [ke["id"]])
        self.assertIsNone(st["floor"])
        await self.c["japan"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="statement")
        await self.next_event_continues(st, "queue.open")
        await self.ask("japan")

    async def test_second_item_open(self):
        ke = await self.ask("kenya")
        await self.ask("brazil", "right_of_reply")
        await self.ask("brazil", "right_of_reply")
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.stake)
        au = await self.ask("au")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.ask("japan")
        await self.c["chair"].ok("queue.close", meeting=self.mid)
        st = await self.crash_and_compare()
        self.assertEqual((st["item"], st["list_closed"]), (self.stake, True))
        self.assertEqual(st["floor"]["entry"]["id"], au["id"])
        # the policy's count of the observer's interventions survives the crash
        self.assertEqual(self.c["au"].state["ledger"],
                         {"item": self.stake, "replies": 0, "interventions": 1})
        self.assertEqual(len(st["queue"]), 1)
        # the ledgers were rebuilt too: AU has had its one intervention here,
        # Brazil its two rights of reply in the general item
        await self.c["chair"].ok("queue.open", meeting=self.mid)
        await self.c["au"].err("floor.request", "limit", meeting=self.mid, kind="statement")
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.general)
        ev = await self.c["kenya"].event("item")
        self.assertEqual(ev["queue"][0]["id"], ke["id"])
        self.assertFalse(ev["list_closed"])
        await self.c["brazil"].err("floor.request", "limit", meeting=self.mid,
                                   kind="right_of_reply")
        # entry ids go on, never reused
        e = await self.ask("japan")
        self.assertNotIn(e["id"], [ke["id"], au["id"]] + [x["id"] for x in st["queue"]])
        self.assertGreater(int(e["id"][1:]), int(au["id"][1:]))

    async def test_clean_stop_pauses_nobody(self):
        """SIGTERM closes every connection: that is not a dropped line."""
        await self.ask("japan")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        before = await self.chair_state()
        await self.restart(signal.SIGTERM)
        c = await Client.connect(self.server, self.tokens["chair"])
        st = (await c.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertEqual(durable(st), durable(before))
        self.assertFalse(st["floor"]["paused"])


class ExpiryAcrossRestart(Recovery):
    policy = {"statement_s": 1, "on_expiry": "cut"}

    async def test_deadline_passed_while_down(self):
        ke = await self.ask("kenya")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        before = await self.chair_state()
        self.assertEqual(before["floor"]["entry"]["id"], ke["id"])
        self.server.kill9()
        await asyncio.sleep(1.5)
        self.server = Server(folder=self.server.dir).start()
        chair = await Client.connect(self.server, self.tokens["chair"])
        await chair.ok("meeting.join", meeting=self.mid, presence="room")
        # the timer is armed again on load: the speech is cut (maybe before
        # anyone joined, so ask the log)
        for _ in range(100):
            log = (await chair.ok("meeting.sync", meeting=self.mid,
                                  since=before["seq"]))["events"]
            if len(log) >= 3:
                break
            await asyncio.sleep(0.1)
        self.assertEqual([e["ev"] for e in log],
                         ["floor.expired", "speech.ended", "floor.changed"])
        self.assertEqual([e["seq"] for e in log],
                         list(range(before["seq"] + 1, before["seq"] + 4)))
        self.assertGreaterEqual(log[0]["at"], before["floor"]["started_at"] + 1000)
        self.assertGreaterEqual(log[1]["speech"]["spoken_ms"], 1000)
        self.assertIsNone(log[2]["floor"])


class InFlight(Recovery):
    async def test_every_acknowledged_request_survives(self):
        # twelve connections of three delegations ask, pipelined, while the
        # chair calls speakers; the server is killed in the middle
        askers = []
        for who in ["kenya", "japan", "brazil"]:
            for _ in range(4):
                c = await Client.connect(self.server, self.tokens[who])
                await c.ok("meeting.join", meeting=self.mid,
                           presence="remote" if who == "japan" else "room")
                askers.append((who, c))
        for who in ["kenya", "japan", "brazil"]:
            await self.ask(who, "question", speaker="%s-first" % who)
        chair = self.c["chair"]
        sent = []  # (client, id, kind, speaker)
        for k in range(55):
            for n, (who, c) in enumerate(askers):
                rid = c.next_id
                c.next_id += 1
                speaker = "%s-%d-%d" % (who, n, k)
                sent.append((c, rid, "request", speaker))
                await c.ws.send(
                    '{"op": "floor.request", "id": %d, "meeting": "%s", "kind": "question",'
                    ' "speaker": "%s"}' % (rid, self.mid, speaker))
            if k % 4 == 0:
                rid = chair.next_id
                chair.next_id += 1
                sent.append((chair, rid, "next", None))
                await chair.ws.send('{"op": "floor.next", "id": %d, "meeting": "%s"}'
                                    % (rid, self.mid))

        def answered():
            return sum(1 for c, rid, _, _ in sent if rid in c.replies)
        await chair.wait_for(lambda: answered() >= 40, 10)
        os.kill(self.server.proc.pid, signal.SIGKILL)
        await asyncio.sleep(0.3)
        got = [(c.replies.get(rid), kind, speaker) for c, rid, kind, speaker in sent]
        oks = [(r, kind, speaker) for r, kind, speaker in got if r and r["ok"]]
        for r, _, _ in got:
            if r and not r["ok"]:
                self.assertIn(r["error"]["code"], ("rate_limited", "conflict"), r)
        self.assertGreaterEqual(len(oks), 30)
        await self.restart()
        chair = await Client.connect(self.server, self.tokens["chair"])
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        log = (await chair.ok("meeting.sync", meeting=self.mid, since=0))["events"]
        self.assertEqual([e["seq"] for e in log], list(range(1, st["seq"] + 1)))
        queued = {e["id"]: e for e in st["queue"]}
        added = {e["entry"]["id"]: e["entry"] for e in log if e["ev"] == "queue.added"}
        called = [e["entry"]["id"] for e in log
                  if e["ev"] == "queue.removed" and e["reason"] == "called"]
        for r, kind, speaker in oks:
            if kind == "request":
                e = r["entry"]
                self.assertEqual(added.get(e["id"]), e)
                # waiting, or called since (then never waiting again)
                self.assertTrue(e["id"] in queued or e["id"] in called, e)
                self.assertFalse(e["id"] in queued and e["id"] in called, e)
                if e["id"] in queued:
                    self.assertEqual(queued[e["id"]]["speaker"], speaker)
            else:
                self.assertIn(r["entry"]["id"], called)
        # the floor is the last one called, as the log says
        if called:
            self.assertEqual(st["floor"]["entry"]["id"], called[-1])
        # and the server goes on from there
        await chair.ok("floor.end", meeting=self.mid)
        ev = await chair.event("speech.ended")
        self.assertEqual(ev["seq"], st["seq"] + 1)


if __name__ == "__main__":
    main()
