"""Contract sections 4 to 6 against the real server (issue 3): every op of the
list of speakers and the floor, every refusal of the speaking policy with its
exact code, the order of the list, the hybrid handover, the disconnect pause,
expiry under warn and cut, presence and attendance, the record of speeches,
and consecutive seq for every client."""

import asyncio
import csv
import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Client, ProgrammeTest, ServerTest, assert_consecutive,  # noqa: E402
                     join_programme, main, seq_events, setup_programme)



def durable_state(state):
    return {k: v for k, v in state.items() if k not in ("server_time", "attendance")}


class FloorTest(ProgrammeTest):

    def check_seq(self):
        """Every client saw every event once, in order, from its join on."""
        for name, c in self.c.items():
            if not c.reader.done():
                assert_consecutive(c, c.state["seq"], self.mid)

    async def state(self, who="chair"):
        return (await self.c[who].ok("meeting.join", meeting=self.mid,
                                     presence="remote" if who == "japan" else "room"))["state"]

    async def everyone_has(self, seq):
        """Waits until every connected client has seen the event `seq`."""
        for c in self.c.values():
            if not c.reader.done():
                await c.wait_for(lambda: any(e.get("seq") == seq for e in c.seen), 10)


class ListOfSpeakers(FloorTest):
    async def test_order_allotments_and_ledgers(self):
        ke = await self.ask("kenya", "statement")
        jp = await self.ask("japan", "question")
        br_ror = await self.ask("brazil", "right_of_reply")
        ke_poo = await self.ask("kenya", "point_of_order")
        br_poo = await self.ask("brazil", "point_of_order")
        br = await self.ask("brazil", "statement", speaker="Ambassador Silva",
                            on_behalf="latin_american_caribbean")
        # points of order first in the order asked; statements and questions
        # in the order asked; rights of reply last
        q = (await self.state())["queue"]
        self.assertEqual([e["id"] for e in q],
                         [ke_poo["id"], br_poo["id"], ke["id"], jp["id"], br["id"],
                          br_ror["id"]])
        self.assertEqual([e["kind"] for e in q],
                         ["point_of_order", "point_of_order", "statement", "question",
                          "statement", "right_of_reply"])
        # the entry as the contract has it
        self.assertEqual(ke["delegation"], {"id": self.tokens["delegations"]["Kenya"],
                                            "name": "Kenya", "kind": "state"})
        self.assertEqual(ke["participant"], self.tokens["ids"]["kenya"])
        self.assertEqual(ke["speaker"], "Kenya")
        self.assertEqual(ke["presence"], "room")
        self.assertEqual(jp["presence"], "remote")
        self.assertIsInstance(ke["requested_at"], int)
        # allotments: statement 300, question 300, reply 300 then 180, point
        # of order 120, group statement 420
        self.assertEqual(ke["allotted_ms"], 300000)
        self.assertEqual(jp["allotted_ms"], 300000)
        self.assertEqual(br_ror["allotted_ms"], 300000)
        self.assertEqual(ke_poo["allotted_ms"], 120000)
        self.assertEqual(br["allotted_ms"], 420000)
        self.assertEqual(br["on_behalf"], "latin_american_caribbean")
        self.assertEqual(br["speaker"], "Ambassador Silva")
        br_ror2 = await self.ask("brazil", "right_of_reply")
        self.assertEqual(br_ror2["allotted_ms"], 180000)
        r = await self.c["brazil"].err("floor.request", "limit", meeting=self.mid,
                                       kind="right_of_reply")
        self.assertRegex(r["error"]["message"], r"\b2\b")
        # one waiting statement per delegation per item
        await self.c["kenya"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="statement")
        await self.c["brazil"].err("floor.request", "conflict", meeting=self.mid,
                                   kind="statement")
        # a viewer listens; the chair gives the floor rather than asking
        await self.c["viewer"].err("floor.request", "forbidden", meeting=self.mid,
                                   kind="statement")
        await self.c["chair"].err("floor.request", "forbidden", meeting=self.mid,
                                  kind="statement")
        await self.c["kenya"].err("floor.request", "bad_request", meeting=self.mid,
                                  kind="speech")
        # every client saw the same queue.added events, in the same order
        added = [e["entry"]["id"] for e in seq_events(self.c["viewer"])
                 if e["ev"] == "queue.added"]
        self.assertEqual(added, [ke["id"], jp["id"], br_ror["id"], ke_poo["id"],
                                 br_poo["id"], br["id"], br_ror2["id"]])
        ev = [e for e in seq_events(self.c["au"]) if e["ev"] == "queue.added"][0]
        self.assertEqual(ev["entry"], ke)
        self.assertEqual(ev["item"], self.general)
        self.assertIsInstance(ev["at"], int)
        self.check_seq()

    async def test_new_entries_keep_the_chairs_moves(self):
        s1 = await self.ask("kenya")
        s2 = await self.ask("japan")
        await self.c["chair"].ok("queue.move", meeting=self.mid, entry=s2["id"], position=0)
        poo = await self.ask("brazil", "point_of_order")
        ror = await self.ask("brazil", "right_of_reply")
        q = await self.ask("kenya", "question")
        ids = [e["id"] for e in (await self.state())["queue"]]
        self.assertEqual(ids, [poo["id"], s2["id"], s1["id"], q["id"], ror["id"]])
        # a position past the end means the end
        await self.c["chair"].ok("queue.move", meeting=self.mid, entry=poo["id"],
                                 position=100)
        ev = await self.c["viewer"].event("queue.moved", position=4)
        self.assertEqual(ev["entry"]["id"], poo["id"])
        ids = [e["id"] for e in (await self.state())["queue"]]
        self.assertEqual(ids, [s2["id"], s1["id"], q["id"], ror["id"], poo["id"]])
        self.check_seq()

    async def test_withdraw_update_move_remove(self):
        ke = await self.ask("kenya")
        jp = await self.ask("japan")
        br = await self.ask("brazil")
        # entry.update: the delegation or the chair may rename its speaker
        r = await self.c["kenya"].ok("entry.update", meeting=self.mid, entry=ke["id"],
                                     speaker="Ms Wanjiru")
        self.assertEqual(r["entry"]["speaker"], "Ms Wanjiru")
        self.assertEqual(r["entry"]["id"], ke["id"])
        ev = await self.c["brazil"].event("queue.updated")
        self.assertEqual(ev["entry"]["speaker"], "Ms Wanjiru")
        self.assertEqual(ev["entry"]["allotted_ms"], ke["allotted_ms"])
        await self.c["japan"].err("entry.update", "forbidden", meeting=self.mid,
                                  entry=ke["id"], speaker="Mr Tanaka")
        await self.c["viewer"].err("entry.update", "forbidden", meeting=self.mid,
                                   entry=ke["id"], speaker="X")
        await self.c["chair"].ok("entry.update", meeting=self.mid, entry=jp["id"],
                                 speaker="Mr Tanaka")
        await self.c["kenya"].err("entry.update", "not_found", meeting=self.mid,
                                  entry="e999", speaker="X")
        await self.c["kenya"].err("entry.update", "bad_request", meeting=self.mid,
                                  entry=ke["id"], speaker="")
        q = (await self.state("kenya"))["queue"]
        self.assertEqual([e["speaker"] for e in q], ["Ms Wanjiru", "Mr Tanaka", "Brazil"])
        # queue.move
        await self.c["kenya"].err("queue.move", "forbidden", meeting=self.mid,
                                  entry=br["id"], position=0)
        await self.c["chair"].ok("queue.move", meeting=self.mid, entry=br["id"], position=0)
        ev = await self.c["japan"].event("queue.moved")
        self.assertEqual((ev["entry"]["id"], ev["position"]), (br["id"], 0))
        q = (await self.state())["queue"]
        self.assertEqual([e["id"] for e in q], [br["id"], ke["id"], jp["id"]])
        await self.c["chair"].err("queue.move", "not_found", meeting=self.mid, entry="e999",
                                  position=0)
        # floor.withdraw by the delegation; not by another one
        await self.c["japan"].err("floor.withdraw", "forbidden", meeting=self.mid,
                                  entry=ke["id"])
        await self.c["viewer"].err("floor.withdraw", "forbidden", meeting=self.mid,
                                   entry=ke["id"])
        await self.c["kenya"].ok("floor.withdraw", meeting=self.mid, entry=ke["id"])
        ev = await self.c["viewer"].event("queue.removed")
        self.assertEqual((ev["entry"]["id"], ev["reason"]), (ke["id"], "withdrawn"))
        await self.c["kenya"].err("floor.withdraw", "not_found", meeting=self.mid,
                                  entry=ke["id"])
        # having withdrawn, Kenya may ask again (one *waiting* statement)
        ke2 = await self.ask("kenya")
        # the chair may withdraw anyone's entry
        await self.c["chair"].ok("floor.withdraw", meeting=self.mid, entry=ke2["id"])
        ev = await self.c["viewer"].event("queue.removed")
        self.assertEqual((ev["entry"]["id"], ev["reason"]), (ke2["id"], "withdrawn"))
        # queue.remove: the chair only
        await self.c["brazil"].err("queue.remove", "forbidden", meeting=self.mid,
                                   entry=br["id"])
        await self.c["chair"].ok("queue.remove", meeting=self.mid, entry=br["id"])
        ev = await self.c["viewer"].event("queue.removed")
        self.assertEqual((ev["entry"]["id"], ev["reason"]), (br["id"], "removed"))
        q = (await self.state())["queue"]
        self.assertEqual([e["id"] for e in q], [jp["id"]])
        self.check_seq()

    async def test_close_and_open_the_list(self):
        await self.c["kenya"].err("queue.close", "forbidden", meeting=self.mid)
        await self.c["chair"].ok("queue.close", meeting=self.mid)
        ev = await self.c["kenya"].event("queue.closed")
        self.assertEqual(ev["item"], self.general)
        st = await self.state("kenya")
        self.assertTrue(st["list_closed"])
        r = await self.c["kenya"].err("floor.request", "conflict", meeting=self.mid,
                                      kind="statement")
        self.assertIn("closed", r["error"]["message"])
        await self.c["japan"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="question")
        await self.c["chair"].err("queue.close", "conflict", meeting=self.mid)
        # a point of order raises a breach of the rules: heard even then
        poo = await self.ask("brazil", "point_of_order")
        self.assertEqual([e["id"] for e in (await self.state())["queue"]], [poo["id"]])
        await self.c["brazil"].err("queue.open", "forbidden", meeting=self.mid)
        await self.c["chair"].ok("queue.open", meeting=self.mid)
        await self.c["kenya"].event("queue.opened")
        self.assertFalse((await self.state("kenya"))["list_closed"])
        await self.c["chair"].err("queue.open", "conflict", meeting=self.mid)
        await self.ask("kenya")
        self.check_seq()

    async def test_bad_requests_change_nothing(self):
        ke = await self.ask("kenya")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        before = await self.state()
        seen = len(seq_events(self.c["viewer"]))
        k, ch = self.c["kenya"], self.c["chair"]
        for c, op, args, field in [
                (k, "floor.request", dict(kind="statement", colour="red"), "colour"),
                (k, "floor.request", dict(kind=5), "kind"),
                (k, "floor.request", dict(), "kind"),
                (k, "floor.request", dict(kind="statement", speaker=""), "speaker"),
                (k, "floor.request", dict(kind="statement", speaker="a\nb"), "speaker"),
                (k, "floor.request", dict(kind="statement", speaker="x" * 200), "speaker"),
                (k, "floor.request", dict(kind="statement", on_behalf=7), "on_behalf"),
                (k, "entry.update", dict(entry=ke["id"]), "speaker"),
                (ch, "floor.extend", dict(seconds="30"), "seconds"),
                (ch, "floor.extend", dict(seconds=1.5), "seconds"),
                (ch, "floor.extend", dict(seconds=3601), "seconds"),
                (ch, "queue.move", dict(entry=ke["id"], position="first"), "position"),
                (ch, "queue.move", dict(entry=ke["id"], position=-1), "position"),
                (ch, "item.open", dict(), "item"),
                (ch, "floor.give", dict(entry=5), "entry"),
                (ch, "floor.pause", dict(why="tea"), "why")]:
            r = await c.err(op, "bad_request", meeting=self.mid, **args)
            self.assertIn(field, r["error"]["message"], (op, args, r))
        r = await ch.err("floor.end", "bad_request")
        self.assertIn("meeting", r["error"]["message"])
        await ch.err("floor.end", "bad_request", meeting=5)
        self.assertEqual(durable_state(await self.state()), durable_state(before))
        self.assertEqual(len(seq_events(self.c["viewer"])), seen)
        # once called, the entry is no longer the delegation's to rename
        await k.err("entry.update", "not_found", meeting=self.mid, entry=ke["id"],
                    speaker="Someone else")
        await k.err("floor.withdraw", "not_found", meeting=self.mid, entry=ke["id"])
        self.check_seq()

    async def test_must_join_first(self):
        outsider = await Client.connect(self.server, self.tokens["kenya"])
        await outsider.err("floor.request", "conflict", meeting=self.mid, kind="statement")
        await outsider.err("floor.request", "not_found", meeting="m999", kind="statement")
        await outsider.err("meeting.sync", "conflict", meeting=self.mid, since=0)
        # but once joined, a second connection of Kenya acts for Kenya
        await outsider.ok("meeting.join", meeting=self.mid, presence="room")
        e = (await outsider.ok("floor.request", meeting=self.mid, kind="statement"))["entry"]
        await self.c["kenya"].ok("floor.withdraw", meeting=self.mid, entry=e["id"])
        await outsider.ok("meeting.leave", meeting=self.mid)
        await outsider.err("floor.request", "conflict", meeting=self.mid, kind="statement")
        self.check_seq()


