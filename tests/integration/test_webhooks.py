"""Issue 17, webhooks out, against the real server: endpoints registered by
the secretariat get every matching event of the programme and meeting
streams, POSTed as clients get it, signed, in order, through a receiver
(started here, in Python) that fails the first attempts and is down across a
plenaryd restart: every event arrives, each delivery id once or more, none
skipped."""

import asyncio
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from harness import PLENARYD, Client, ProgrammeTest, main  # noqa: E402

SECRET = "the receiver's shared secret 0123"


class Receiver:
    """An HTTP endpoint on loopback that keeps every request, answers 500 to
    the first `fail` of them, and can be taken down and brought back on the
    same port."""

    def __init__(self, fail=0):
        self.fail = fail
        self.got = []  # (headers, body, status answered), in arrival order
        self.lock = threading.Lock()
        self.port = None
        self.httpd = None
        self.up()

    def up(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n)
                with receiver.lock:
                    status = 500 if receiver.fail > 0 else 200
                    receiver.fail -= 1
                    receiver.got.append(({k.lower(): v for k, v in self.headers.items()},
                                         body, status))
                self.send_response(status)
                text = b"try later" if status == 500 else b"thanks"
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", self.port or 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def down(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def delivered(self):
        """The requests answered 200, in arrival order."""
        with self.lock:
            return [(h, b) for h, b, s in self.got if s == 200]

    async def wait_delivered(self, pred, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self.delivered()):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("timed out; delivered: %s" %
                             [h.get("x-plenary-delivery") for h, _ in self.delivered()])


