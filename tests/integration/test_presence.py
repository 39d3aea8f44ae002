"""Presence per connection (issue 15, point 2) against the real server: each
connection joined to a meeting has its own presence; a participant is remote
only while all their connections are; a screen (the projector) is nobody's
attendance and may not act; the chair's attendance and presence events say
so, with each participant's connections counted."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Client, ProgrammeTest, main  # noqa: E402


class Presence(ProgrammeTest):
    who = ["chair"]

    async def attendance(self):
        st = (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                       presence="room"))["state"]
        return {a["participant"]: a for a in st["attendance"]}

    async def join(self, who, presence):
        c = await Client.connect(self.server, self.tokens[who])
        r = await c.ok("meeting.join", meeting=self.mid, presence=presence)
        c.state = r["state"]
        return c

    async def test_a_second_remote_tab_does_not_move_the_first_out_of_the_room(self):
        au = self.tokens["ids"]["au"]
        room = await self.join("au", "room")
        remote = await self.join("au", "remote")
        a = (await self.attendance())[au]
        self.assertEqual((a["presence"], a["online"]), ("room", True))
        self.assertEqual(a["connections"], {"room": 1, "remote": 1})
        await room.close()
        chair = self.c["chair"]
        await chair.wait_for(lambda: [e for e in chair.seen if e.get("ev") == "presence"
                                      and e["participant"] == au
                                      and e["connections"] == {"room": 0, "remote": 1}])
        a = (await self.attendance())[au]
        self.assertEqual((a["presence"], a["online"]), ("remote", True))
        await remote.close()
        await chair.wait_for(lambda: [e for e in chair.seen if e.get("ev") == "presence"
                                      and e["participant"] == au and e["online"] is False])
        a = (await self.attendance())[au]
        self.assertEqual((a["presence"], a["online"]), ("remote", False))

    async def test_rejoining_changes_only_that_connections_presence(self):
        ke = self.tokens["ids"]["kenya"]
        one = await self.join("kenya", "remote")
        two = await self.join("kenya", "remote")
        self.assertEqual((await self.attendance())[ke]["presence"], "remote")
        await two.ok("meeting.join", meeting=self.mid, presence="room")
        # each connection's requests carry that connection's presence
        entry = (await one.ok("floor.request", meeting=self.mid, kind="statement"))["entry"]
        self.assertEqual(entry["presence"], "remote")
        a = (await self.attendance())[ke]
        self.assertEqual((a["presence"], a["connections"]), ("room", {"room": 1, "remote": 1}))
        await two.ok("meeting.join", meeting=self.mid, presence="remote")
        a = (await self.attendance())[ke]
        self.assertEqual((a["presence"], a["connections"]), ("remote", {"room": 0, "remote": 2}))
        await one.close()
        await two.close()

    async def test_a_screen_is_no_attendance_and_may_not_act(self):
        viewer = self.tokens["ids"]["viewer"]
        screen = await self.join("viewer", "screen")
        self.assertEqual(screen.state["meeting"]["id"], self.mid)
        self.assertNotIn(viewer, await self.attendance())
        # a viewer's screen turned nobody into "in the room"; the chair heard nothing
        self.assertEqual([e for e in self.c["chair"].seen if e.get("ev") == "presence"
                          and e["participant"] == viewer], [])
        # it hears the meeting's events like anyone joined
        kenya = await self.join("kenya", "remote")
        await kenya.ok("floor.request", meeting=self.mid, kind="statement")
        await screen.event("queue.added")
        # it may not turn into attendance on the same connection
        await screen.err("meeting.join", "conflict", meeting=self.mid, presence="room")
        # the chair's own screen is no attendance either, and gets no presence
        chair_screen = await self.join("chair", "screen")
        self.assertNotIn("presence", [e.get("ev") for e in chair_screen.seen])
        await kenya.close()
        self.assertEqual([e.get("ev") for e in chair_screen.seen if e.get("ev") == "presence"], [])
        await chair_screen.err("floor.next", "conflict", meeting=self.mid)
        a = await self.attendance()
        self.assertEqual(a[self.tokens["ids"]["chair"]]["connections"], {"room": 1, "remote": 0})
        # a viewer's remote connection and its screen: the viewer is remote
        remote = await self.join("viewer", "remote")
        self.assertEqual((await self.attendance())[viewer]["presence"], "remote")
        await screen.close()
        a = (await self.attendance())[viewer]
        self.assertEqual((a["presence"], a["online"]), ("remote", True))
        await remote.close()
        await chair_screen.close()

    async def test_a_bad_presence_names_the_values(self):
        r = await self.c["chair"].err("meeting.join", "bad_request", meeting=self.mid,
                                      presence="lobby")
        self.assertIn("'screen'", r["error"]["message"])


if __name__ == "__main__":
    main()
