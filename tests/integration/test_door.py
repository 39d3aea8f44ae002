"""The door (server/app/door.c, early.c) against the real server: every HTTP
request gets a status and none hangs; connections are capped per address
and in all, below the file limit, with a clear refusal; a connection that
sends no request is let go. Raw sockets, so that what is sent is exactly
what a careless or hostile client would send."""

import asyncio
import os
import resource
import socket
import ssl
import subprocess
import time

from harness import Client, Server, ServerTest, make_cert, main


def connect(port, addr="127.0.0.1", timeout=8):
    """A connection to the server from source address `addr` (any 127/8)."""
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(addr, 0))


def exchange(port, data, timeout=8, tls=False, addr="127.0.0.1"):
    """Sends raw bytes; returns (status or None, seconds until the answer)."""
    s = connect(port, addr, timeout)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    t0 = time.monotonic()
    s.sendall(data)
    got = b""
    try:
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionError, ssl.SSLError):
        pass
    s.close()
    line = got.split(b"\r\n", 1)[0].split()
    return (int(line[1]) if len(line) > 1 and line[0].startswith(b"HTTP/") else None,
            time.monotonic() - t0)


def get(target, *headers):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" %
            (target, "".join(h + "\r\n" for h in headers))).encode()


def metric(server, name):
    body = server.http_get("/metrics")[2].decode()
    return sum(float(l.split()[-1]) for l in body.splitlines() if l.startswith(name))


class Requests(ServerTest):
    server_args = ("--header-timeout", "1")

    def test_every_request_gets_a_status_and_none_hangs(self):
        port = self.server.port
        cases = [
            (get("/healthz"), 200),
            (get("/"), 200),
            (get("/nope.html"), 404),
            (get("/%00"), 400),
            (get("/meeting%00.html"), 400),
            (get("/" + "a" * 9000), 414),
            (get("/" + "a" * 100000), 414),
            (get("/healthz", "X-Big: " + "b" * 9000), 431),
            (get("/healthz", *["X-H%d: %s" % (i, "c" * 40) for i in range(250)]), 431),
            # names lws 4.1 only knows the start of: it used to wait 10 s
            (get("/healthz", "X-Auth: x"), 200),
            (get("/healthz", "A: b"), 200),
            (get("/healthz", "Co: x"), 200),
            (b"GET /healthz HTTP/1.1\nHost: x\n\n", 200),  # bare LF, as RFC 9112 allows
            (b"HELLO\r\n\r\n", 400),
            (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
            (b"GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
            (b"GET /healthz HTTP/1.1\r\nX: a\x01b\r\n\r\n", 400),
            (b"GET /healthz HTTP/9.9\r\n\r\n", 400),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\n", 408),  # never ends
            (b"", 408),  # says nothing at all
        ]
        for data, want in cases:
            status, took = exchange(port, data)
            self.assertEqual(status, want, "%r..." % data[:60])
            self.assertLess(took, 3, "%r took %.1f s" % (data[:60], took))
        self.assertEqual(metric(self.server, "plenary_http_refused_total"),
                         sum(want not in (200, 404) for _, want in cases))
        self.assertEqual(metric(self.server, "plenary_header_timeouts_total"), 2)

    async def test_websockets_still_pass_the_door(self):
        c = await Client.connect(self.server, self.server.admin_token)
        r = await c.ok("delegation.list")
        self.assertIn("delegations", r)
        self.assertEqual(metric(self.server, "plenary_sockets"), 2)  # this and /metrics


class Caps(ServerTest):
    server_args = ("--max-conns", "24", "--max-conns-per-address", "6",
                   "--header-timeout", "5")

    def hold(self, n, addr="127.0.0.1"):
        socks = [connect(self.server.port, addr) for _ in range(n)]
        time.sleep(0.3)  # the server has accepted them all
        return socks

    def test_one_address_cannot_take_every_connection(self):
        held = self.hold(6)
        status, took = exchange(self.server.port, get("/healthz"))
        self.assertEqual(status, 503)
        self.assertLess(took, 1)
        # another address is served meanwhile
        self.assertEqual(exchange(self.server.port, get("/healthz"), addr="127.0.0.2")[0], 200)
        held.pop().close()
        time.sleep(0.3)
        self.assertEqual(exchange(self.server.port, get("/healthz"))[0], 200)
        for s in held:
            s.close()
        time.sleep(0.3)
        self.assertEqual(metric(self.server, 'plenary_refused_total{cap="address"}'), 1)

    def test_the_global_cap_holds_for_every_address(self):
        held = []
        for i in range(4):
            held += self.hold(6, "127.0.0.%d" % (i + 2))
        status, _ = exchange(self.server.port, get("/healthz"), addr="127.0.0.9")
        self.assertEqual(status, 503)
        for s in held:
            s.close()
        time.sleep(0.3)
        self.assertEqual(exchange(self.server.port, get("/healthz"), addr="127.0.0.9")[0], 200)
        self.assertEqual(metric(self.server, 'plenary_refused_total{cap="global"}'), 1)

    def test_idle_connections_are_let_go(self):
        held = self.hold(3)
        time.sleep(6)  # past the header deadline
        for s in held:
            s.settimeout(2)
            self.assertIn(b"408", s.recv(100))
            s.close()
        self.assertEqual(metric(self.server, "plenary_sockets"), 1)  # /metrics itself


class FileLimit(ServerTest):
    """Run under a file limit of 100: the cap comes out below it, so a flood
    of connections is refused one by one and accept() never meets EMFILE."""

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, hard))
        orig = subprocess.Popen

        def limited(args, **kw):
            return orig(["prlimit", "--nofile=100:100", "--"] + list(args), **kw)
        subprocess.Popen = limited
        try:
            super().setUp()
        finally:
            subprocess.Popen = orig
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    def test_a_flood_meets_the_cap_not_the_file_limit(self):
        self.assertIn("max_conns=36", self.server.read_log())
        held = [connect(self.server.port) for _ in range(36)]
        time.sleep(0.3)
        refused = 0
        for _ in range(20):
            refused += exchange(self.server.port, get("/healthz"))[0] == 503
        self.assertEqual(refused, 20)
        for s in held:
            s.close()
        time.sleep(0.3)
        self.assertEqual(exchange(self.server.port, get("/healthz"))[0], 200)
        self.assertNotIn("accept", self.server.read_log())