class AgendaAndObservers(FloorTest):
    async def test_observer_rules_and_items(self):
        au = self.c["au"]
        # the general item: observers may not ask
        r = await au.err("floor.request", "forbidden", meeting=self.mid, kind="statement")
        self.assertIn("stakeholder", r["error"]["message"])
        ke = await self.ask("kenya")
        # item.open: the chair only; unknown item; already open
        await self.c["kenya"].err("item.open", "forbidden", meeting=self.mid,
                                  item=self.stake)
        await self.c["chair"].err("item.open", "not_found", meeting=self.mid, item="i999")
        await self.c["chair"].err("item.open", "conflict", meeting=self.mid,
                                  item=self.general)
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.stake)
        ev = await self.c["au"].event("item")
        self.assertEqual(ev["item"], {"id": self.stake, "title": "Stakeholders",
                                      "kind": "stakeholder"})
        self.assertEqual((ev["queue"], ev["list_closed"]), ([], False))
        st = await self.state("au")
        self.assertEqual((st["item"], st["queue"]), (self.stake, []))
        # the floor is given from the open item's list only
        await self.c["chair"].err("floor.give", "not_found", meeting=self.mid, entry=ke["id"])
        # observers: no point of order, no right of reply
        r = await au.err("floor.request", "forbidden", meeting=self.mid,
                         kind="point_of_order")
        self.assertIn("point of order", r["error"]["message"])
        await au.err("floor.request", "forbidden", meeting=self.mid, kind="right_of_reply")
        # a withdrawn request is not an intervention
        w = (await au.ok("floor.request", meeting=self.mid, kind="question"))["entry"]
        await au.ok("floor.withdraw", meeting=self.mid, entry=w["id"])
        e = (await au.ok("floor.request", meeting=self.mid, kind="statement"))["entry"]
        self.assertEqual(e["allotted_ms"], 180000)
        self.assertEqual(e["delegation"]["kind"], "organization")
        # at most one intervention per item: the limit, saying the limit
        r = await au.err("floor.request", "limit", meeting=self.mid, kind="question")
        self.assertRegex(r["error"]["message"], r"\b1\b")
        # it still holds after speaking
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["chair"].ok("floor.end", meeting=self.mid)
        await au.err("floor.request", "limit", meeting=self.mid, kind="statement")
        # each item keeps its own list: back to the general item, Kenya waits
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.general)
        ev = await self.c["viewer"].event("item", item={"id": self.general,
                                                        "title": "General",
                                                        "kind": "general"})
        self.assertEqual([x["id"] for x in ev["queue"]], [ke["id"]])
        st = await self.state()
        self.assertEqual(st["item"], self.general)
        self.assertEqual([x["id"] for x in st["queue"]], [ke["id"]])
        await au.err("floor.request", "forbidden", meeting=self.mid, kind="statement")
        self.check_seq()

    async def test_opening_an_item_ends_the_speech(self):
        await self.ask("kenya")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.stake)
        ended = await self.c["viewer"].event("speech.ended")
        self.assertEqual(ended["speech"]["delegation"]["name"], "Kenya")
        self.assertIsNone((await self.state())["floor"])
        self.check_seq()