class Blackhole:
    """A port that accepts connections and never answers: counts how many
    are open at once."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.open, self.most, self.total = [], 0, 0
        self.stopping = False
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        self.sock.settimeout(0.05)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
                conn.setblocking(False)
                self.open.append(conn)
                self.total += 1
            except OSError:
                pass
            self.open = [c for c in self.open if not self.closed(c)]
            self.most = max(self.most, len(self.open))

    @staticmethod
    def closed(c):
        """Reads (and drops) what came: a peer that closed reads as b""."""
        try:
            while c.recv(65536):
                pass
        except BlockingIOError:
            return False
        except OSError:
            pass
        c.close()
        return True

    def close(self):
        self.stopping = True
        self.sock.close()


class Webhooks(ProgrammeTest):
    who = ["chair", "kenya", "japan", "viewer"]

    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.rx = Receiver()

    async def asyncTearDown(self):
        self.rx.down()

    async def create(self, **kw):
        args = dict(url="http://127.0.0.1:%d/hook" % self.rx.port, events=["*"],
                    secret=SECRET)
        args.update(kw)
        return (await self.admin.ok("webhook.create", **args))["webhook"]

    async def test_bad_endpoints_are_refused(self):
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/",
                    "http://user:pw@127.0.0.1/x", "http:///x", "http://127.0.0.1/a b",
                    "http://127.0.0.1/a\r\nX-Injected: 1", "127.0.0.1:80/x",
                    "http://127.0.0.1/" + "a" * 1100]:
            await self.admin.err("webhook.create", "bad_request", url=url, events=["*"],
                                 secret=SECRET)
        await self.admin.err("webhook.create", "bad_request",
                             url="http://127.0.0.1/x", events=[], secret=SECRET)
        await self.admin.err("webhook.create", "bad_request",
                             url="http://127.0.0.1/x", events=["Floor.*"], secret=SECRET)
        await self.admin.err("webhook.create", "bad_request",
                             url="http://127.0.0.1/x", events=["*"], secret="short")
        await self.c["chair"].err("webhook.create", "forbidden",
                                  url="http://127.0.0.1/x", events=["*"], secret=SECRET)
        self.assertEqual((await self.admin.ok("webhook.list"))["webhooks"], [])

    async def test_secret_never_shown_back_and_delete(self):
        w = await self.create(events=["floor.*", "queue.added"])
        self.assertEqual(w["id"], "w1")
        self.assertEqual(w["events"], ["floor.*", "queue.added"])
        self.assertNotIn("secret", w)
        listed = await self.admin.ok("webhook.list")
        self.assertNotIn(SECRET, json.dumps(listed))
        self.assertEqual([x["id"] for x in listed["webhooks"]], ["w1"])
        # the secretariat's catch-up carries no webhook event, nor the secret
        sync = await self.admin.ok("programme.sync", since=0)
        self.assertNotIn(SECRET, json.dumps(sync))
        self.assertNotIn(SECRET, self.server.read_log())
        await self.admin.ok("webhook.delete", webhook="w1")
        await self.admin.err("webhook.delete", "not_found", webhook="w1")
        await self.admin.err("webhook.deliveries", "not_found", webhook="w1")
        # ids are not reused, across a restart too
        for c in list(self.c.values()) + [self.admin]:
            await c.close()
        self.server.stop()
        self.server.start()
        self.admin = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual((await self.create())["id"], "w2")
        self.c = {}
        # the endpoints are a view the log rebuilds
        await self.admin.close()
        self.server.stop()
        r = subprocess.run([PLENARYD, "replay", "--db", self.server.db, "--check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.server.start()
        self.admin = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual([w["id"] for w in (await self.admin.ok("webhook.list"))["webhooks"]],
                         ["w2"])

    async def test_only_what_was_asked_for(self):
        # a host name: looked up off the service thread (net/resolve.c)
        await self.create(events=["queue.added"], url="http://localhost:%d/" % self.rx.port)
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.rx.wait_delivered(lambda d: len(d) >= 2)
        await asyncio.sleep(0.5)
        self.assertEqual([h["x-plenary-event"] for h, _ in self.rx.delivered()],
                         ["queue.added", "queue.added"])

    async def test_every_event_in_order_through_failures_and_a_restart(self):
        self.rx.fail = 2
        chair = self.c["chair"]
        start = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        w = await self.create()
        # events while the receiver fails its first two answers
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["japan"].ok("floor.request", meeting=self.mid, kind="question")
        await chair.ok("floor.next", meeting=self.mid)
        await self.rx.wait_delivered(lambda d: len(d) >= 1)
        r = await self.admin.ok("webhook.deliveries", webhook=w["id"])
        self.assertEqual([a["status"] for a in r["attempts"]][-3:], [200, 500, 500])
        self.assertIn("try later", r["attempts"][-1]["answer"])
        # the receiver goes down, more happens, plenaryd is killed and comes back
        await self.rx.wait_delivered(lambda d: len(d) >= 3)
        self.rx.down()
        await chair.ok("floor.extend", meeting=self.mid, seconds=30)
        await chair.ok("floor.end", meeting=self.mid)
        await asyncio.sleep(0.5)  # at least one attempt fails on a closed port
        for c in list(self.c.values()) + [self.admin]:
            await c.close()
        self.server.kill9()
        self.server.start()
        await asyncio.sleep(0.3)
        self.rx.up()
        self.admin = await Client.connect(self.server, self.server.admin_token)
        chair = await Client.connect(self.server, self.tokens["chair"])
        self.c = {"chair": chair}
        await chair.ok("meeting.join", meeting=self.mid, presence="room")
        await chair.ok("floor.next", meeting=self.mid)  # Japan: more after the restart
        # every event of the meeting's stream since the endpoint was made
        events = (await chair.ok("meeting.sync", meeting=self.mid,
                                 since=start["seq"]))["events"]
        expected = [e["seq"] for e in events]
        self.assertEqual(expected, list(range(start["seq"] + 1, start["seq"] + 1 + len(events))))
        last = "%s:%d" % (self.mid, expected[-1])
        await self.rx.wait_delivered(
            lambda d: any(h["x-plenary-delivery"] == last for h, _ in d))
        delivered = self.rx.delivered()
        seen = []
        for headers, body in delivered:
            sig = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            self.assertEqual(headers["x-plenary-signature"], "sha256=" + sig)
            ev = json.loads(body)
            stream, seq = headers["x-plenary-delivery"].rsplit(":", 1)
            self.assertEqual(headers["x-plenary-event"], ev["ev"])
            self.assertEqual(headers["content-type"], "application/json")
            self.assertEqual(int(seq), ev["seq"])
            if stream == self.mid:
                self.assertEqual(ev["meeting"], self.mid)
                seen.append(ev["seq"])
                # the same JSON clients get
                self.assertEqual(ev, [e for e in events if e["seq"] == ev["seq"]][0])
        # in order, each once or more (a kill -9 may resend), never skipped
        firsts = sorted(set(seen), key=seen.index)
        self.assertEqual(firsts, expected)
        self.assertEqual(seen, sorted(seen))
        r = await self.admin.ok("webhook.deliveries", webhook=w["id"], limit=100)
        self.assertEqual(r["pending"], 0)
        self.assertTrue(any(a["status"] == 0 for a in r["attempts"]),
                        "a refused connection is an attempt with no status")

    async def test_receivers_that_never_answer_hold_up_nothing(self):
        hole = Blackhole()
        try:
            for i in range(12):
                await self.create(url="http://127.0.0.1:%d/hook%d" % (hole.port, i),
                                  events=["queue.added"])
            await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
            await asyncio.sleep(1.5)
            # twelve deliveries are due; eight are in flight, whatever the receivers do
            self.assertEqual(hole.most, 8)
            # and the meeting goes on at its own pace meanwhile
            for i in range(10):
                t0 = time.monotonic()
                e = (await self.c["japan"].ok("floor.request", meeting=self.mid,
                                              kind="statement"))["entry"]
                await self.c["japan"].ok("floor.withdraw", meeting=self.mid, entry=e["id"])
                self.assertLess(time.monotonic() - t0, 0.5)
                await asyncio.sleep(0.1)
            # after ten seconds without an answer, an attempt is over and the others go
            await self.rx.wait_delivered(lambda d: hole.total >= 12, timeout=15)
            self.assertLessEqual(hole.most, 8)
            r = await self.admin.ok("webhook.deliveries", webhook="w1")
            self.assertEqual(r["attempts"][0]["answer"], "no answer in time")
            self.assertEqual(r["attempts"][0]["status"], 0)
            self.assertEqual(r["pending"], 11)  # its queue.added, and Japan's ten
        finally:
            hole.close()

    async def test_programme_events_too_and_never_credentials(self):
        await self.create(events=["procedure.*", "participant.*", "token.*", "feed.*"])
        await self.admin.ok("participant.invite", delegation=self.tokens["delegations"]["Kenya"],
                            name="Another", role="delegate")
        p = await self.admin.ok("procedure.start", kind="adoption", title="Draft", text="x",
                                deadline=int(time.time() * 1000) + 3600_000)
        await self.rx.wait_delivered(lambda d: len(d) >= 1)
        await asyncio.sleep(0.5)
        got = [(h["x-plenary-event"], json.loads(b)) for h, b in self.rx.delivered()]
        self.assertEqual([g[0] for g in got], ["procedure.started"])
        self.assertEqual(got[0][1]["procedure"]["id"], p["procedure"]["id"])
        self.assertEqual(got[0][1]["stream"], "programme")


if __name__ == "__main__":
    main()
