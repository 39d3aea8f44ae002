"""Issue 14, point 4, against the real server: agenda items with a planned
duration, each item's clock (from its opening; the first item's from the
meeting's first change), shown in the state and the item event, and the
record keeping each item's real duration, the same after kill -9."""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Client, ProgrammeTest, Server, join_programme, main, setup_programme  # noqa: E402,F401


class ItemTimers(ProgrammeTest):
    who = ["chair", "kenya"]

    async def asyncSetUp(self):
        self.server_items = [{"title": "General", "planned_s": 1200},
                             {"title": "Stakeholders", "kind": "stakeholder"}]
        self.admin, self.meeting, self.tokens = await setup_programme(
            self.server, items=self.server_items)
        self.mid = self.meeting["id"]
        self.general, self.stake = [i["id"] for i in self.meeting["items"]]
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=self.who)

    async def state(self):
        return (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                         presence="room"))["state"]

    async def test_planned_and_real_durations(self):
        self.assertEqual(self.meeting["items"][0]["planned_s"], 1200)
        self.assertNotIn("planned_s", self.meeting["items"][1])
        r = await self.admin.err("meeting.create", "bad_request", title="X", kind="other",
                                 format="virtual", tz="UTC", start="2027-03-09T10:00",
                                 end="2027-03-09T11:00",
                                 items=[{"title": "Too short", "planned_s": 5}])
        self.assertIn("planned_s", r["error"]["message"])
        st = await self.state()
        self.assertEqual(st["item_clock"], {"item": self.general, "spent_ms": 0,
                                            "open_since": None})
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        st = await self.state()
        begun = st["item_clock"]["open_since"]
        self.assertIsInstance(begun, int)
        await asyncio.sleep(0.6)
        chair = self.c["chair"]
        await chair.ok("item.open", meeting=self.mid, item=self.stake)
        ev = await chair.event("item")
        self.assertEqual(ev["item_clock"], {"item": self.stake, "spent_ms": 0,
                                            "open_since": ev["at"]})
        stats = await chair.ok("meeting.stats", meeting=self.mid)
        items = {i["item"]: i for i in stats["items"]}
        spent = items[self.general]["spent_ms"]
        self.assertEqual(spent, ev["at"] - begun)
        self.assertGreaterEqual(spent, 600)
        self.assertEqual(items[self.general]["planned_s"], 1200)
        self.assertFalse(items[self.general]["open"])
        self.assertTrue(items[self.stake]["open"])
        # the record is rebuilt from the log: the same after kill -9
        self.server.kill9()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["chair"])
        stats = await c["chair"].ok("meeting.stats", meeting=self.mid)
        self.assertEqual({i["item"]: i for i in stats["items"]}[self.general]["spent_ms"], spent)
        self.assertEqual(c["chair"].state["item_clock"]["open_since"], ev["at"])


if __name__ == "__main__":
    main()