class ObserversAnywhere(FloorTest):
    policy = {"observer_items": "any", "observer_max_per_item": 2}

    async def test_policy_lifts_the_rules(self):
        au = self.c["au"]
        await au.ok("floor.request", meeting=self.mid, kind="statement")
        await au.ok("floor.request", meeting=self.mid, kind="question")
        r = await au.err("floor.request", "limit", meeting=self.mid, kind="question")
        self.assertRegex(r["error"]["message"], r"\b2\b")
        self.check_seq()


class ObserversNowhere(FloorTest):
    policy = {"observer_items": "none", "reply_s": [60]}

    async def test_policy_forbids_and_one_reply(self):
        await self.c["chair"].ok("item.open", meeting=self.mid, item=self.stake)
        await self.c["au"].err("floor.request", "forbidden", meeting=self.mid,
                               kind="statement")
        e = await self.ask("kenya", "right_of_reply")
        self.assertEqual(e["allotted_ms"], 60000)
        r = await self.c["kenya"].err("floor.request", "limit", meeting=self.mid,
                                      kind="right_of_reply")
        self.assertRegex(r["error"]["message"], r"\b1\b")
        self.check_seq()


class Floor(FloorTest):
    async def test_nobody_has_the_floor(self):
        chair = self.c["chair"]
        await chair.err("floor.next", "conflict", meeting=self.mid)
        for op in ["floor.end", "floor.pause", "floor.resume", "floor.start"]:
            await chair.err(op, "conflict", meeting=self.mid)
        r = await chair.err("floor.extend", "conflict", meeting=self.mid, seconds=30)
        self.assertIn("floor", r["error"]["message"])
        await self.c["kenya"].err("floor.ready", "conflict", meeting=self.mid)
        await chair.err("floor.give", "not_found", meeting=self.mid, entry="e999")
        self.assertEqual(seq_events(self.c["viewer"]), [])

    async def test_only_the_chair_runs_the_floor(self):
        ke = await self.ask("kenya")
        for who in ["kenya", "japan", "au", "viewer"]:
            c = self.c[who]
            await c.err("floor.next", "forbidden", meeting=self.mid)
            await c.err("floor.give", "forbidden", meeting=self.mid, entry=ke["id"])
            await c.err("queue.move", "forbidden", meeting=self.mid, entry=ke["id"],
                        position=0)
            await c.err("queue.remove", "forbidden", meeting=self.mid, entry=ke["id"])
            await c.err("queue.close", "forbidden", meeting=self.mid)
            await c.err("item.open", "forbidden", meeting=self.mid, item=self.stake)
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        for who in ["kenya", "japan", "au", "viewer"]:
            c = self.c[who]
            for op in ["floor.pause", "floor.end", "floor.start"]:
                await c.err(op, "forbidden", meeting=self.mid)
            await c.err("floor.extend", "forbidden", meeting=self.mid, seconds=10)
        await self.c["chair"].ok("floor.pause", meeting=self.mid)
        await self.c["kenya"].err("floor.resume", "forbidden", meeting=self.mid)
        # the secretariat presides too
        await self.admin.ok("meeting.join", meeting=self.mid, presence="room")
        await self.admin.ok("floor.resume", meeting=self.mid)
        await self.admin.ok("floor.end", meeting=self.mid)
        self.check_seq()

    async def test_a_full_cycle(self):
        chair, viewer = self.c["chair"], self.c["viewer"]
        ke = await self.ask("kenya")
        jp = await self.ask("japan")
        br = await self.ask("brazil")
        # next: Kenya, in the room, speaks at once
        r = await chair.ok("floor.next", meeting=self.mid)
        self.assertEqual(r["entry"]["id"], ke["id"])
        rem = await viewer.event("queue.removed")
        self.assertEqual((rem["entry"]["id"], rem["reason"]), (ke["id"], "called"))
        fc = await viewer.event("floor.changed")
        self.assertLess(rem["seq"], fc["seq"])
        f = fc["floor"]
        self.assertEqual(f["entry"]["id"], ke["id"])
        self.assertEqual(f["phase"], "speaking")
        self.assertIsInstance(f["started_at"], int)
        self.assertEqual((f["allotted_ms"], f["elapsed_ms"]), (300000, 0))
        self.assertEqual((f["paused"], f["pause_reason"], f["overrun"]), (False, None, False))
        self.assertIsInstance(fc["server_time"], int)
        # pause, resume, extend
        await chair.ok("floor.pause", meeting=self.mid)
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual((f["paused"], f["pause_reason"]), (True, "chair"))
        self.assertIsNone(f["running_since"])
        await chair.err("floor.pause", "conflict", meeting=self.mid)
        await chair.ok("floor.resume", meeting=self.mid)
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual((f["paused"], f["pause_reason"]), (False, None))
        self.assertIsInstance(f["running_since"], int)
        await chair.err("floor.resume", "conflict", meeting=self.mid)
        await chair.ok("floor.extend", meeting=self.mid, seconds=30)
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual(f["allotted_ms"], 330000)
        await chair.err("floor.extend", "bad_request", meeting=self.mid, seconds=0)
        st = await self.state("brazil")
        self.assertEqual(st["floor"]["entry"]["id"], ke["id"])
        self.assertEqual(st["floor"]["allotted_ms"], 330000)
        self.assertEqual([e["id"] for e in st["queue"]], [jp["id"], br["id"]])
        # end: the finished speech
        r = await chair.ok("floor.end", meeting=self.mid)
        sp = r["speech"]
        self.assertEqual(sp["entry"], ke["id"])
        self.assertEqual(sp["delegation"]["name"], "Kenya")
        self.assertEqual((sp["kind"], sp["presence"], sp["speaker"]),
                         ("statement", "room", "Kenya"))
        self.assertEqual(sp["allotted_ms"], 330000)
        self.assertGreaterEqual(sp["ended_at"], sp["started_at"])
        self.assertGreaterEqual(sp["spoken_ms"], 0)
        ended = await viewer.event("speech.ended")
        self.assertEqual(ended["speech"], sp)
        fc = await viewer.event("floor.changed")
        self.assertIsNone(fc["floor"])
        await chair.err("floor.end", "conflict", meeting=self.mid)
        # next: Japan is remote, so first calling
        r = await chair.ok("floor.next", meeting=self.mid)
        self.assertEqual(r["entry"]["id"], jp["id"])
        rem = await viewer.event("queue.removed")
        self.assertEqual((rem["entry"]["id"], rem["reason"]), (jp["id"], "called"))
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual((f["phase"], f["started_at"]), ("calling", None))
        self.assertEqual(f["entry"]["presence"], "remote")
        # no clock to pause while calling; only Japan may say ready
        await chair.err("floor.pause", "conflict", meeting=self.mid)
        await self.c["brazil"].err("floor.ready", "forbidden", meeting=self.mid)
        await chair.err("floor.ready", "forbidden", meeting=self.mid)
        self.assertEqual((await self.state())["floor"]["phase"], "calling")
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual(f["phase"], "speaking")
        self.assertIsInstance(f["started_at"], int)
        await self.c["japan"].err("floor.ready", "conflict", meeting=self.mid)
        await chair.err("floor.start", "conflict", meeting=self.mid)
        # give: Japan's speech ends and goes on the record, Brazil speaks
        await chair.ok("floor.give", meeting=self.mid, entry=br["id"])
        ended = await viewer.event("speech.ended")
        self.assertEqual(ended["speech"]["entry"], jp["id"])
        self.assertEqual(ended["speech"]["presence"], "remote")
        rem = await viewer.event("queue.removed")
        self.assertEqual((rem["entry"]["id"], rem["reason"]), (br["id"], "called"))
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertEqual((f["entry"]["id"], f["phase"]), (br["id"], "speaking"))
        self.assertLess(ended["seq"], rem["seq"])
        # the list is empty now
        await chair.err("floor.next", "conflict", meeting=self.mid)
        await chair.err("floor.give", "not_found", meeting=self.mid, entry=jp["id"])
        st = await self.state()
        self.assertEqual((st["queue"], st["floor"]["entry"]["id"]), ([], br["id"]))
        # the chair is bound by no order: give the floor to the last entry
        a = await self.ask("kenya")
        b = await self.ask("japan", "question")
        await chair.ok("floor.give", meeting=self.mid, entry=b["id"])
        # floor.start: the chair starts a called remote speaker's clock
        st = await self.state()
        self.assertEqual((st["floor"]["entry"]["id"], st["floor"]["phase"]),
                         (b["id"], "calling"))
        await chair.ok("floor.start", meeting=self.mid)
        st = await self.state()
        self.assertEqual(st["floor"]["phase"], "speaking")
        self.assertEqual([e["id"] for e in st["queue"]], [a["id"]])
        await chair.ok("floor.end", meeting=self.mid)
        self.check_seq()

    async def test_called_but_never_spoke(self):
        jp = await self.ask("japan")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        sp = (await self.c["chair"].ok("floor.end", meeting=self.mid))["speech"]
        self.assertEqual(sp["entry"], jp["id"])
        self.assertIsNone(sp["started_at"])
        self.assertEqual(sp["spoken_ms"], 0)
        status, _, body = self.server.http_get("/meetings/%s/record.data.csv?feed=%s"
                                               % (self.mid, self.tokens["japan_feed"]))
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual([(r["entry"], r["spoken_ms"]) for r in rows], [(jp["id"], "0")])
        self.check_seq()

    async def test_ready_from_another_connection_of_the_delegation(self):
        jp = await self.ask("japan")
        other = await Client.connect(self.server, self.tokens["japan"])
        await other.ok("meeting.join", meeting=self.mid, presence="remote")
        await self.c["chair"].ok("floor.give", meeting=self.mid, entry=jp["id"])
        await other.ok("floor.ready", meeting=self.mid)
        self.assertEqual((await self.state())["floor"]["phase"], "speaking")
        await self.c["chair"].ok("floor.end", meeting=self.mid)
        # a colleague of the same delegation may say the microphone is live
        r = await self.admin.ok("participant.invite", name="Japan adviser", role="delegate",
                                delegation=self.tokens["delegations"]["Japan"])
        adviser = await Client.connect(self.server, r["token"])
        await adviser.ok("meeting.join", meeting=self.mid, presence="remote")
        jp2 = await self.ask("japan", "question")
        await self.c["chair"].ok("floor.give", meeting=self.mid, entry=jp2["id"])
        await self.c["brazil"].err("floor.ready", "forbidden", meeting=self.mid)
        await adviser.ok("floor.ready", meeting=self.mid)
        self.assertEqual((await self.state())["floor"]["phase"], "speaking")
        self.check_seq()