class AcceptErrors(ServerTest):
    """The file limit reached for real: plenaryd inherits 60 open descriptors
    under a limit of 100, so its cap (36, from the limit) is more than the
    descriptors it has left, and accept() meets EMFILE. The listener then
    rests a tenth of a second at a time instead of spinning, the log says so
    once, not once a try, and the waiting connections are served when
    descriptors come free."""

    def setUp(self):
        self.held_fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(60)]
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        orig = subprocess.Popen

        def limited(args, **kw):
            return orig(["prlimit", "--nofile=100:100", "--"] + list(args),
                        pass_fds=self.held_fds, **kw)
        subprocess.Popen = limited
        try:
            super().setUp()
        finally:
            subprocess.Popen = orig
            for fd in self.held_fds:
                os.close(fd)

    def cpu_s(self):
        with open("/proc/%d/stat" % self.server.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def test_emfile_rests_the_listener_and_recovers(self):
        self.assertIn("max_conns=36", self.server.read_log())
        held = [connect(self.server.port) for _ in range(36)]  # more than it can accept
        time.sleep(0.5)
        before = self.cpu_s()
        time.sleep(2)
        # resting, not spinning on a listener that stays readable
        self.assertLess(self.cpu_s() - before, 0.5)
        log = self.server.read_log()
        self.assertEqual(log.count("accept.failed"), 1, log[-2000:])
        for s in held:
            s.close()
        time.sleep(0.5)
        self.assertEqual(exchange(self.server.port, get("/healthz"))[0], 200)
        self.assertGreater(metric(self.server, "plenary_accept_errors_total"), 1)


class OverTLS(ServerTest):
    def setUp(self):
        self.server = Server("--header-timeout", "1", tls=make_cert()).start()

    def test_a_request_lws_cannot_parse_gets_a_status_in_time(self):
        for data in [get("/healthz", "X-Auth: x"), b"GET /healthz HTTP/1.1\r\nHost: x\r\n"]:
            status, took = exchange(self.server.port, data, tls=True)
            self.assertEqual(status, 400)
            self.assertLess(took, 3)
        self.assertEqual(exchange(self.server.port, get("/healthz"), tls=True)[0], 200)

    def test_a_head_over_8_kb_gets_414_or_431_as_on_a_plain_port(self):
        upgrade = ("Upgrade: websocket", "Connection: Upgrade",
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                   "Sec-WebSocket-Protocol: plenary.v1")
        cases = [
            (get("/" + "a" * 9000), 414),
            (get("/healthz?" + "q" * 20000), 414),
            (get("/healthz", "User-Agent: " + "b" * 9000), 431),
            (get("/healthz", "Referer: " + "r" * 5000, "User-Agent: " + "u" * 5000), 431),
            (get("/ws", *upgrade, "User-Agent: " + "b" * 9000), 431),
            (get("/healthz", "User-Agent: " + "b" * 7000), 200),
        ]
        for data, want in cases:
            status, took = exchange(self.server.port, data, tls=True)
            self.assertEqual(status, want, data[:80])
            self.assertLess(took, 3)
        self.assertEqual(exchange(self.server.port, get("/healthz"), tls=True)[0], 200)

    async def test_a_crowd_of_handshakes_at_once_is_served_in_turns(self):
        # 300 at once: more than the door lets handshake together (128). The
        # rest wait in the backlog, and the listener must take them up again,
        # every one.
        ctx = self.server.ssl_context()

        async def one(i):
            r, w = await asyncio.wait_for(asyncio.open_connection(
                "127.0.0.1", self.server.port, ssl=ctx,
                local_addr=("127.0.0.%d" % (2 + i % 8), 0)), 20)
            w.write(get("/healthz"))
            line = await asyncio.wait_for(r.readline(), 20)
            w.close()
            return line.split()[1] if line.startswith(b"HTTP/") else line

        got = await asyncio.gather(*(one(i) for i in range(300)))
        self.assertEqual(got, [b"200"] * 300)


if __name__ == "__main__":
    main()
