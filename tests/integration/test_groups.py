"""Issue 14, points 1 and 2, against the real server: groups of States
defined by the secretariat (group.create / update / list), statements on
behalf of a regional or political group that only members may make, ad hoc
joint statements with the group time from policy.joint_min, the record
counting statements per group, and time contingents per group and item:
drawn by each speech, shown on the floor, refused when spent, added to by
the chair, and the same after kill -9 and a restart."""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, Server, join_programme, main  # noqa: E402


class Groups(ProgrammeTest):
    async def test_groups_and_who_may_speak_for_them(self):
        admin, d = self.admin, self.tokens["delegations"]
        g77 = (await admin.ok("group.create", name="Group of 77 and China",
                              members=[d["Kenya"], d["Brazil"]],
                              coordinator=d["Kenya"]))["group"]
        self.assertEqual(g77["members"], [d["Kenya"], d["Brazil"]])
        self.assertEqual(g77["coordinator"], d["Kenya"])
        self.assertTrue(g77["id"].startswith("g"))
        # every bad definition is refused, naming what
        r = await admin.err("group.create", "not_found", name="X", members=["d999"])
        self.assertIn("d999", r["error"]["message"])
        r = await admin.err("group.create", "bad_request", name="X",
                            members=[d["African Union"]])
        self.assertIn("not a State", r["error"]["message"])
        r = await admin.err("group.create", "bad_request", name="X",
                            members=[d["Kenya"]], coordinator=d["Japan"])
        self.assertIn("coordinator", r["error"]["message"])
        await admin.err("group.create", "bad_request", name="X", members=[])
        await admin.err("group.create", "bad_request", name="african", members=[d["Kenya"]])
        await self.c["kenya"].err("group.create", "forbidden", name="Y", members=[d["Kenya"]])
        await admin.err("group.update", "not_found", group="g99", name="Z")
        listed = (await self.c["viewer"].ok("group.list"))["groups"]
        self.assertEqual(listed, [g77])

        # a Latin American State may not speak for the African States
        r = await self.c["brazil"].err("floor.request", "forbidden", meeting=self.mid,
                                       kind="statement", on_behalf="african")
        self.assertIn("african", r["error"]["message"])
        r = await self.c["japan"].err("floor.request", "forbidden", meeting=self.mid,
                                      kind="statement", on_behalf=g77["id"])
        self.assertIn("Group of 77 and China", r["error"]["message"])
        await self.c["japan"].err("floor.request", "not_found", meeting=self.mid,
                                  kind="statement", on_behalf="Friends of the Chair")
        await self.c["au"].err("floor.request", "forbidden", meeting=self.mid,
                               kind="statement", on_behalf="african")
        br = await self.ask("brazil", on_behalf=g77["id"])
        self.assertEqual(br["on_behalf"], g77["id"])
        self.assertEqual(br["on_behalf_name"], "Group of 77 and China")
        self.assertEqual(br["allotted_ms"], 420000)
        ke = await self.ask("kenya", on_behalf="african")
        self.assertEqual(ke["allotted_ms"], 420000)
        # once a member, Japan may
        await admin.ok("group.update", group=g77["id"],
                       members=[d["Kenya"], d["Brazil"], d["Japan"]])
        jp = await self.ask("japan", on_behalf=g77["id"])
        self.assertEqual(jp["allotted_ms"], 420000)

        # joint statements: three States are fewer than joint_min (5)
        await self.c["chair"].ok("queue.remove", meeting=self.mid, entry=ke["id"])
        r = await self.c["kenya"].err("floor.request", "not_found", meeting=self.mid,
                                      kind="statement", on_behalf={"joint": ["d999"]})
        self.assertIn("d999", r["error"]["message"])
        await self.c["kenya"].err("floor.request", "bad_request", meeting=self.mid,
                                  kind="statement",
                                  on_behalf={"joint": [d["African Union"]]})
        await self.c["kenya"].err("floor.request", "bad_request", meeting=self.mid,
                                  kind="statement", on_behalf={"jointly": []})
        await self.c["kenya"].err("floor.request", "bad_request", meeting=self.mid,
                                  kind="statement", on_behalf="joint")
        joint = await self.ask("kenya", on_behalf={"joint": [d["Japan"], d["Brazil"]]})
        self.assertEqual(joint["on_behalf"], "joint")
        self.assertEqual(joint["joint"], [d["Japan"], d["Brazil"], d["Kenya"]])
        self.assertEqual(joint["allotted_ms"], 300000)

        # the record counts the statements per group
        chair = self.c["chair"]
        for _ in range(3):
            await chair.ok("floor.next", meeting=self.mid)
            await chair.ok("floor.end", meeting=self.mid)
        stats = await self.c["viewer"].ok("meeting.stats", meeting=self.mid)
        behalf = {row["key"]: row for row in stats["by_behalf"]}
        self.assertEqual(behalf[g77["id"]]["count"], 2)
        self.assertEqual(behalf[g77["id"]]["name"], "Group of 77 and China")
        self.assertEqual(behalf["joint"]["count"], 1)

        # groups are programme data: they survive a restart
        self.server.kill9()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["viewer"])
        self.assertEqual((await c["viewer"].ok("group.list"))["groups"][0]["members"],
                         [d["Kenya"], d["Brazil"], d["Japan"]])