class Handover(FloorTest):
    async def test_disconnect_pauses_a_remote_speaker(self):
        chair = self.c["chair"]
        jp = await self.ask("japan")
        # a second line for Japan: losing one of two is not losing the line
        spare = await Client.connect(self.server, self.tokens["japan"])
        await spare.ok("meeting.join", meeting=self.mid, presence="remote")
        await chair.ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        await self.c["viewer"].wait_for(lambda: [
            e for e in seq_events(self.c["viewer"]) if e["ev"] == "floor.changed"
            and e["floor"]["phase"] == "speaking"])
        f = [e for e in seq_events(self.c["viewer"]) if e["ev"] == "floor.changed"][-1]
        self.assertEqual(f["floor"]["phase"], "speaking")
        last = f["seq"]
        await spare.close()
        await asyncio.sleep(0.3)  # for the server to handle the close
        # one of Japan's two lines dropped: the floor runs on
        br = await self.ask("brazil")
        added = await self.c["viewer"].wait_for(
            lambda: [e for e in seq_events(self.c["viewer"]) if e["ev"] == "queue.added"
                     and e["entry"]["id"] == br["id"]])
        st = await self.state()
        self.assertFalse(st["floor"]["paused"])
        # the last line drops while Japan speaks: the floor pauses
        japan = self.c.pop("japan")
        await japan.close()
        ev = await chair.event("floor.changed", timeout=10)
        while ev["seq"] <= last:
            ev = await chair.event("floor.changed", timeout=10)
        f = ev["floor"]
        self.assertEqual(f["entry"]["id"], jp["id"])
        self.assertEqual((f["paused"], f["pause_reason"]), (True, "disconnected"))
        self.assertGreater(ev["seq"], added[0]["seq"])
        self.assertIsNone(f["running_since"])
        self.assertEqual(f["phase"], "speaking")
        # presence: Japan is offline, told to the chair only
        p = await chair.wait_for(lambda: [e for e in chair.seen if e["ev"] == "presence"
                                          and e["participant"] == self.tokens["ids"]["japan"]
                                          and e["online"] is False])
        self.assertEqual(p[-1]["presence"], "remote")
        st = await self.state()
        self.assertEqual(st["floor"]["pause_reason"], "disconnected")
        att = {a["participant"]: a for a in st["attendance"]}
        self.assertFalse(att[self.tokens["ids"]["japan"]]["online"])
        # the chair resumes; the elapsed time was kept
        await chair.ok("floor.resume", meeting=self.mid)
        st = await self.state()
        self.assertEqual((st["floor"]["paused"], st["floor"]["pause_reason"]), (False, None))
        self.assertEqual(st["floor"]["elapsed_ms"], f["elapsed_ms"])
        # pause by disconnect, then end is also fine
        await chair.ok("floor.end", meeting=self.mid)
        self.check_seq()

    async def test_calling_speaker_and_room_speaker_do_not_pause(self):
        chair = self.c["chair"]
        await self.ask("japan")
        await chair.ok("floor.next", meeting=self.mid)
        japan = self.c.pop("japan")
        await japan.close()
        # still calling: no clock to stop, nothing changes
        await chair.wait_for(lambda: [e for e in chair.seen if e["ev"] == "presence"
                                      and e["online"] is False])
        st = await self.state()
        self.assertEqual((st["floor"]["phase"], st["floor"]["paused"]), ("calling", False))
        await chair.ok("floor.start", meeting=self.mid)
        await chair.ok("floor.end", meeting=self.mid)
        # a speaker in the room who disconnects does not pause the floor
        await self.ask("kenya")
        await chair.ok("floor.next", meeting=self.mid)
        kenya = self.c.pop("kenya")
        await kenya.close()
        await chair.wait_for(lambda: len([e for e in chair.seen if e["ev"] == "presence"
                                          and e["online"] is False]) >= 2)
        st = await self.state()
        self.assertEqual((st["floor"]["phase"], st["floor"]["paused"]), ("speaking", False))
        self.check_seq()


