"""Issue 14, point 7, against the real server: a remote speaker whose line
dropped comes back, says so with floor.ready again, and the chair sees it
on the floor (returned_at) and resumes; nobody else may say it for them, and
saying it twice is a conflict."""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Client, ProgrammeTest, main  # noqa: E402


class Returning(ProgrammeTest):
    who = ["chair", "kenya", "japan"]

    async def test_the_speaker_says_they_are_back(self):
        chair, m = self.c["chair"], self.mid
        jp = await self.ask("japan")
        await chair.ok("floor.give", meeting=m, entry=jp["id"])
        await self.c["japan"].ok("floor.ready", meeting=m)
        await asyncio.sleep(0.3)
        await self.c.pop("japan").close()

        async def floor():
            return (await chair.ok("meeting.join", meeting=m, presence="room"))["state"]["floor"]
        for _ in range(50):
            f = await floor()
            if f["paused"]:
                break
            await asyncio.sleep(0.1)
        self.assertEqual(f["pause_reason"], "disconnected")
        self.assertNotIn("returned_at", f)
        # back on a new line
        japan = await Client.connect(self.server, self.tokens["japan"])
        await japan.ok("meeting.join", meeting=m, presence="remote")
        await self.c["kenya"].err("floor.ready", "forbidden", meeting=m)
        chair.drain()
        await japan.ok("floor.ready", meeting=m)
        ev = await chair.event("floor.changed")
        self.assertEqual((ev["floor"]["paused"], ev["floor"]["pause_reason"]),
                         (True, "disconnected"))
        self.assertGreaterEqual(ev["floor"]["returned_at"], ev["at"])
        self.assertIsNone(ev["floor"]["running_since"])  # the clock waits for the chair
        r = await japan.err("floor.ready", "conflict", meeting=m)
        self.assertIn("the chair resumes", r["error"]["message"])
        await chair.ok("floor.resume", meeting=m)
        f = await floor()
        self.assertFalse(f["paused"])
        self.assertNotIn("returned_at", f)


if __name__ == "__main__":
    main()
