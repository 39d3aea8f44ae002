"""Contract sections 1 to 3 against the real server: flags, first start, HTTP,
the envelope, every error of the first ops, and the frame rules."""

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import (PLENARYD, WEB, Client, Server, ServerTest, assert_consecutive,  # noqa: E402
                     join_programme, main, make_cert, seq_events, setup_programme)


class FirstStart(ServerTest):
    def test_admin_token_file_is_private_and_not_logged(self):
        path = self.server.db + ".admin-token"
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600)
        token = self.server.admin_token
        self.assertGreaterEqual(len(token), 43)
        self.assertNotIn(token, self.server.read_log())

    def test_http_endpoints(self):
        status, headers, body = self.server.http_get("/healthz")
        self.assertEqual((status, body), (200, b"ok"))
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        status, headers, body = self.server.http_get("/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn("script-src 'self'", headers["content-security-policy"])
        self.assertNotIn("unsafe-inline", headers["content-security-policy"])
        status, _, body = self.server.http_get("/metrics")
        self.assertEqual(status, 200)
        self.assertIn(b"plenary_fanout_seconds_bucket", body)
        self.assertEqual(self.server.http_get("/calendar/nosuchkey.ics")[0], 404)
        self.assertEqual(self.server.http_get("/nope")[0], 404)


class Envelope(ServerTest):
    async def test_errors_change_nothing_and_disturb_nobody(self):
        admin = await Client.connect(self.server, self.server.admin_token)
        bystander = await Client.connect(self.server, self.server.admin_token)
        c = await Client.connect(self.server)
        cases = [
            (b"not json", "bad_json"),
            ("[1, 2]", "bad_json"),
            ('"hello"', "bad_json"),
            ('{"op": "hello", "op": "hello"}', "bad_json"),
            ('{"id": 1}', "bad_request"),
            ('{"op": 5, "id": 1}', "bad_request"),
            ('{"op": "hello", "id": {"x": 1}}', "bad_request"),
            ('{"op": "no.such.op", "id": 1}', "unknown_op"),
            ('{"op": "delegation.list", "id": 1}', "unauthenticated"),
            ('{"op": "hello", "id": 1}', "bad_request"),
            ('{"op": "hello", "id": 1, "token": 7}', "bad_request"),
            ('{"op": "hello", "id": 1, "token": "x", "extra": 1}', "bad_request"),
            ('{"op": "hello", "id": 1, "token": "wrong"}', "unauthenticated"),
        ]
        for frame, code in cases:
            await c.send_raw(frame.decode() if isinstance(frame, bytes) else frame)
            reply = await c.wait_for(lambda: c.replies.pop(1, None) or c.replies.pop(None, None))
            self.assertFalse(reply["ok"], frame)
            self.assertEqual(reply["error"]["code"], code, frame)
            self.assertTrue(reply["error"]["message"])
        # messages name the field
        r = await c.err("hello", "bad_request", token=7)
        self.assertIn("token", r["error"]["message"])
        r = await c.err("hello", "bad_request", token="x", extra=1)
        self.assertIn("extra", r["error"]["message"])
        # the id is echoed, string or integer
        r = await c.call("hello", token="nope")
        self.assertEqual(r["re"], c.next_id - 1)
        await c.ws.send(json.dumps({"op": "hello", "id": "abc", "token": "nope"}))
        r = await c.wait_for(lambda: c.replies.pop("abc", None))
        self.assertEqual(r["error"]["code"], "unauthenticated")
        # nobody else noticed, and nothing was created
        r = await bystander.ok("delegation.list")
        self.assertEqual([d["name"] for d in r["delegations"]], ["Secretariat"])
        await admin.ok("delegation.list")
        self.assertFalse(c.reader.done())

    async def test_admin_ops_validate(self):
        admin = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual(admin.hello["participant"]["role"], "secretariat")
        self.assertIsInstance(admin.hello["server_time"], int)
        await admin.err("delegation.create", "bad_request", name="X", kind="state",
                        tz="Mars/Olympus", group="african")
        await admin.err("delegation.create", "bad_request", name="X", kind="planet",
                        tz="UTC", group="african")
        await admin.err("delegation.create", "bad_request", name="X", kind="state",
                        tz="UTC", group="nowhere")
        r = await admin.err("delegation.create", "bad_request", name="X", kind="state",
                            tz="UTC", group="african", colour="red")
        self.assertIn("colour", r["error"]["message"])
        # a key that ends in a colon is named whole (it once sent the message
        # past the end of jansson's error text: tests/fuzz/corpus/meeting_json)
        r = await admin.err("delegation.create", "bad_request", name="X", kind="state",
                            tz="UTC", group="african", **{"end::::": 1})
        self.assertEqual(r["error"]["message"], "unknown field: end::::")
        r = await admin.err("delegation.list", "bad_request", **{"x: y": 1, "z:": 2})
        self.assertIn("x: y", r["error"]["message"])
        self.assertIn("z:", r["error"]["message"])
        r = await admin.err("delegation.create", "bad_request", name=5, kind="state", tz="UTC")
        self.assertIn("name", r["error"]["message"])
        kenya = (await admin.ok("delegation.create", name="Kenya", kind="state",
                                tz="Africa/Nairobi", group="african"))["delegation"]
        self.assertEqual(kenya["group"], "african")
        await admin.err("participant.invite", "not_found", delegation="d999", name="A",
                        role="delegate")
        await admin.err("participant.invite", "bad_request", delegation=kenya["id"],
                        name="A", role="emperor")
        inv = await admin.ok("participant.invite", delegation=kenya["id"], name="Wanjiru",
                             role="delegate")
        self.assertTrue(inv["token"] and inv["feed"])
        delegate = await Client.connect(self.server, inv["token"])
        self.assertEqual(delegate.hello["delegation"]["name"], "Kenya")
        self.assertEqual(delegate.hello["participant"]["name"], "Wanjiru")
        await delegate.err("delegation.create", "forbidden", name="Y", kind="ngo", tz="UTC")
        await delegate.err("participant.invite", "forbidden", delegation=kenya["id"],
                           name="B", role="delegate")
        await delegate.err("meeting.create", "forbidden", title="T", kind="thematic",
                           format="virtual", tz="UTC", start="2027-01-01T10:00",
                           end="2027-01-01T11:00")
        await delegate.err("hello", "conflict", token=inv["token"])

    async def test_meeting_create_list_join_leave(self):
        admin = await Client.connect(self.server, self.server.admin_token)
        base = dict(title="Annual meeting", kind="annual_meeting", format="hybrid",
                    tz="Europe/Zurich", start="2027-03-09T10:00", end="2027-03-09T13:00")
        bad = [dict(tz="Europe/Atlantis"), dict(start="2027-02-30T10:00"),
               dict(start="2027-03-09T25:00"), dict(start="9 March"), dict(kind="party"),
               dict(format="hologram"), dict(pillar="astrology"),
               dict(end="2027-03-09T09:00"), dict(rrule="FREQ=SOMETIMES"),
               dict(video_url="http://insecure.example.org"),
               dict(video_url="https://x.example.org/a\r\nX-INJECT:1"),
               dict(items=[]), dict(items=[{"title": "A", "kind": "banquet"}]),
               dict(policy={"statement_s": -5}), dict(policy={"on_expiry": "explode"}),
               dict(policy={"colour": "red"}), dict(chair="p999"), dict(title="")]
        for change in bad:
            await admin.err("meeting.create", "bad_request", **dict(base, **change))
        for missing in ["title", "tz", "start"]:
            args = dict(base)
            del args[missing]
            r = await admin.err("meeting.create", "bad_request", **args)
            self.assertIn(missing, r["error"]["message"])
        self.assertEqual((await admin.ok("meeting.list"))["meetings"], [])
        m = (await admin.ok("meeting.create", **base))["meeting"]
        self.assertEqual(m["status"], "scheduled")
        self.assertEqual(m["sequence"], 0)
        # 10:00 in Geneva in March (CET, UTC+1) is 09:00Z
        self.assertEqual(m["start_at"], 1804582800000)
        self.assertEqual(m["end_at"] - m["start_at"], 3 * 3600 * 1000)
        self.assertEqual(len(m["items"]), 1)
        self.assertEqual(m["items"][0]["kind"], "general")
        self.assertEqual(m["policy"]["statement_s"], 300)
        self.assertEqual(m["policy"]["reply_s"], [300, 180])
        self.assertEqual(m["policy"]["observer_items"], "stakeholder")
        listed = (await admin.ok("meeting.list"))["meetings"]
        self.assertEqual([x["id"] for x in listed], [m["id"]])
        self.assertEqual((await admin.ok("meeting.list", **{"from": m["end_at"] + 1}))
                         ["meetings"], [])
        await admin.err("meeting.join", "bad_request", meeting=m["id"], presence="moon")
        await admin.err("meeting.join", "not_found", meeting="m999", presence="room")
        state = (await admin.ok("meeting.join", meeting=m["id"], presence="room"))["state"]
        self.assertEqual(state["queue"], [])
        self.assertIsNone(state["floor"])
        self.assertEqual(state["seq"], 0)
        self.assertFalse(state["list_closed"])
        self.assertEqual(state["item"], m["items"][0]["id"])
        self.assertIn("attendance", state)
        await admin.ok("meeting.leave", meeting=m["id"])
        await admin.err("meeting.leave", "conflict", meeting=m["id"])


class Frames(ServerTest):
    async def test_oversized_frame_closes_1009_others_unaffected(self):
        other = await Client.connect(self.server, self.server.admin_token)
        c = await Client.connect(self.server, self.server.admin_token)
        await c.send_raw(json.dumps({"op": "delegation.list", "pad": "x" * 70000}))
        code, _ = await c.closed()
        self.assertEqual(code, 1009)
        await other.ok("delegation.list")
        # a frame just under the limit is answered, not closed
        c2 = await Client.connect(self.server, self.server.admin_token)
        r = await c2.call("delegation.list", pad="x" * 60000)
        self.assertEqual(r["error"]["code"], "bad_request")

    async def test_binary_frame_closes_1003(self):
        c = await Client.connect(self.server, self.server.admin_token)
        await c.send_raw(b'{"op": "delegation.list"}')
        code, _ = await c.closed()
        self.assertEqual(code, 1003)

    async def test_no_hello_within_10s_closes_1008(self):
        c = await Client.connect(self.server)
        code, _ = await c.closed(timeout=20)
        self.assertEqual(code, 1008)

    async def test_wrong_path_and_subprotocol(self):
        import websockets
        with self.assertRaises(Exception):
            ws = await websockets.connect(self.server.url("/elsewhere").replace("http", "ws"),
                                          subprotocols=["plenary.v1"])
            await ws.recv()


class Origins(ServerTest):
    server_args = ("--origin", "https://plenary.example.org")

    async def test_other_origins_refused(self):
        import http.client
        import websockets
        # lws answers the refused upgrade with an HTTP/1.0 status line, which
        # browsers accept and python-websockets does not: read it as HTTP.
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        conn.request("GET", "/ws", headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": "plenary.v1", "Origin": "https://evil.example.org"})
        self.assertEqual(conn.getresponse().status, 403)
        url = self.server.url("/ws").replace("http", "ws")
        ws = await websockets.connect(url, subprotocols=["plenary.v1"],
                                      origin="https://plenary.example.org")
        await ws.close()


class Subprotocol(ServerTest):
    def upgrade(self, protocol=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        headers = {"Upgrade": "websocket", "Connection": "Upgrade",
                   "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
        if protocol is not None:
            headers["Sec-WebSocket-Protocol"] = protocol
        conn.request("GET", "/ws", headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    async def test_an_upgrade_must_name_plenary_v1(self):
        # Bound to the HTTP protocol, such a socket had no hello deadline and
        # no keepalive; it is refused with a status instead.
        for protocol in (None, "chat", "plenary.v2, chat", "plenary.v10"):
            status, body = self.upgrade(protocol)
            self.assertEqual(status, 400, protocol)
        self.assertEqual(self.upgrade("chat, plenary.v1")[0], 101)
        # and the server still serves everyone else
        c = await Client.connect(self.server, self.server.admin_token)
        await c.ok("delegation.list")


class Process(ServerTest):
    def test_sigterm_and_sigint_exit_0(self):
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)
        self.server.start()
        self.assertEqual(self.server.stop(signal.SIGINT), 0)
        self.server.start()

    def test_bad_flags_exit_2(self):
        d = tempfile.mkdtemp()
        for args, word in [(["--bogus"], "--bogus"), (["--listen", "nowhere"], "--listen"),
                           (["--log-level", "loud"], "--log-level"), (["--db"], "--db"),
                           (["--cert", os.path.join(d, "missing.crt"),
                             "--key", os.path.join(d, "missing.key")], "--cert"),
                           (["--plain", "--cert", "a", "--key", "b"], "--plain")]:
            p = subprocess.run([PLENARYD, "--web", WEB, "--db", os.path.join(d, "x.db")] + args,
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(word, p.stderr.splitlines()[0])
            if word != "--cert":
                self.assertIn("usage:", p.stderr)


class Tls(ServerTest):
    def setUp(self):
        cert, key = make_cert()
        # --keepalive 1: the server pings quiet TLS clients too (through OpenSSL)
        self.server = Server("--keepalive", "1", tls=(cert, key)).start()

    async def test_wss_and_https(self):
        status, _, body = self.server.http_get("/healthz")
        self.assertEqual((status, body), (200, b"ok"))
        c = await Client.connect(self.server, self.server.admin_token)
        await c.ok("delegation.list")
        out = subprocess.run(["openssl", "s_client", "-connect",
                              "127.0.0.1:%d" % self.server.port, "-alpn", "h2,http/1.1"],
                             input="", capture_output=True, text=True, timeout=10).stdout
        self.assertIn("ALPN protocol: http/1.1", out)

    async def test_events_reach_tls_sessions_in_order(self):
        # Plain sockets get events by send(); TLS sessions by lws and OpenSSL.
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        c = await join_programme(self.server, meeting, tokens, who=["chair", "kenya", "viewer"])
        start = c["viewer"].state["seq"]
        await c["kenya"].ok("floor.request", meeting=mid, kind="statement")
        await c["chair"].ok("floor.next", meeting=mid)
        await c["chair"].ok("floor.pause", meeting=mid)
        for who in c.values():
            got = await who.wait_for(lambda w=who: [e for e in seq_events(w)
                                                    if e["ev"] == "floor.changed"
                                                    and e["floor"]["paused"]])
            self.assertEqual(got[-1]["floor"]["entry"]["delegation"]["name"], "Kenya")
        assert_consecutive(c["viewer"], start)
        # quiet for three keepalive periods: pinged over TLS, answered, still here
        await asyncio.sleep(3)
        await c["kenya"].ok("floor.request", meeting=mid, kind="question")
        await c["viewer"].wait_for(lambda: [e for e in seq_events(c["viewer"])
                                            if e["ev"] == "queue.added"
                                            and e["entry"]["kind"] == "question"])


if __name__ == "__main__":
    main()