class Meeting(FloorTest):
    async def test_another_chair_does_not_preside(self):
        r = await self.admin.ok("participant.invite", name="Other chair", role="chair",
                                delegation=self.admin.hello["delegation"]["id"])
        other = await Client.connect(self.server, r["token"])
        st = (await other.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertNotIn("attendance", st)
        ke = await self.ask("kenya")
        await other.err("floor.next", "forbidden", meeting=self.mid)
        await other.err("queue.remove", "forbidden", meeting=self.mid, entry=ke["id"])
        await other.err("floor.withdraw", "forbidden", meeting=self.mid, entry=ke["id"])
        await other.err("item.open", "forbidden", meeting=self.mid, item=self.stake)
        await other.err("floor.request", "forbidden", meeting=self.mid, kind="statement")
        await self.c["kenya"].ok("meeting.join", meeting=self.mid, presence="remote")
        await self.c["chair"].wait_for(lambda: [e for e in self.c["chair"].seen
                                                if e["ev"] == "presence"
                                                and e["presence"] == "remote"])
        self.assertEqual([e for e in other.seen if e["ev"] == "presence"], [])
        self.check_seq()

    async def test_a_new_chair_presides_and_the_old_one_no_longer(self):
        ids = self.tokens["ids"]
        r = await self.admin.ok("participant.invite", name="New chair", role="chair",
                                delegation=self.admin.hello["delegation"]["id"])
        new = await Client.connect(self.server, r["token"])
        await new.ok("meeting.join", meeting=self.mid, presence="room")
        old = self.c["chair"]
        await self.admin.ok("meeting.update", meeting=self.mid, chair=r["participant"]["id"])
        await old.event("meeting.changed")
        ke = await self.ask("kenya")
        await old.err("floor.give", "forbidden", meeting=self.mid, entry=ke["id"])
        await new.ok("floor.give", meeting=self.mid, entry=ke["id"])
        st = (await new.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertIn(ids["kenya"], [a["participant"] for a in st["attendance"]])
        st = (await old.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertNotIn("attendance", st)
        # presence now goes to the new chair, not the old one
        old_count = len([e for e in old.seen if e["ev"] == "presence"])
        await self.c["brazil"].ok("meeting.join", meeting=self.mid, presence="remote")
        await new.wait_for(lambda: [e for e in new.seen if e["ev"] == "presence"
                                    and e["participant"] == ids["brazil"]
                                    and e["presence"] == "remote"])
        await old.ok("meeting.list")
        self.assertEqual(len([e for e in old.seen if e["ev"] == "presence"]), old_count)
        self.check_seq()

    async def test_meeting_changes_share_the_seq_and_cancel_stops_the_floor(self):
        await self.ask("kenya")
        await self.admin.ok("meeting.update", meeting=self.mid, title="Renamed meeting")
        ev = await self.c["viewer"].event("meeting.changed")
        self.assertEqual(ev["meeting"]["title"], "Renamed meeting")
        self.assertEqual(ev["meeting"]["id"], self.mid)
        self.assertEqual(ev["meeting"]["sequence"], 1)
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.admin.ok("meeting.cancel", meeting=self.mid)
        await self.c["viewer"].event("meeting.changed")
        await self.c["chair"].err("floor.end", "conflict", meeting=self.mid)
        await self.c["japan"].err("floor.request", "conflict", meeting=self.mid,
                                  kind="statement")
        self.check_seq()


class TwoMeetings(FloorTest):
    async def test_each_meeting_has_its_own_seq_and_listeners(self):
        args = dict(title="Second", kind="other", format="virtual", tz="UTC",
                    start="2027-03-10T10:00", end="2027-03-10T12:00",
                    chair=self.tokens["ids"]["chair"])
        m2 = (await self.admin.ok("meeting.create", **args))["meeting"]["id"]
        both = self.c["kenya"]
        st2 = (await both.ok("meeting.join", meeting=m2, presence="remote"))["state"]
        self.assertEqual((st2["seq"], st2["queue"], st2["floor"]), (0, [], None))
        await self.c["chair"].ok("meeting.join", meeting=m2, presence="room")
        await self.ask("kenya")
        e2 = (await both.ok("floor.request", meeting=m2, kind="statement"))["entry"]
        self.assertEqual(e2["presence"], "remote")  # as joined to that meeting
        await self.ask("japan")
        await both.ok("floor.request", meeting=m2, kind="point_of_order")
        await self.c["chair"].ok("floor.next", meeting=m2)
        await both.wait_for(lambda: len(seq_events(both, m2)) == 4)
        self.assertEqual([e["seq"] for e in seq_events(both, m2)], [1, 2, 3, 4])
        self.assertEqual([e["seq"] for e in seq_events(both, self.mid)], [1, 2])
        # those joined to the first meeting only heard nothing of the second
        await self.c["viewer"].wait_for(lambda: len(seq_events(self.c["viewer"])) == 2)
        self.assertEqual({e["meeting"] for e in seq_events(self.c["viewer"])}, {self.mid})
        await self.c["japan"].err("floor.request", "conflict", meeting=m2, kind="statement")
        self.check_seq()


class Presence(FloorTest):
    async def asyncSetUp(self):
        self.admin, self.meeting, self.tokens = await setup_programme(self.server)
        self.mid = self.meeting["id"]
        self.c = {}

    async def test_presence_to_presiding_sessions_only(self):
        ids = self.tokens["ids"]
        self.c = await join_programme(self.server, self.meeting, self.tokens,
                                      who=["chair", "viewer"])
        chair, viewer = self.c["chair"], self.c["viewer"]
        await self.admin.ok("meeting.join", meeting=self.mid, presence="room")
        self.c.update(await join_programme(self.server, self.meeting, self.tokens,
                                           who=["kenya", "japan"]))

        def presence_of(c, who, **kw):
            return [e for e in c.seen if e["ev"] == "presence" and e["participant"] == ids[who]
                    and all(e.get(k) == v for k, v in kw.items())]
        for c in (chair, self.admin):
            p = (await c.wait_for(lambda: presence_of(c, "japan")))[0]
            self.assertEqual(p["presence"], "remote")
            self.assertIs(p["online"], True)
            self.assertEqual(p["name"], "Japan")
            self.assertEqual(p["delegation"]["name"], "Japan")
            self.assertEqual(p["meeting"], self.mid)
            self.assertNotIn("seq", p)
            p = (await c.wait_for(lambda: presence_of(c, "kenya")))[0]
            self.assertEqual((p["presence"], p["online"]), ("room", True))
        # the chair's state carries the attendance; a delegate's does not
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        att = {a["participant"]: a for a in st["attendance"]}
        self.assertEqual(att[ids["japan"]]["presence"], "remote")
        self.assertIs(att[ids["japan"]]["online"], True)
        self.assertEqual(att[ids["kenya"]]["presence"], "room")
        self.assertIn(ids["viewer"], att)
        self.assertNotIn("attendance", self.c["kenya"].state)
        self.assertNotIn("attendance", viewer.state)
        # Kenya moves to remote, then leaves
        await self.c["kenya"].ok("meeting.join", meeting=self.mid, presence="remote")
        await chair.wait_for(lambda: presence_of(chair, "kenya", presence="remote"))
        await self.c["kenya"].ok("meeting.leave", meeting=self.mid)
        await chair.wait_for(lambda: presence_of(chair, "kenya", online=False))
        await self.admin.wait_for(lambda: presence_of(self.admin, "kenya", online=False))
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        att = {a["participant"]: a for a in st["attendance"]}
        self.assertIs(att[ids["kenya"]]["online"], False)
        # two lines for Brazil: offline only when the last one drops, and
        # online again when one comes back
        b1 = await Client.connect(self.server, self.tokens["brazil"])
        await b1.ok("meeting.join", meeting=self.mid, presence="room")
        b2 = await Client.connect(self.server, self.tokens["brazil"])
        await b2.ok("meeting.join", meeting=self.mid, presence="room")
        await chair.wait_for(lambda: len(presence_of(chair, "brazil", online=True)) == 2)
        await b1.close()
        await chair.ok("meeting.list")  # a round trip after the close was handled
        await asyncio.sleep(0.2)
        self.assertEqual(presence_of(chair, "brazil", online=False), [])
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertIs({a["participant"]: a for a in st["attendance"]}[ids["brazil"]]["online"],
                      True)
        await b2.close()
        await chair.wait_for(lambda: presence_of(chair, "brazil", online=False))
        b3 = await Client.connect(self.server, self.tokens["brazil"])
        await b3.ok("meeting.join", meeting=self.mid, presence="remote")
        await chair.wait_for(lambda: presence_of(chair, "brazil", online=True,
                                                 presence="remote"))
        # an event everyone hears, after which nobody but the presiding has
        # had a presence event
        await chair.ok("queue.close", meeting=self.mid)
        for c in (viewer, self.c["japan"]):
            await c.event("queue.closed")
            self.assertEqual([e for e in c.seen if e["ev"] == "presence"], [])
        self.assertEqual([e for e in self.c["kenya"].seen if e["ev"] == "presence"], [])
        self.check_seq()


class PresidingComesAndGoes(FloorTest):
    async def test_presence_follows_the_presiding_sessions(self):
        ids = self.tokens["ids"]
        chair = self.c.pop("chair")

        def presences(c, who):
            return [e for e in c.seen if e["ev"] == "presence" and e["participant"] == ids[who]]
        # the chair leaves the meeting: no presence while away
        n_brazil = len(presences(chair, "brazil"))
        self.assertEqual(n_brazil, 1)
        await chair.ok("meeting.leave", meeting=self.mid)
        await self.c["brazil"].ok("meeting.join", meeting=self.mid, presence="remote")
        await chair.ok("meeting.list")
        self.assertEqual(len(presences(chair, "brazil")), n_brazil)
        # back, it hears them again
        await chair.ok("meeting.join", meeting=self.mid, presence="room")
        await self.c["brazil"].ok("meeting.join", meeting=self.mid, presence="room")
        await chair.wait_for(lambda: len(presences(chair, "brazil")) > n_brazil)
        # a second chair line and the secretariat come; the first line drops
        chair2 = await Client.connect(self.server, self.tokens["chair"])
        await chair2.ok("meeting.join", meeting=self.mid, presence="room")
        await self.admin.ok("meeting.join", meeting=self.mid, presence="room")
        await chair.close()
        await self.admin.ok("meeting.leave", meeting=self.mid)
        for _ in range(3):
            await self.c["kenya"].ok("meeting.join", meeting=self.mid, presence="remote")
            await self.c["kenya"].ok("meeting.join", meeting=self.mid, presence="room")
        await chair2.wait_for(lambda: len(presences(chair2, "kenya")) >= 6)
        n_admin = len(presences(self.admin, "kenya"))
        await self.c["japan"].close()
        self.c.pop("japan")
        await chair2.wait_for(lambda: [e for e in presences(chair2, "japan")
                                       if e["online"] is False])
        await self.admin.ok("meeting.list")
        self.assertEqual(len(presences(self.admin, "kenya")), n_admin)
        self.assertEqual(presences(self.admin, "japan"), [])
        st = (await chair2.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        att = {a["participant"]: a for a in st["attendance"]}
        self.assertIs(att[ids["japan"]]["online"], False)
        self.assertEqual(att[ids["kenya"]]["presence"], "room")
        # the server is still well: the new chair line runs the floor
        await self.ask("kenya")
        await chair2.ok("floor.next", meeting=self.mid)
        self.check_seq()


class ExpiryWarn(FloorTest):
    policy = {"statement_s": 1, "on_expiry": "warn"}

    async def test_warn_marks_overrun_and_lets_it_run(self):
        chair, viewer = self.c["chair"], self.c["viewer"]
        ke = await self.ask("kenya")
        self.assertEqual(ke["allotted_ms"], 1000)
        await chair.ok("floor.next", meeting=self.mid)
        started = (await viewer.event("floor.changed"))["floor"]["started_at"]
        ex = await viewer.event("floor.expired", timeout=10)
        self.assertEqual(ex["entry"]["id"], ke["id"])
        self.assertGreaterEqual(ex["at"], started + 1000)
        st = await self.state()
        f = st["floor"]
        self.assertEqual((f["entry"]["id"], f["phase"], f["overrun"]), (ke["id"], "speaking",
                                                                          True))
        # it keeps speaking: nothing else happens on its own
        await asyncio.sleep(0.5)
        self.assertEqual([e["ev"] for e in seq_events(viewer) if e["seq"] > ex["seq"]], [])
        # extended past the time spoken, a new deadline runs and expires again
        await chair.ok("floor.extend", meeting=self.mid, seconds=3)
        f = (await viewer.event("floor.changed"))["floor"]
        self.assertFalse(f["overrun"])
        self.assertEqual(f["allotted_ms"], 4000)
        ex2 = await viewer.event("floor.expired", timeout=10)
        self.assertGreaterEqual(ex2["at"], started + 4000)
        self.assertTrue((await self.state())["floor"]["overrun"])
        sp = (await chair.ok("floor.end", meeting=self.mid))["speech"]
        self.assertGreaterEqual(sp["spoken_ms"], 4000)
        self.assertEqual(sp["allotted_ms"], 4000)
        self.check_seq()


    async def test_overrun_remote_speaker_disconnect_pauses(self):
        chair = self.c["chair"]
        await self.ask("japan")
        await chair.ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        await chair.event("floor.expired", timeout=10)
        await asyncio.sleep(1.2)
        # extended by less than the overrun: still overrun, no new expiry
        await chair.ok("floor.extend", meeting=self.mid, seconds=1)
        f = (await self.state())["floor"]
        self.assertTrue(f["overrun"])
        self.assertEqual(f["allotted_ms"], 2000)
        japan = self.c.pop("japan")
        await japan.close()
        ev = await chair.wait_for(lambda: [e for e in seq_events(chair)
                                           if e["ev"] == "floor.changed"
                                           and e["floor"]["paused"]])
        self.assertEqual(ev[0]["floor"]["pause_reason"], "disconnected")
        self.assertTrue(ev[0]["floor"]["overrun"])
        self.assertEqual([e for e in seq_events(chair) if e["ev"] == "floor.expired"][1:], [])
        self.check_seq()


class ExpiryCut(FloorTest):
    policy = {"statement_s": 2, "on_expiry": "cut"}

    async def test_cut_ends_the_speech(self):
        chair, viewer = self.c["chair"], self.c["viewer"]
        ke = await self.ask("kenya")
        jp = await self.ask("japan")
        await chair.ok("floor.next", meeting=self.mid)
        started = (await viewer.event("floor.changed"))["floor"]["started_at"]
        ex = await viewer.event("floor.expired", timeout=10)
        ended = await viewer.event("speech.ended", timeout=5)
        fc = await viewer.event("floor.changed", timeout=5)
        self.assertEqual(ex["entry"]["id"], ke["id"])
        self.assertEqual((ex["seq"] + 1, ex["seq"] + 2), (ended["seq"], fc["seq"]))
        self.assertGreaterEqual(ex["at"], started + 2000)
        self.assertEqual(ended["speech"]["entry"], ke["id"])
        self.assertGreaterEqual(ended["speech"]["spoken_ms"], 2000)
        self.assertIsNone(fc["floor"])
        st = await self.state()
        self.assertIsNone(st["floor"])
        self.assertEqual([e["id"] for e in st["queue"]], [jp["id"]])
        # a remote speaker's clock starts only when ready: calling never expires
        await chair.ok("floor.next", meeting=self.mid)
        await asyncio.sleep(2.5)
        self.assertEqual((await self.state())["floor"]["phase"], "calling")
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        # a pause stops the clock; resumed, it cuts
        await chair.ok("floor.pause", meeting=self.mid)
        await asyncio.sleep(2.5)
        st = await self.state()
        self.assertTrue(st["floor"]["paused"])
        self.assertFalse(st["floor"]["overrun"])
        await chair.ok("floor.resume", meeting=self.mid)
        ended = await viewer.event("speech.ended", timeout=10)
        self.assertEqual(ended["speech"]["entry"], jp["id"])
        self.assertGreaterEqual(ended["speech"]["spoken_ms"], 2000)
        self.check_seq()


class Record(FloorTest):
    async def test_stats_and_csv(self):
        chair, viewer = self.c["chair"], self.c["viewer"]
        speeches = []
        await self.ask("kenya")
        await self.ask("japan", "question", speaker="Mr Tanaka")
        await self.ask("brazil", on_behalf="latin_american_caribbean",
                       speaker="=cmd|' /C calc'!A0")
        await chair.ok("floor.next", meeting=self.mid)
        await asyncio.sleep(0.1)
        speeches.append((await chair.ok("floor.end", meeting=self.mid))["speech"])
        await chair.ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        await asyncio.sleep(0.1)
        await chair.ok("floor.next", meeting=self.mid)  # Japan's speech ends here
        await asyncio.sleep(0.1)
        speeches.append(None)
        speeches.append((await chair.ok("floor.end", meeting=self.mid))["speech"])
        await chair.ok("item.open", meeting=self.mid, item=self.stake)
        await self.c["au"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.ask("kenya")
        await chair.ok("floor.next", meeting=self.mid)
        await chair.ok("floor.next", meeting=self.mid)
        speeches.append(None)
        speeches.append((await chair.ok("floor.end", meeting=self.mid))["speech"])
        await viewer.wait_for(lambda: len([e for e in seq_events(viewer)
                                           if e["ev"] == "speech.ended"]) == 5)
        recorded = [e["speech"] for e in seq_events(viewer) if e["ev"] == "speech.ended"]
        for got, want in zip(recorded, speeches):
            if want:
                self.assertEqual(got, want)
        self.assertEqual([s["delegation"]["name"] for s in recorded],
                         ["Kenya", "Japan", "Brazil", "African Union", "Kenya"])
        self.assertTrue(all(s["spoken_ms"] >= 100 for s in recorded[:3]), recorded)

        def total(pred):
            return sum(s["spoken_ms"] for s in recorded if pred(s))
        st = await self.c["kenya"].ok("meeting.stats", meeting=self.mid)
        self.assertEqual(st["meeting"], self.mid)

        def rows(key):
            return {r["key"]: r for r in st[key]}
        d = self.tokens["delegations"]
        byd = rows("by_delegation")
        self.assertEqual(set(byd), {d["Kenya"], d["Japan"], d["Brazil"], d["African Union"]})
        self.assertEqual(byd[d["Kenya"]]["count"], 2)
        self.assertEqual(byd[d["Kenya"]]["name"], "Kenya")
        self.assertEqual(byd[d["Kenya"]]["spoken_ms"],
                         total(lambda s: s["delegation"]["name"] == "Kenya"))
        self.assertEqual(byd[d["Japan"]]["spoken_ms"],
                         total(lambda s: s["delegation"]["name"] == "Japan"))
        byg = rows("by_group")
        self.assertEqual(byg["african"]["count"], 2)
        self.assertEqual(byg["asia_pacific"]["count"], 1)
        self.assertEqual(byg["latin_american_caribbean"]["count"], 1)
        self.assertEqual(byg["organization"]["count"], 1)
        self.assertEqual(sum(r["count"] for r in st["by_group"]), 5)
        self.assertEqual(sum(r["spoken_ms"] for r in st["by_group"]), total(lambda s: True))
        byk = rows("by_kind")
        self.assertEqual((byk["statement"]["count"], byk["question"]["count"]), (4, 1))
        self.assertEqual(byk["question"]["spoken_ms"], recorded[1]["spoken_ms"])
        byp = rows("by_presence")
        self.assertEqual((byp["room"]["count"], byp["remote"]["count"]), (4, 1))
        self.assertEqual(byp["remote"]["spoken_ms"], recorded[1]["spoken_ms"])
        await self.c["kenya"].err("meeting.stats", "not_found", meeting="m999")
        # record.csv: a row per speech, in order
        status, headers, body = self.server.http_get(
            "/meetings/%s/record.data.csv?feed=%s" % (self.mid, self.tokens["kenya_feed"]))
        self.assertEqual(status, 200)
        self.assertIn("text/csv", headers["content-type"])
        table = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual(len(table), 5)
        for row, s in zip(table, recorded):
            self.assertEqual(row["entry"], s["entry"])
            self.assertEqual(row["item"], s["item"])
            self.assertEqual(row["delegation_name"], s["delegation"]["name"])
            self.assertEqual(row["kind"], s["kind"])
            self.assertEqual(row["presence"], s["presence"])
            self.assertEqual(int(row["spoken_ms"]), s["spoken_ms"])
            self.assertEqual(int(row["allotted_ms"]), s["allotted_ms"])
            self.assertEqual(int(row["ended_at"]), s["ended_at"])
        self.assertEqual(table[1]["speaker"], "Mr Tanaka")
        self.assertEqual(table[2]["on_behalf"], "latin_american_caribbean")
        self.assertEqual(table[2]["group"], "latin_american_caribbean")
        self.assertTrue(table[2]["speaker"].startswith("'="), table[2]["speaker"])
        self.assertEqual(table[3]["item"], self.stake)
        self.assertEqual(self.server.http_get(
            "/meetings/%s/record.csv?feed=nosuchfeed" % self.mid)[0], 404)
        self.assertEqual(self.server.http_get(
            "/meetings/m999/record.csv?feed=%s" % self.tokens["kenya_feed"])[0], 404)
        self.check_seq()


class Demo(ServerTest):
    server_args = ("--demo",)

    async def test_invite_links_let_a_newcomer_request_and_give_the_floor(self):
        links = {}
        for _ in range(100):
            links = {label.strip(): token for label, token in re.findall(
                r"^  (.+?) +https?://\S+/#token=(\S+)$", self.server.read_log(), re.M)}
            if len(links) >= 6:
                break
            await asyncio.sleep(0.05)
        self.assertEqual(set(links), {"chair", "delegate (Kenya, in the room)",
                                      "delegate (Japan, remote)", "observer (African Union)",
                                      "viewer", "secretariat"}, links)
        links["delegate"] = links["delegate (Kenya, in the room)"]
        links["japan"] = links["delegate (Japan, remote)"]
        chair = await Client.connect(self.server, links["chair"])
        meetings = (await chair.ok("meeting.list"))["meetings"]
        hybrid = [m for m in meetings if m["kind"] == "thematic"][0]
        st = (await chair.ok("meeting.join", meeting=hybrid["id"], presence="room"))["state"]
        self.assertIn("attendance", st)
        delegate = await Client.connect(self.server, links["delegate"])
        await delegate.ok("meeting.join", meeting=hybrid["id"], presence="room")
        e = (await delegate.ok("floor.request", meeting=hybrid["id"], kind="statement"))["entry"]
        r = await chair.ok("floor.next", meeting=hybrid["id"])
        self.assertEqual(r["entry"]["id"], e["id"])
        f = (await delegate.event("floor.changed"))["floor"]
        self.assertEqual((f["entry"]["id"], f["phase"]), (e["id"], "speaking"))
        await chair.ok("floor.end", meeting=hybrid["id"])
        # the remote delegate: called, then ready
        japan = await Client.connect(self.server, links["japan"])
        await japan.ok("meeting.join", meeting=hybrid["id"], presence="remote")
        e = (await japan.ok("floor.request", meeting=hybrid["id"], kind="question"))["entry"]
        await chair.ok("floor.give", meeting=hybrid["id"], entry=e["id"])
        f = (await japan.event("floor.changed"))["floor"]
        self.assertEqual(f["phase"], "calling")
        await japan.ok("floor.ready", meeting=hybrid["id"])
        f = (await japan.event("floor.changed"))["floor"]
        self.assertEqual(f["phase"], "speaking")
        viewer = await Client.connect(self.server, links["viewer"])
        await viewer.ok("meeting.join", meeting=hybrid["id"], presence="remote")
        await viewer.err("floor.request", "forbidden", meeting=hybrid["id"], kind="statement")


if __name__ == "__main__":
    main()