class Contingents(ProgrammeTest):
    policy = {"contingent_s": 2}

    async def state(self):
        return (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                         presence="room"))["state"]

    async def test_contingent_drawn_spent_added_and_kept(self):
        chair = self.c["chair"]
        ke = await self.ask("kenya")
        self.assertEqual(ke["contingent"], "african")
        state = await self.state()
        self.assertEqual(state["contingents"], {"each_ms": 2000, "left_ms": {}})
        await chair.ok("floor.next", meeting=self.mid)
        state = await self.state()
        self.assertEqual(state["floor"]["contingent_ms"], 2000)
        self.assertEqual(state["floor"]["allotted_ms"], 2000)  # capped at what is left
        await asyncio.sleep(0.5)
        ended = (await chair.ok("floor.end", meeting=self.mid))["speech"]
        self.assertGreaterEqual(ended["drawn_ms"], 500)
        self.assertEqual(ended["drawn_ms"], ended["spoken_ms"])
        ev = await chair.event("speech.ended")
        self.assertEqual(ev["contingent_left_ms"], 2000 - ended["drawn_ms"])
        # Kenya speaks past what is left: the group is charged what was left
        await self.ask("kenya")
        await chair.ok("floor.next", meeting=self.mid)
        await asyncio.sleep(2.0)
        ended = (await chair.ok("floor.end", meeting=self.mid))["speech"]
        self.assertLess(ended["drawn_ms"], ended["spoken_ms"])
        state = await self.state()
        self.assertEqual(state["contingents"]["left_ms"]["african"], 0)
        r = await self.c["kenya"].err("floor.request", "limit", meeting=self.mid,
                                      kind="question")
        self.assertIn("african", r["error"]["message"])
        # another group's time is whole; a point of order draws on none
        await self.ask("brazil")
        await self.ask("kenya", "point_of_order")
        # the chair adds time; only the chair
        await self.c["kenya"].err("queue.contingent", "forbidden", meeting=self.mid,
                                  group="african", seconds=30)
        await chair.err("queue.contingent", "not_found", meeting=self.mid, group="g42",
                        seconds=30)
        await chair.err("queue.contingent", "bad_request", meeting=self.mid,
                        group="african", seconds=0)
        await chair.ok("queue.contingent", meeting=self.mid, group="african", seconds=30)
        ev = await chair.event("contingent.added")
        self.assertEqual((ev["group"], ev["ms"], ev["contingent_left_ms"]),
                         ("african", 30000, 30000))
        await self.ask("kenya", "question")
        before = (await self.state())["contingents"]
        # kill -9 and a restart: the same contingents
        self.server.kill9()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["chair"])
        self.assertEqual(c["chair"].state["contingents"], before)


class NoContingents(ProgrammeTest):
    who = ["chair"]

    async def test_nothing_to_add_to(self):
        r = await self.c["chair"].err("queue.contingent", "conflict", meeting=self.mid,
                                      group="african", seconds=30)
        self.assertIn("no time contingents", r["error"]["message"])
        self.assertIsNone(self.c["chair"].state["contingents"])


if __name__ == "__main__":
    main()
