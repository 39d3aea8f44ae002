"""Integration harness: the real plenaryd on a free loopback port with a fresh
SQLite file, driven over real WebSockets (Debian's python3-websockets).

Python's websockets was chosen over a C client on the lws client API because
these tests are about the protocol's behaviour, not speed: asyncio makes
several concurrent clients (chair, delegates, observer, a slow reader) short
to write, and close codes and reasons are exposed as they arrive. The C load
generator in tools/ covers the many-clients case.
"""

import asyncio
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request

import websockets

PLENARYD = os.environ.get("PLENARYD", "build/plenaryd")
WEB = os.environ.get("PLENARY_WEB", "web")


def make_cert():
    """A throwaway self-signed P-256 pair for 127.0.0.1: (cert, key) paths."""
    d = tempfile.mkdtemp(prefix="plenary-tls-")
    cert, key = os.path.join(d, "t.crt"), os.path.join(d, "t.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class Server:
    """One plenaryd process over one database folder. The folder outlives
    restarts, so a test can kill the process and start it again on the same
    database."""

    def __init__(self, *extra, tls=None, folder=None):
        self.dir = folder or tempfile.mkdtemp(prefix="plenary-it-")
        self.db = os.path.join(self.dir, "p.db")
        self.extra = list(extra)
        self.tls = tls  # (cert, key) or None for --plain
        self.proc = None
        self.port = None

    def start(self, timeout=10):
        port_file = os.path.join(self.dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        # --config /dev/null: an installed /etc/plenary/plenary.conf stays out of tests
        args = [PLENARYD, "--config", "/dev/null", "--listen", "127.0.0.1:0", "--db", self.db,
                "--web", WEB, "--port-file", port_file] + self.extra
        args += ["--cert", self.tls[0], "--key", self.tls[1]] if self.tls else ["--plain"]
        self.log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("plenaryd exited with %d:\n%s" % (self.proc.returncode,
                                                                     self.read_log()))
            try:
                with open(port_file) as f:
                    self.port = int(f.read().strip())
                if self.http_get("/healthz")[0] == 200:
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError("plenaryd did not come up:\n" + self.read_log())

    def read_log(self):
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read().decode(errors="replace")

    @property
    def admin_token(self):
        with open(self.db + ".admin-token") as f:
            return f.read().strip()

    @property
    def scheme(self):
        return "https" if self.tls else "http"

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port, path)

    def ssl_context(self):
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=self.tls[0])
        ctx.check_hostname = False
        return ctx

    def http_get(self, path, headers=None):
        req = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=5, context=self.ssl_context()) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout)
        code = self.proc.returncode if self.proc else None
        if self.log:
            self.log.close()
            self.log = None
        return code

    def kill9(self):
        return self.stop(signal.SIGKILL)


