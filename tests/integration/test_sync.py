"""meeting.sync and slow clients against the real server (issue 3): a client
that missed events gets exactly those; a client that stops reading neither
blocks nor slows the others, does not grow the server's memory, and is told
to resync (or is closed) when it reads again."""

import asyncio
import base64
import hashlib
import json
import os
import socket
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Client, Server, ServerTest, assert_consecutive, join_programme,  # noqa: E402
                     main, seq_events, setup_programme)

# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
# default), which the RSS check below would read as growth.
os.environ["ASAN_OPTIONS"] = ":".join(
    x for x in [os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=1"] if x)


class RawWS:
    """A WebSocket client written by hand over a blocking TCP socket with a
    tiny receive buffer, so that the test decides when (if ever) it reads."""

    def __init__(self, port, rcvbuf=4096):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: plenary.v1\r\n\r\n" % (port, key)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            assert chunk, "closed during the handshake"
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 1
        self.closed = None

    def send(self, obj):
        self.send_text(json.dumps(obj))

    def send_text(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        else:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        """The next frame, control frames too: (opcode, payload)."""
        b0, b1 = self._need(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._need(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._need(8))[0]
        return b0 & 0x0F, self._need(n)

    def recv(self):
        """The next text message as an object; None once the server closed."""
        if self.closed is not None:
            return None
        try:
            op, payload = self.frame()
        except (EOFError, ConnectionError):
            self.closed = -1
            return None
        if op == 8:
            self.closed = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            return None
        if op == 1:
            return json.loads(payload)
        return self.recv()  # ping/pong: not a message for the test

    def call(self, op, **args):
        """Sends a request and reads until its reply; returns (reply, events
        read on the way)."""
        rid = self.next_id
        self.next_id += 1
        self.send(dict(op=op, id=rid, **args))
        events = []
        while True:
            m = self.recv()
            assert m is not None, "closed (%s) before the reply to %s" % (self.closed, op)
            if m.get("re") == rid:
                return m, events
            events.append(m)


def stream_rows(db, mid):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT seq, at, body FROM events WHERE stream = ? ORDER BY seq",
                         (mid,)).fetchall()


def grow_log(db, mid, extra):
    """Grows a stopped server's meeting log offline by `extra` events: copies of
    its own last queue.closed / queue.opened rows (the stream must end with the
    two), with new seqs, each chained to the one before as plenaryd chains."""
    rows = stream_rows(db, mid)
    closed, opened, last = rows[-2][2], rows[-1][2], rows[-1][0]
    assert json.loads(closed)["ev"] == "queue.closed" and json.loads(opened)["ev"] == "queue.opened"
    c = sqlite3.connect(db)
    (prev,) = c.execute("SELECT hash FROM events WHERE stream = ? AND seq = ?",
                        (mid, last)).fetchone()
    new = []
    for k in range(extra):
        seq = last + 1 + k
        body = json.loads(closed if k % 2 == 0 else opened)
        body["seq"] = seq
        text = json.dumps(body, separators=(",", ":"))
        prev = hashlib.sha256(prev + text.encode()).digest()
        new.append((mid, seq, rows[-1][1], text, prev))
    c.executemany("INSERT INTO events (stream, seq, at, body, hash) VALUES (?, ?, ?, ?, ?)", new)
    c.commit()
    c.close()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Sync(ServerTest):
    async def asyncSetUp(self):
        # the debug mode of the test loop reports callbacks over 0.1 s, and
        # decoding a big burst of events takes longer: not a finding
        asyncio.get_running_loop().slow_callback_duration = 10

    async def test_sync_returns_exactly_the_missed_events(self):
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        c = await join_programme(self.server, meeting, tokens,
                                 who=["chair", "kenya", "japan", "viewer"])
        chair = c["chair"]
        await c["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await chair.ok("floor.next", meeting=mid)
        # the viewer drops out of the meeting, and later asks what it missed
        await c["viewer"].wait_for(lambda: len(seq_events(c["viewer"])) == 3)
        last = seq_events(c["viewer"])[-1]["seq"]
        await c["viewer"].ok("meeting.leave", meeting=mid)
        await c["japan"].ok("floor.request", meeting=mid, kind="question")
        await chair.ok("floor.pause", meeting=mid)
        await chair.ok("floor.extend", meeting=mid, seconds=60)
        await chair.ok("queue.close", meeting=mid)
        await chair.ok("floor.next", meeting=mid)
        await chair.ok("item.open", meeting=mid, item=meeting["items"][1]["id"])
        await chair.wait_for(lambda: any(e["ev"] == "item" for e in chair.seen))
        self.assertEqual(len(seq_events(c["viewer"])), 3)
        st = (await c["viewer"].ok("meeting.join", meeting=mid, presence="room"))["state"]
        now = st["seq"]
        self.assertGreater(now, last)
        r = await c["viewer"].ok("meeting.sync", meeting=mid, since=last)
        self.assertEqual(r["seq"], now)
        want = [e for e in seq_events(chair) if e["seq"] > last]
        self.assertEqual([e["seq"] for e in r["events"]], list(range(last + 1, now + 1)))
        # the very events the others heard, byte for byte as decoded
        self.assertEqual(r["events"], want)
        self.assertEqual([e["ev"] for e in r["events"]],
                         ["queue.added", "floor.changed", "floor.changed", "queue.closed",
                          "speech.ended", "queue.removed", "floor.changed", "speech.ended",
                          "floor.changed", "item"])
        # nothing missed, nothing to return; from 0, the whole log
        r = await c["viewer"].ok("meeting.sync", meeting=mid, since=now)
        self.assertEqual((r["events"], r["seq"]), ([], now))
        r = await c["kenya"].ok("meeting.sync", meeting=mid, since=0)
        self.assertEqual([e["seq"] for e in r["events"]], list(range(1, now + 1)))
        self.assertEqual(r["events"], seq_events(chair))
        self.assertNotIn("presence", [e["ev"] for e in r["events"]])
        await c["kenya"].err("meeting.sync", "bad_request", meeting=mid, since=now + 1)
        await c["kenya"].err("meeting.sync", "bad_request", meeting=mid, since=-1)
        await c["kenya"].err("meeting.sync", "bad_request", meeting=mid, since="1")
        await c["kenya"].err("meeting.sync", "not_found", meeting="m999", since=0)
        # the join state agrees with the events: Japan calling, item 2 open
        self.assertEqual(st["item"], meeting["items"][1]["id"])
        self.assertIsNone(st["floor"])
        for name in ["chair", "kenya", "japan"]:
            assert_consecutive(c[name], c[name].state["seq"], mid)

    async def test_a_long_gap_gets_a_state(self):
        """More than 10,000 missed events: a fresh state instead. The log is
        grown offline (copies of the server's own queue.closed/opened rows
        with new seqs), which also makes the restart replay a long log."""
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        c = await join_programme(self.server, meeting, tokens, who=["chair", "kenya"])
        await c["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await c["chair"].ok("queue.close", meeting=mid)
        await c["chair"].ok("queue.open", meeting=mid)
        self.server.stop()
        rows = stream_rows(self.server.db, mid)
        self.assertEqual([json.loads(b)["ev"] for _, _, b in rows],
                         ["queue.added", "queue.closed", "queue.opened"])
        extra = 10011  # odd: the list ends closed
        grow_log(self.server.db, mid, extra)
        last = 3 + extra
        self.server = Server(folder=self.server.dir).start()
        k = await Client.connect(self.server, tokens["kenya"])
        st = (await k.ok("meeting.join", meeting=mid, presence="room"))["state"]
        self.assertEqual(st["seq"], last)
        self.assertTrue(st["list_closed"])
        self.assertEqual(len(st["queue"]), 1)
        r = await k.ok("meeting.sync", meeting=mid, since=0)
        self.assertNotIn("events", r)
        self.assertEqual(r["state"]["seq"], last)
        self.assertTrue(r["state"]["list_closed"])
        self.assertEqual(r["state"]["queue"], st["queue"])
        # 10,000 missed come in pages, each from the last seq of the one before
        since, got, pages = last - 10000, [], 0
        while True:
            r = await k.ok("meeting.sync", meeting=mid, since=since)
            self.assertEqual(r["seq"], last)
            self.assertLessEqual(len(r["events"]), 1000)
            got += [e["seq"] for e in r["events"]]
            pages += 1
            if not r["more"]:
                break
            since = r["events"][-1]["seq"]
        self.assertEqual(got, list(range(last - 9999, last + 1)))
        self.assertEqual(pages, 10)
        r = await k.ok("meeting.sync", meeting=mid, since=last - 10, limit=4)
        self.assertEqual(([e["seq"] for e in r["events"]], r["more"]),
                         (list(range(last - 9, last - 5)), True))
        await k.err("meeting.sync", "bad_request", meeting=mid, since=0, limit=2001)
        r = await k.ok("meeting.sync", meeting=mid, since=last - 10001)
        self.assertIn("state", r)
        # and the log goes on from there
        ch = await Client.connect(self.server, tokens["chair"])
        await ch.ok("meeting.join", meeting=mid, presence="room")
        await ch.ok("queue.open", meeting=mid)
        ev = await k.event("queue.opened")
        self.assertEqual(ev["seq"], last + 1)

    async def test_a_slow_client_is_resynced_and_slows_nobody(self):
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        m2 = (await admin.ok("meeting.create", title="Second", kind="other",
                             format="virtual", tz="UTC", start="2027-03-10T10:00",
                             end="2027-03-10T12:00",
                             chair=tokens["ids"]["chair"]))["meeting"]["id"]
        c = await join_programme(self.server, meeting, tokens, who=["kenya", "viewer"])
        # the slow client: says hello, joins two meetings, then reads nothing
        slow = RawWS(self.server.port)
        r, _ = slow.call("hello", token=tokens["japan"])
        self.assertTrue(r["ok"], r)
        r, _ = slow.call("meeting.join", meeting=m2, presence="remote")
        self.assertTrue(r["ok"], r)
        r, _ = slow.call("meeting.join", meeting=mid, presence="remote")
        self.assertTrue(r["ok"], r)
        joined_at = r["state"]["seq"]
        # A long list of long entries makes each `item` event that shows it
        # big (the list travels with it): a few of them fill the kernel's
        # socket buffers, whatever their size, and then the server's own
        # queue for the slow client fills with small floor.extend events.
        askers = [c["kenya"]]
        for who in ["brazil"]:
            askers += list((await join_programme(self.server, meeting, tokens,
                                                 who=[who])).values())
        c["brazil"] = askers[1]
        long_name = "Ambassador " + "x" * 100
        behalf = ["african", "latin_american_caribbean"]  # their own regional groups

        async def ask_many(cl, n, group):
            for _ in range(n):
                await cl.ok("floor.request", meeting=mid, kind="question",
                            speaker=long_name, on_behalf=group)
        await asyncio.gather(*[ask_many(cl, 50, g) for cl, g in zip(askers, behalf)])
        for cl in askers:  # fewer readers to feed: a faster test
            await cl.ok("meeting.leave", meeting=mid)
        chairs = [await Client.connect(self.server, tokens["chair"]) for _ in range(6)]
        for ch in chairs:
            ch.state = (await ch.ok("meeting.join", meeting=mid, presence="room"))["state"]
        await chairs[0].ok("meeting.join", meeting=m2, presence="room")
        rss_before = rss_kb(self.server.proc.pid)
        general, stake = [i["id"] for i in meeting["items"]]
        per_chair = 220

        async def flood(ch):
            done = 0
            while done < per_chair:
                r = await ch.call("floor.extend", meeting=mid, seconds=1)
                if r["ok"]:
                    done += 1
                else:
                    self.assertEqual(r["error"]["code"], "rate_limited", r)
                    await asyncio.sleep(0.05)

        async def responsive():
            """Meanwhile a newcomer is served as usual."""
            await asyncio.sleep(1)
            n = await Client.connect(self.server, tokens["au"])
            await n.ok("meeting.join", meeting=mid, presence="room")
            await n.ok("meeting.stats", meeting=mid)
            r = await n.ok("meeting.sync", meeting=mid, since=0)
            self.assertTrue(r["events"])

        def resyncs_so_far():
            body = self.server.http_get("/metrics")[2].decode()
            return sum(int(line.split()[1]) for line in body.splitlines()
                       if line.startswith("plenary_resyncs_total"))

        # Rounds of 80 big events then 1,320 small ones, until the server
        # has told someone to resync (one round does it with 4 MiB socket
        # buffers; a host with bigger ones gets more rounds).
        rounds = 0
        while True:
            for k in range(160):
                ch = chairs[k % len(chairs)]
                await ch.ok("item.open", meeting=mid, item=stake if k % 2 == 0 else general)
                if k % 40 == 39:
                    await asyncio.sleep(0.3)  # the rate limit
            # a few events of the other meeting wait in the same queue
            for k in range(10):
                await chairs[0].ok("queue.close" if k % 2 == 0 else "queue.open", meeting=m2)
            await chairs[0].ok("floor.next", meeting=mid)
            extra = [responsive()] if rounds == 0 else []
            await asyncio.wait_for(asyncio.gather(*extra, *[flood(ch) for ch in chairs]), 45)
            rounds += 1
            if resyncs_so_far() or rounds == 3:
                break
        total = rounds * (len(chairs) * per_chair + 160)
        await chairs[0].wait_for(lambda: any(e.get("seq") == rounds * 10 and e["meeting"] == m2
                                             for e in chairs[0].seen))
        final = (await c["viewer"].ok("meeting.sync", meeting=mid, since=0))["seq"]
        self.assertGreaterEqual(final, joined_at + total)
        # every reading client got every event, in order, once
        for reader in [c["viewer"]] + chairs:
            await reader.wait_for(lambda: any(e.get("seq") == final for e in reader.seen), 20)
            assert_consecutive(reader, reader.state["seq"], mid)
        rss_after = rss_kb(self.server.proc.pid)
        self.assertLess(rss_after - rss_before, 64 * 1024,
                        "RSS grew from %d to %d kB" % (rss_before, rss_after))
        resyncs_total = resyncs_so_far()
        final2 = (await chairs[0].ok("meeting.sync", meeting=m2, since=0))["seq"]
        # the slow client reads at last: a resync, or it was closed
        seen, resyncs, seen2 = [], [], []
        slow.sock.settimeout(3)

        def read_all():
            while True:
                try:
                    m = slow.recv()
                except socket.timeout:
                    return
                if m is None:
                    return
                if m.get("ev") == "resync":
                    resyncs.append((m, seen[-1]["seq"] if seen else joined_at))
                elif "seq" in m and m["meeting"] == m2:
                    seen2.append(m["seq"])
                elif "seq" in m:
                    seen.append(m)
                if seen and seen[-1]["seq"] == final:
                    return
        await asyncio.to_thread(read_all)
        self.assertTrue(resyncs or slow.closed is not None,
                        "read %d events, no resync, not closed (%d resyncs)"
                        % (len(seen), resyncs_total))
        if slow.closed is None:
            # whatever meeting it lost events of, it is told to resync it
            lost2 = set(range(1, final2 + 1)) - set(seen2)
            if lost2:
                self.assertIn(m2, [m["meeting"] for m, _ in resyncs],
                              "lost %d events of the other meeting, no resync for it"
                              % len(lost2))
            resyncs = [(m, s) for m, s in resyncs if m["meeting"] == mid]
            first, last_seen = resyncs[0]
            self.assertEqual(first["meeting"], mid)
            self.assertGreater(first["seq"], last_seen)
            self.assertLessEqual(first["seq"], final)
            # what it did receive is in order; it lost some, then syncs from
            # the last it saw and has everything
            seqs = [e["seq"] for e in seen]
            self.assertEqual(seqs, sorted(set(seqs)))
            self.assertLess(len(seqs), final - joined_at)
            got = {e["seq"] for e in seen if e["seq"] <= last_seen}
            since = last_seen
            while True:  # page by page
                r, _ = slow.call("meeting.sync", meeting=mid, since=since)
                self.assertTrue(r["ok"], r)
                got |= {e["seq"] for e in r["events"]}
                if not r["more"]:
                    break
                since = r["events"][-1]["seq"]
            self.assertEqual(got, set(range(joined_at + 1, r["seq"] + 1)))
        slow.sock.close()


def frames_until_dropped(raw, limit):
    """Reads every frame, control frames too, without ever answering a ping.
    Returns (opcodes seen, seconds until the server dropped the connection,
    or None if it still held it after `limit` seconds)."""
    t0 = time.monotonic()
    ops = []
    raw.sock.settimeout(limit)
    try:
        while time.monotonic() - t0 < limit:
            ops.append(raw.frame()[0])
    except (EOFError, ConnectionError):
        return ops, time.monotonic() - t0
    except socket.timeout:
        pass
    return ops, None


class Keepalive(ServerTest):
    """--keepalive 1: a peer silent for 1 s is pinged; one that does not
    answer within half as long again is dropped, and the chair sees it go."""

    server_args = ("--keepalive", "1")

    async def test_a_peer_that_never_answers_a_ping_is_dropped(self):
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        chair = (await join_programme(self.server, meeting, tokens, who=["chair"]))["chair"]
        raw = RawWS(self.server.port)
        self.assertTrue(raw.call("hello", token=tokens["kenya"])[0]["ok"])
        self.assertTrue(raw.call("meeting.join", meeting=mid, presence="room")[0]["ok"])
        kenya = tokens["ids"]["kenya"]
        # the blocking reads go to a thread, so that the chair's client (on
        # this loop) goes on answering its own pings meanwhile
        ops, dropped = await asyncio.to_thread(frames_until_dropped, raw, 8)
        self.assertIn(0x9, ops, "never pinged")
        self.assertIsNotNone(dropped, "not dropped after 8 s of silence")
        self.assertLess(dropped, 4)
        gone = await chair.wait_for(lambda: [e for e in chair.seen if e["ev"] == "presence"
                                             and e["participant"] == kenya
                                             and e["online"] is False])
        self.assertEqual(gone[-1]["presence"], "room")
        raw.sock.close()
        metrics = self.server.http_get("/metrics")[2].decode()
        counters = dict(line.split() for line in metrics.splitlines()
                        if line.startswith("plenary_keepalive_"))
        self.assertGreaterEqual(int(counters["plenary_keepalive_pings_total"]), 1)
        self.assertEqual(counters["plenary_keepalive_drops_total"], "1")

    async def test_peers_that_answer_pings_stay_however_quiet(self):
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        c = await join_programme(self.server, meeting, tokens, who=["chair", "kenya"])
        await asyncio.sleep(4)  # four keepalive periods without a request
        await c["kenya"].ok("floor.request", meeting=mid, kind="statement")
        r = await c["chair"].ok("meeting.sync", meeting=mid, since=0)
        online = {a["participant"]: a["online"] for a in r["attendance"]}
        self.assertEqual(online[tokens["ids"]["kenya"]], True)
        self.assertFalse([e for e in c["chair"].seen if e["ev"] == "presence"
                          and e["online"] is False])


class UnreadReplies(ServerTest):
    async def test_a_client_that_asks_and_never_reads_is_closed(self):
        """Replies are not dropped for a resync as events are, so a session that
        keeps asking for large ones and never reads is bounded in bytes (16 MiB,
        net/session.h): it is closed, the server's memory stays put, and the
        others are served meanwhile."""
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        c = await join_programme(self.server, meeting, tokens, who=["chair", "kenya"])
        await c["chair"].ok("queue.close", meeting=mid)
        await c["chair"].ok("queue.open", meeting=mid)
        self.server.stop()
        grow_log(self.server.db, mid, 9000)  # a page of 2,000 events: about 150 KB
        self.server = Server(folder=self.server.dir).start()
        raw = RawWS(self.server.port)
        raw.send({"op": "hello", "id": 0, "token": tokens["viewer"]})
        raw.send({"op": "meeting.join", "id": 1, "meeting": mid, "presence": "remote"})
        rss_before = rss_kb(self.server.proc.pid)
        for i in range(170):  # 26 MB of replies asked for (within the rate), none read
            raw.send({"op": "meeting.sync", "id": 2 + i, "meeting": mid, "since": 0,
                      "limit": 2000})
            if i >= 55:
                await asyncio.sleep(1 / 29)
        k = await Client.connect(self.server, tokens["kenya"])
        await k.ok("meeting.join", meeting=mid, presence="room")
        for _ in range(150):  # the server reads them as fast as it can answer them
            status, _, metrics = self.server.http_get("/metrics")
            if b"plenary_reply_drops_total 1" in metrics:
                break
            await asyncio.sleep(0.1)
        self.assertIn(b"plenary_reply_drops_total 1", metrics)
        self.assertLess(rss_kb(self.server.proc.pid) - rss_before, 48 * 1024)
        # what it still reads ends in the close, with the reason
        while raw.recv() is not None:
            pass
        self.assertEqual(raw.closed, 1008)


if __name__ == "__main__":
    main()
