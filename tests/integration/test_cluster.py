#!/usr/bin/env python3
"""Three plenaryd nodes and a real nats-server -js on loopback (docs/CLUSTER.md):
clients on node A see, in order and without gaps, what the chair does on node
B; requests made at once on different nodes are each taken once, in one
order; kill -9 of the node that holds the timers hands them to another within
5 s, and a speech's expiry then still happens; a node stopped and started
again catches up from the log; every node's database rebuilds from its log."""
import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PLENARYD, Client, Nats, Server, assert_consecutive,  # noqa: E402
                     main, metric, setup_programme)
from test_documents import get, upload  # noqa: E402

NATS = shutil.which("nats-server")


@unittest.skipUnless(NATS, "nats-server is not installed (tools/deps test installs it)")
class Cluster(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.nats = Nats().start()
        self.nodes = {}
        for name in ("a", "b", "c"):  # one after the other: a bootstraps, b and c follow
            self.nodes[name] = Server("--cluster", self.nats.url, "--node", name).start()
        # b and c have no token file: the secretariat is the one a's first start made
        self.token = self.nodes["a"].admin_token

    def tearDown(self):
        codes = {n: s.stop() for n, s in self.nodes.items()}
        self.nats.stop()
        for n, code in codes.items():  # a sanitizer's report is an exit status too
            if code not in (0, -9, None):
                print(self.nodes[n].read_log()[-4000:])
            self.assertIn(code, (0, -9, None), "node %s exited %s" % (n, code))

    def rebuilds(self, name):
        s = self.nodes[name]
        s.stop()
        for tool in (["replay", "--db", s.db, "--check"], ["verify", "--db", s.db]):
            out = subprocess.run([PLENARYD] + tool, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, name + ": " + out.stdout + out.stderr)

    async def people(self, meeting, tokens, where):
        """{who: Client} joined to meeting, each on the node `where` says."""
        out = {}
        for who, node in where.items():
            c = await Client.connect(self.nodes[node], tokens[who])
            r = await c.ok("meeting.join", meeting=meeting["id"],
                           presence="remote" if who == "japan" else "room")
            c.joined = r["state"]["seq"]
            out[who] = c
        return out

    async def test_what_the_chair_does_on_b_reaches_a_in_order(self):
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        # the programme made on a is on b and c (once they have applied it: a read
        # is answered from what a node has, and under ASan b may be a little behind)
        self.caught_up()
        for n in ("b", "c"):
            other = await Client.connect(self.nodes[n], self.token)
            ms = (await other.ok("meeting.list"))["meetings"]
            self.assertEqual([m["id"] for m in ms], [meeting["id"]])
            await other.close()
        p = await self.people(meeting, tokens, {"chair": "b", "kenya": "a", "japan": "c",
                                                "brazil": "a", "viewer": "a"})
        mid = meeting["id"]
        # asked on a and on c, given on b
        await p["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await p["japan"].ok("floor.request", meeting=mid, kind="statement")
        await p["chair"].ok("floor.next", meeting=mid)
        fc = await p["viewer"].event("floor.changed")
        self.assertEqual(fc["floor"]["entry"]["participant"], tokens["ids"]["kenya"])
        await p["chair"].ok("floor.end", meeting=mid)
        await p["chair"].ok("floor.next", meeting=mid)
        ended = await p["viewer"].event("speech.ended")
        self.assertEqual(ended["meeting"], mid)
        fc = await p["viewer"].event("floor.changed", timeout=5)
        await p["kenya"].wait_for(lambda: any(e.get("ev") == "floor.changed" and
                                              e["floor"] and e["floor"]["entry"]["participant"] ==
                                              tokens["ids"]["japan"] for e in p["kenya"].seen))
        # every node's clients saw the same events, in order, without a gap
        seqs = {who: assert_consecutive(c, c.joined, mid) for who, c in p.items()}
        last = max(s[-1] for s in seqs.values())
        for who, c in p.items():
            await c.wait_for(lambda c=c: seq_last(c, mid) >= last)
        texts = {who: [(e["seq"], e["ev"]) for e in c.seen if "seq" in e]
                 for who, c in p.items()}
        self.assertEqual(texts["viewer"][-3:], texts["japan"][-3:])
        for c in p.values():
            await c.close()
        await admin.close()
        for n in ("a", "b", "c"):
            self.rebuilds(n)

    async def test_requests_at_once_on_three_nodes_are_each_taken_once(self):
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        p = await self.people(meeting, tokens, {"kenya": "a", "japan": "b", "brazil": "c",
                                                "viewer": "a"})
        mid = meeting["id"]
        asks = await asyncio.gather(*(p[w].ok("floor.request", meeting=mid, kind="statement")
                                      for w in ("kenya", "japan", "brazil")))
        entries = [a["entry"]["id"] for a in asks]
        self.assertEqual(len(set(entries)), 3)
        for c in p.values():
            await c.wait_for(lambda c=c: sum(e.get("ev") == "queue.added"
                                             for e in c.seen) >= 3)
        self.assertEqual(len(assert_consecutive(p["viewer"], p["viewer"].joined, mid)),
                         len(assert_consecutive(p["brazil"], p["brazil"].joined, mid)))
        order = [e["entry"]["id"] for e in p["viewer"].seen if e.get("ev") == "queue.added"]
        for c in p.values():
            self.assertEqual([e["entry"]["id"] for e in c.seen
                              if e.get("ev") == "queue.added"], order)
        for c in p.values():
            await c.close()
        await admin.close()

    async def test_a_burst_on_every_node_gives_each_id_once(self):
        """30 delegations created at once on each node: the appends race, the
        log takes one at each place, and the refused ones are decided again
        on the newer state, so every id is given once and every node lists
        the same 90."""
        admins = {n: await Client.connect(self.nodes[n], self.token) for n in self.nodes}

        async def burst(node):
            return await asyncio.gather(*(admins[node].ok(
                "delegation.create", name="State %s%d" % (node, i), kind="state",
                tz="UTC", group="african") for i in range(30)))
        made = sum(await asyncio.gather(*(burst(n) for n in self.nodes)), [])
        ids = sorted(int(r["delegation"]["id"][1:]) for r in made)
        self.assertEqual(ids, list(range(ids[0], ids[0] + 90)))
        fenced = sum(metric(s, "plenary_cluster_fenced_total") for s in self.nodes.values())
        self.assertGreater(fenced, 0, "the appends never raced: the test tests nothing")
        print("appends fenced and decided again: %d" % fenced)
        self.caught_up()
        lists = []
        for n, a in admins.items():
            ds = (await a.ok("delegation.list"))["delegations"]
            lists.append(sorted((d["id"], d["name"]) for d in ds))
        self.assertEqual(lists[0], lists[1])
        self.assertEqual(lists[0], lists[2])
        for a in admins.values():
            await a.close()
        for n in self.nodes:
            self.rebuilds(n)

    async def test_the_timers_move_when_their_node_is_killed(self):
        # a speech of 2 s with on_expiry "cut": its end is the timers' node's to decide
        admin, meeting, tokens = await setup_programme(
            self.nodes["a"], policy={"statement_s": 3, "on_expiry": "cut"})
        holder = self.timers_holder()
        others = [n for n in ("a", "b", "c") if n != holder]
        p = await self.people(meeting, tokens, {"chair": others[0], "kenya": others[1],
                                                "viewer": others[1]})
        mid = meeting["id"]
        await p["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await p["chair"].ok("floor.next", meeting=mid)
        await p["viewer"].event("floor.changed")
        t0 = time.monotonic()
        self.nodes[holder].kill9()
        # the expiry (3 s after the floor was given) is decided by the new holder
        ended = await p["viewer"].event("speech.ended", timeout=10)
        took = time.monotonic() - t0
        self.assertLess(took, 5.5, "the timers took %.1f s to move" % took)
        self.assertEqual(ended["meeting"], mid)
        self.assertNotEqual(self.timers_holder(), holder)
        assert_consecutive(p["viewer"], p["viewer"].joined, mid)
        for c in p.values():
            await c.close()
        await admin.close()

    async def test_a_deadline_during_the_takeover_closes_once(self):
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        holder = self.timers_holder()
        other = [n for n in ("a", "b", "c") if n != holder][0]
        lobby = await Client.connect(self.nodes[other], tokens["brazil"])
        sec = await Client.connect(self.nodes[other], self.token)
        p = (await sec.ok("procedure.start", kind="adoption", title="Final report",
                          text="The meeting adopts...",
                          deadline=int(time.time() * 1000) + 1000))["procedure"]
        self.nodes[holder].kill9()  # the deadline falls while no node holds the timers
        try:
            e = await lobby.event("procedure.closed", timeout=10, procedure=p["id"])
        except AssertionError:
            for n, s in self.nodes.items():
                print("---", n, holder, "\n", s.read_log()[-3000:])
            raise
        self.assertEqual(e["result"], "adopted")
        self.assertEqual(e["closed_at"], p["deadline"])
        await asyncio.sleep(1.5)
        closings = [x for x in lobby.seen if x.get("ev") == "procedure.closed"]
        self.assertEqual(len(closings), 1)
        got = (await sec.ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["status"], "adopted")
        for c in (lobby, sec, admin):
            await c.close()

    async def test_a_node_stopped_catches_up_when_it_starts(self):
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        self.nodes["c"].stop()
        p = await self.people(meeting, tokens, {"kenya": "a", "chair": "b"})
        mid = meeting["id"]
        await p["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await p["chair"].ok("floor.next", meeting=mid)
        made = (await admin.ok("meeting.create", title="While c was down", kind="thematic",
                               format="virtual", tz="UTC", start="2027-04-01T10:00",
                               end="2027-04-01T11:00"))["meeting"]
        self.nodes["c"].start()
        viewer = await Client.connect(self.nodes["c"], tokens["viewer"])
        st = (await viewer.ok("meeting.join", meeting=mid, presence="room"))["state"]
        self.assertEqual(st["floor"]["entry"]["participant"], tokens["ids"]["kenya"])
        ids = [m["id"] for m in (await viewer.ok("meeting.list"))["meetings"]]
        self.assertIn(made["id"], ids)
        for c in list(p.values()) + [viewer]:
            await c.close()
        await admin.close()
        self.rebuilds("c")

    async def test_a_document_uploaded_on_a_is_read_on_every_node(self):
        # three chunks and a bit of plain text, so the file travels in pieces
        words = [("word%d" % i).encode() for i in range(5000)]
        data = b" ".join(words[i % 5000] for i in range(90000))[:700000] + b"\n"
        status, r = upload(self.nodes["a"], self.token,
                           {"title": "Across the nodes", "kind": "working_paper",
                            "language": "en"}, ("nodes.txt", data, "text/plain"))
        self.assertEqual(status, 201, r)
        doc = r["document"]
        self.assertEqual(doc["sha256"], hashlib.sha256(data).hexdigest())
        self.caught_up()
        for n in ("a", "b", "c"):
            status, headers, body = get(self.nodes[n], "/documents/" + doc["id"])
            self.assertEqual(status, 200, (n, body[:200]))
            self.assertEqual(hashlib.sha256(body).hexdigest(), doc["sha256"], n)
            self.assertTrue(headers["content-type"].startswith("text/plain"), headers)
        # b keeps what it fetched: its store has the file now
        self.assertTrue(os.path.exists(os.path.join(self.nodes["b"].db + ".documents",
                                                    doc["sha256"])))
        # a node started later applies the log and fetches the file the same way
        self.nodes["d"] = Server("--cluster", self.nats.url, "--node", "d").start()
        self.caught_up()
        status, _, body = get(self.nodes["d"], "/documents/" + doc["id"])
        self.assertEqual(status, 200, body[:200])
        self.assertEqual(hashlib.sha256(body).hexdigest(), doc["sha256"])
        # the same bytes uploaded again on c: a second document, the file stored once
        status, r2 = upload(self.nodes["c"], self.token,
                            {"title": "Again", "kind": "working_paper", "language": "fr"},
                            ("again.txt", data, "text/plain"))
        self.assertEqual(status, 201, r2)
        self.caught_up()
        status, _, body = get(self.nodes["a"], "/documents/" + r2["document"]["id"])
        self.assertEqual((status, hashlib.sha256(body).hexdigest()), (200, doc["sha256"]))
        for n in ("a", "b", "c", "d"):
            self.rebuilds(n)

    async def test_a_nats_restart_in_the_middle_of_a_meeting(self):
        """nats-server killed and started again on its store: what is asked
        meanwhile is refused at once with `unavailable`, reads go on, and once
        NATS is back every node resumes from the log with nothing acknowledged
        lost and seq consecutive."""
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        p = await self.people(meeting, tokens, {"chair": "b", "kenya": "a", "japan": "c",
                                                "viewer": "c"})
        mid = meeting["id"]
        await p["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await p["chair"].ok("floor.next", meeting=mid)
        await p["viewer"].event("floor.changed")
        self.caught_up()
        before = metric(self.nodes["a"], "plenary_cluster_applied")

        self.nats.halt()
        # a change already on its way when NATS died waits out the JetStream
        # timeout (5 s); the nodes see the link down within a second or so, and
        # from then on refuse at once
        deadline = time.monotonic() + 5
        while any(metric(self.nodes[n], "plenary_cluster_connected") for n in "abc"):
            self.assertLess(time.monotonic(), deadline, "a node still thinks NATS is up")
            await asyncio.sleep(0.1)
        for who, node in (("japan", "c"), ("chair", "b")):
            t0 = time.monotonic()
            rid = p[who].next_id
            p[who].next_id += 1
            req = {"op": "floor.pause", "id": rid, "meeting": mid}
            if who == "japan":
                req.update(op="floor.request", kind="statement")
            op = req["op"]
            await p[who].ws.send(json.dumps(req))
            r = await p[who].wait_for(lambda c=p[who]: c.replies.pop(rid, None), timeout=15)
            took = time.monotonic() - t0
            self.assertFalse(r["ok"], r)
            self.assertEqual(r["error"]["code"], "unavailable", r)
            self.assertLess(took, 2, "%s on node %s took %.1f s to be refused" % (op, node, took))
        # a document's file cannot reach NATS: refused, and nothing kept
        status, r = upload(self.nodes["a"], self.token, {"title": "Offline", "kind": "other",
                                                         "language": "en"},
                           ("offline.txt", b"written while NATS was down\n", "text/plain"))
        self.assertEqual((status, r["error"]["code"]), (503, "unavailable"), r)
        self.assertEqual(os.listdir(self.nodes["a"].db + ".documents"), [])
        # reads are answered from what each node has
        ms = (await p["viewer"].ok("meeting.list"))["meetings"]
        self.assertEqual([m["id"] for m in ms], [mid])
        for s in self.nodes.values():
            self.assertEqual(s.http_get("/healthz")[0], 200)

        # long enough for every node to count the others gone (their attendance too)
        def kenya_online(online, after=0):
            # the place just after the event (never 0: wait_for wants it true)
            return lambda: next((i + 1 for i, e in enumerate(p["chair"].seen)
                                 if i >= after and e.get("ev") == "presence" and
                                 e["participant"] == tokens["ids"]["kenya"] and
                                 e["online"] is online), None)
        gone = await p["chair"].wait_for(kenya_online(False), timeout=6)
        self.nats.start()
        # every node takes changes again, each once its own link is back: the
        # chair's pause on b, Japan's ask on c
        back = time.monotonic()

        async def until_taken(who, node, op, **args):
            while True:
                r = await p[who].call(op, meeting=mid, **args)
                if r["ok"] or time.monotonic() > back + 15:
                    break
                self.assertEqual(r["error"]["code"], "unavailable", r)
                await asyncio.sleep(0.1)
            self.assertTrue(r["ok"], "node %s did not resume: %s" % (node, r))
            print("node %s took changes again %.2f s after NATS was back"
                  % (node, time.monotonic() - back))
        await until_taken("chair", "b", "floor.pause")
        await until_taken("japan", "c", "floor.request", kind="statement")
        await p["kenya"].wait_for(lambda: any(e.get("ev") == "queue.added" and
                                              e["entry"]["participant"] == tokens["ids"]["japan"]
                                              for e in p["kenya"].seen), timeout=10)
        self.caught_up(timeout=10)
        self.assertEqual(metric(self.nodes["a"], "plenary_cluster_applied"), before + 2)
        # and the nodes told each other their connections again: Kenya, on a, is
        # back in the attendance of the chair on b
        await p["chair"].wait_for(kenya_online(True, gone), timeout=5)
        for who, c in p.items():
            assert_consecutive(c, c.joined, mid)
        late = await Client.connect(self.nodes["c"], tokens["brazil"])
        st = (await late.ok("meeting.join", meeting=mid, presence="room"))["state"]
        self.assertTrue(st["floor"]["paused"], st["floor"])
        self.assertEqual([e["participant"] for e in st["queue"]], [tokens["ids"]["japan"]])
        for c in list(p.values()) + [admin, late]:
            await c.close()
        if os.environ.get("PLENARY_SHOW_LOGS"):
            print(self.nodes["b"].read_log()[-4000:])
        for n in self.nodes:
            self.rebuilds(n)

    async def test_the_chair_on_a_sees_who_is_joined_on_b(self):
        """Attendance travels on core NATS: a delegate joined on b is in the
        attendance of the chair on a; kill -9 of b takes it out within the
        timeout (3 s unheard, checked each second); a node that stops
        cleanly takes its connections out at once."""
        admin, meeting, tokens = await setup_programme(self.nodes["a"])
        mid = meeting["id"]
        kenya_id, japan_id = tokens["ids"]["kenya"], tokens["ids"]["japan"]
        p = await self.people(meeting, tokens, {"chair": "a", "kenya": "b", "japan": "c"})
        chair = p["chair"]

        def presence(who, online):
            return lambda: any(e.get("ev") == "presence" and e["participant"] == who and
                               e["online"] is online for e in chair.seen)
        await chair.wait_for(presence(kenya_id, True))
        await chair.wait_for(presence(japan_id, True))
        # a second chair console on a, joined later, gets them in its state
        again = await Client.connect(self.nodes["a"], tokens["chair"])
        st = (await again.ok("meeting.join", meeting=mid, presence="room"))["state"]
        att = {r["participant"]: r for r in st["attendance"]}
        self.assertTrue(att[kenya_id]["online"], att)
        self.assertEqual((att[kenya_id]["presence"], att[kenya_id]["connections"]),
                         ("room", {"room": 1, "remote": 0}))
        self.assertEqual(att[japan_id]["presence"], "remote")  # japan joins remotely
        # and a second connection of Kenya's, on c, counts with the first
        k2 = await Client.connect(self.nodes["c"], tokens["kenya"])
        await k2.ok("meeting.join", meeting=mid, presence="remote")
        await chair.wait_for(lambda: any(
            e.get("ev") == "presence" and e["participant"] == kenya_id and
            e["connections"] == {"room": 1, "remote": 1} for e in chair.seen))

        # a node started now is told what the others have
        self.nodes["d"] = Server("--cluster", self.nats.url, "--node", "d").start()
        self.caught_up()
        late = await Client.connect(self.nodes["d"], tokens["chair"])

        async def attendance_on_d():
            st = (await late.ok("meeting.join", meeting=mid, presence="remote"))["state"]
            return {r["participant"]: r["connections"] for r in st["attendance"]}
        deadline = time.monotonic() + 5
        while (await attendance_on_d()).get(kenya_id) != {"room": 1, "remote": 1}:
            self.assertLess(time.monotonic(), deadline, await attendance_on_d())
            await asyncio.sleep(0.2)
        self.assertEqual((await attendance_on_d())[japan_id], {"room": 0, "remote": 1})
        await late.close()

        chair.seen.clear()
        t0 = time.monotonic()
        self.nodes["b"].kill9()
        await chair.wait_for(lambda: any(
            e.get("ev") == "presence" and e["participant"] == kenya_id and
            e["connections"] == {"room": 0, "remote": 1} for e in chair.seen), timeout=8)
        took = time.monotonic() - t0
        print("node b's connections left the attendance %.1f s after its kill -9" % took)
        self.assertLess(took, 5, "b's connections stayed %.1f s" % took)
        self.assertGreater(took, 2, "dropped before the timeout: by what?")
        # c stops cleanly: its connections go at once
        chair.seen.clear()
        t0 = time.monotonic()
        self.nodes["c"].stop()
        await chair.wait_for(presence(japan_id, False), timeout=3)
        await chair.wait_for(presence(kenya_id, False), timeout=3)
        self.assertLess(time.monotonic() - t0, 2)
        for c in (chair, again, admin, k2):
            await c.close()

    def caught_up(self, timeout=5):
        """Waits until every running node has applied the same place of the log."""
        deadline = time.time() + timeout
        while True:
            seen = {metric(s, "plenary_cluster_applied") for s in self.nodes.values()
                    if s.proc.poll() is None}
            if len(seen) == 1 or time.time() > deadline:
                self.assertEqual(len(seen), 1, "the nodes are at %s" % seen)
                return
            time.sleep(0.05)

    def timers_holder(self, timeout=8):
        """The node whose log says it took the timers last."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            best = None
            for name, s in self.nodes.items():
                if s.proc.poll() is not None:
                    continue
                log = s.read_log()
                i = log.rfind("this node now decides the timers")
                j = log.rfind("the timers are another node's now")
                if i > j:
                    best = name
            if best:
                return best
            time.sleep(0.1)
        raise AssertionError("no node holds the timers")


def seq_last(client, meeting):
    seqs = [e["seq"] for e in client.seen if "seq" in e and e.get("meeting") == meeting]
    return seqs[-1] if seqs else 0


if __name__ == "__main__":
    main()