class Client:
    """A WebSocket client that matches replies to requests by id and keeps
    events, in arrival order, for the test to take."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 1
        self.events = []
        self.seen = []  # every event, in arrival order, never taken away
        self.replies = {}
        self.arrived = asyncio.Event()
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, server, token=None, **kw):
        ws = await websockets.connect(server.url("/ws").replace("http", "ws", 1),
                                      subprotocols=["plenary.v1"], ssl=server.ssl_context(),
                                      max_size=None, **kw)
        c = cls(ws)
        if token:
            r = await c.call("hello", token=token)
            assert r["ok"], r
            c.hello = r
        return c

    async def _read(self):
        try:
            async for text in self.ws:
                msg = json.loads(text)
                if "re" in msg:
                    self.replies[msg["re"]] = msg
                else:
                    self.events.append(msg)
                    self.seen.append(msg)
                self.arrived.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.arrived.set()

    async def wait_for(self, pred, timeout=5):
        deadline = time.monotonic() + timeout
        while True:
            found = pred()
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0 or self.reader.done():
                raise AssertionError("timed out waiting")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def send_raw(self, data):
        await self.ws.send(data)

    async def call(self, op, **args):
        rid = self.next_id
        self.next_id += 1
        await self.ws.send(json.dumps(dict(op=op, id=rid, **args)))
        return await self.wait_for(lambda: self.replies.pop(rid, None))

    async def ok(self, op, **args):
        # A session may send a burst of 60 requests, then 30 a second: a test
        # that sets much up at once, on a fast machine, meets that limit. A
        # rate-limited request changed nothing, so it is sent again, as a
        # client would (the limit's own tests use err(), which does not).
        for _ in range(5):
            r = await self.call(op, **args)
            if r.get("ok") is False and r.get("error", {}).get("code") == "rate_limited":
                await asyncio.sleep(1.0)
                continue
            break
        assert r.get("ok") is True, "%s %s -> %s" % (op, args, r)
        return r

    async def err(self, op, code, **args):
        r = await self.call(op, **args)
        assert r.get("ok") is False, "%s %s -> %s" % (op, args, r)
        assert r["error"]["code"] == code, "%s: wanted %s, got %s" % (op, code, r)
        assert r["error"]["message"], r
        return r

    async def event(self, name, timeout=5, **match):
        """Takes the first event of that name (and matching fields) kept so far."""
        def find():
            for i, e in enumerate(self.events):
                if e.get("ev") == name and all(e.get(k) == v for k, v in match.items()):
                    return self.events.pop(i)
            return None
        return await self.wait_for(find, timeout)

    def drain(self):
        taken, self.events = self.events, []
        return taken

    async def closed(self, timeout=15):
        try:
            await asyncio.wait_for(self.reader, timeout)
        except asyncio.TimeoutError:
            raise AssertionError("the connection was not closed")
        return self.ws.close_code, self.ws.close_reason

    async def close(self):
        await self.ws.close()
        await self.reader


async def setup_programme(server, policy=None, items=None, tz="Europe/Zurich"):
    """A meeting with a chair, three State delegates (Japan remote), an
    observer and a viewer. Returns (admin, meeting, tokens by role name)."""
    admin = await Client.connect(server, server.admin_token)
    sec_delegation = admin.hello["delegation"]["id"]
    d = {}
    for name, kind, group, zone in [
            ("Kenya", "state", "african", "Africa/Nairobi"),
            ("Japan", "state", "asia_pacific", "Asia/Tokyo"),
            ("Brazil", "state", "latin_american_caribbean", "America/Sao_Paulo"),
            ("African Union", "organization", None, "Africa/Addis_Ababa"),
            ("Public", "ngo", None, "UTC")]:
        args = dict(name=name, kind=kind, tz=zone)
        if group:
            args["group"] = group
        d[name] = (await admin.ok("delegation.create", **args))["delegation"]["id"]
    tokens, ids = {}, {}
    for who, deleg, role in [("chair", sec_delegation, "chair"),
                             ("kenya", d["Kenya"], "delegate"),
                             ("japan", d["Japan"], "delegate"),
                             ("brazil", d["Brazil"], "delegate"),
                             ("au", d["African Union"], "observer"),
                             ("viewer", d["Public"], "viewer")]:
        r = await admin.ok("participant.invite", delegation=deleg, name=who.title(),
                           role=role)
        tokens[who] = r["token"]
        ids[who] = r["participant"]["id"]
        tokens[who + "_feed"] = r["feed"]
    args = dict(title="Thematic meeting", kind="thematic", format="hybrid", tz=tz,
                start="2027-03-09T10:00", end="2027-03-09T13:00", chair=ids["chair"],
                items=items or [{"title": "General"},
                                {"title": "Stakeholders", "kind": "stakeholder"}])
    if policy:
        args["policy"] = policy
    meeting = (await admin.ok("meeting.create", **args))["meeting"]
    tokens["ids"] = ids
    tokens["delegations"] = d
    return admin, meeting, tokens


async def join_programme(server, meeting, tokens, who=None, presence=None):
    """Connects and joins the programme's people to `meeting` (Japan remote,
    everyone else in the room unless `presence` says otherwise). Returns
    {who: Client}; each client's `state` is its meeting.join reply's state."""
    presence = dict({"japan": "remote"}, **(presence or {}))
    clients = {}
    for name in who or ["chair", "kenya", "japan", "brazil", "au", "viewer"]:
        c = await Client.connect(server, tokens[name])
        r = await c.ok("meeting.join", meeting=meeting["id"],
                       presence=presence.get(name, "room"))
        c.state = r["state"]
        clients[name] = c
    return clients


def meeting_of(event):
    """The meeting id an event is about: `meeting.changed` carries the whole
    meeting object under `meeting` (contract section 6), every other event
    its id (the envelope of section 3)."""
    m = event.get("meeting")
    return m.get("id") if isinstance(m, dict) else m


def seq_events(client, meeting=None):
    """The events with a seq that `client` has seen, for one meeting."""
    return [e for e in client.seen
            if "seq" in e and e.get("ev") != "resync"
            and (meeting is None or meeting_of(e) == meeting)]


def assert_consecutive(client, after, meeting=None):
    """Every event with a seq the client has seen since it joined at seq
    `after` comes in order, with no gap and no repeat."""
    seqs = [e["seq"] for e in seq_events(client, meeting)]
    want = list(range(after + 1, after + 1 + len(seqs)))
    assert seqs == want, "seq not consecutive after %d: %s" % (after, seqs)
    return seqs


class Nats:
    """nats-server with JetStream on a free loopback port and a fresh store."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="plenary-nats-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = "nats://127.0.0.1:%d" % self.port
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.dir, "nats.log"), "ab")
        self.proc = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p",
                                      str(self.port), "-sd", self.dir], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not come up")

    def halt(self, sig=signal.SIGKILL):
        """Stops the server and keeps its store: start() brings it back on
        the same port with the same streams."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)
        self.log.close()

    def stop(self):
        self.halt(signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)


def metric(server, name):
    body = server.http_get("/metrics")[2].decode()
    return sum(float(l.split()[-1]) for l in body.splitlines() if l.startswith(name + " "))


# PLENARY_SHADOW=1 (it.cluster_shadow): each test's server is one node of a
# cluster, with a second node following it, and at the end the follower must
# have rebuilt every change the test made, event for event (docs/CLUSTER.md).
SHADOW = os.environ.get("PLENARY_SHADOW") == "1"


class ServerTest(unittest.IsolatedAsyncioTestCase):
    """Each test gets its own server and database."""

    server_args = ()

    def setUp(self):
        if not SHADOW:
            self.server = Server(*self.server_args).start()
            return
        self.nats = Nats().start()
        self.server = Server(*self.server_args, "--cluster", self.nats.url, "--node",
                             "main").start()
        self.shadow = Server("--cluster", self.nats.url, "--node", "shadow").start()
        self.shadowed = self.server

    def tearDown(self):
        # a test that makes its own server (TLS, a folder) has no follower
        shadowed = getattr(self, "shadowed", None)
        if shadowed and self.server is shadowed and self.server.proc.poll() is None:
            self.follower_has_every_change()
        code = self.server.stop()
        if code not in (0, -9, None):
            print(self.server.read_log())
        self.assertIn(code, (0, -9, None), "plenaryd did not exit cleanly")
        if shadowed:
            self.shadow.stop()
            self.nats.stop()

    def follower_has_every_change(self):
        deadline = time.time() + 10
        while metric(self.shadow, "plenary_cluster_applied") != \
                metric(self.server, "plenary_cluster_applied"):
            self.assertLess(time.time(), deadline, "the follower fell behind:\n" +
                            self.shadow.read_log()[-3000:])
            time.sleep(0.05)
        self.server.stop()
        self.shadow.stop()
        self.assertNotIn("cluster.diverged", self.shadow.read_log())
        logs = []
        for s in (self.server, self.shadow):
            with sqlite3.connect(s.db) as db:
                logs.append(db.execute("SELECT stream, seq, body FROM events ORDER BY pos")
                            .fetchall())
        self.assertEqual(logs[0], logs[1], "the follower's log is not the leader's")
        out = subprocess.run([PLENARYD, "replay", "--db", self.shadow.db, "--check"],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def assert_log_rebuilds(self):
        """Stops the server, checks that `replay --check` and `verify` pass on
        its database, and starts it again on the same file."""
        self.server.stop()
        for tool in (["replay", "--db", self.server.db, "--check"],
                     ["verify", "--db", self.server.db]):
            out = subprocess.run([PLENARYD] + tool, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.server.start()


class ProgrammeTest(ServerTest):
    """A server with the programme of setup_programme, its people joined to
    the meeting (`who`, default everyone) under `policy`."""

    policy = None
    who = None

    async def asyncSetUp(self):
        self.admin, self.meeting, self.tokens = await setup_programme(self.server,
                                                                      policy=self.policy)
        self.mid = self.meeting["id"]
        self.general, self.stake = [i["id"] for i in self.meeting["items"]]
        self.c = await join_programme(self.server, self.meeting, self.tokens, who=self.who)

    async def ask(self, who, kind="statement", **kw):
        """`who` asks for the floor; returns the new entry."""
        r = await self.c[who].ok("floor.request", meeting=self.mid, kind=kind, **kw)
        return r["entry"]

    async def stop_and_replay(self):
        """Closes every client, stops the server and runs `plenaryd replay
        --check` on its database: the views must agree with the log."""
        for c in self.c.values():
            await c.close()
        await self.admin.close()
        self.server.stop()
        r = subprocess.run([PLENARYD, "replay", "--db", self.server.db, "--check"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


def main():
    unittest.main(verbosity=2)
