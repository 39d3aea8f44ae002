"""Work off the service thread (server/ops/deferred.c): schedule.suggest over a
series for 193 States takes most of a second; while it is computed the floor's
events go out as usual, a second one from the same connection is refused at
once, and a connection that leaves before its answer harms nothing."""

import asyncio
import json
import time

from harness import Client, ProgrammeTest, main

ZONES = ["Asia/Tokyo", "Europe/Paris", "America/New_York", "Pacific/Auckland",
         "Africa/Nairobi", "America/Sao_Paulo"]
BIG = dict(tz="UTC", date_from="2027-01-04", date_to="2028-02-06", duration_s=10800,
           series=64)


class Deferred(ProgrammeTest):
    who = ["chair", "kenya"]

    async def asyncSetUp(self):
        await super().asyncSetUp()
        for i in range(190):  # with Kenya, Japan and Brazil: 193 States
            await self.admin.ok("delegation.create", name="State %d" % i, kind="state",
                                group="african", tz=ZONES[i % len(ZONES)])
            if i % 25 == 24:
                await asyncio.sleep(0.9)

    async def answer(self, client, rid, timeout=120):
        """The reply to request `rid`, however long the computing takes (a
        sanitized build is ten times slower)."""
        return await client.wait_for(lambda: client.replies.pop(rid, None), timeout)

    async def test_the_floor_goes_on_while_a_series_is_computed(self):
        t0 = time.monotonic()
        await self.admin.ws.send(json.dumps(dict(op="schedule.suggest", id=9000, **BIG)))
        big = asyncio.ensure_future(self.answer(self.admin, 9000))
        await asyncio.sleep(0.05)
        await self.admin.err("schedule.suggest", "rate_limited", **BIG)
        await self.c["chair"].ok("queue.close", meeting=self.mid)
        e = await self.c["kenya"].event("queue.closed")
        closed_after = time.monotonic() - t0
        r = await big
        answered_after = time.monotonic() - t0
        self.assertTrue(r["ok"], r)
        self.assertEqual(len(r["slots"]), 64)
        self.assertEqual(len(r["burden_by_delegation"]), 193)
        self.assertLess(closed_after, answered_after)
        self.assertEqual(e["meeting"], self.mid)

    async def test_a_connection_that_leaves_before_its_answer(self):
        other = await Client.connect(self.server, self.server.admin_token)
        await other.ws.send('{"op": "schedule.suggest", "id": 1, "tz": "UTC", '
                            '"date_from": "2027-01-04", "date_to": "2028-02-06", '
                            '"duration_s": 10800, "series": 64}')
        await asyncio.sleep(0.05)
        await other.close()
        await asyncio.sleep(1.5)  # its answer is ready (or still computing) and dropped
        await self.admin.ws.send(json.dumps(dict(op="schedule.suggest", id=9001,
                                                 **dict(BIG, series=2))))
        r = await self.answer(self.admin, 9001)
        self.assertTrue(r["ok"], r)
        self.assertEqual(len(r["slots"]), 2)
        await self.c["chair"].ok("queue.close", meeting=self.mid)


if __name__ == "__main__":
    main()
