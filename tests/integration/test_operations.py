"""Running it for real (issue 19): the configuration file and --check-config,
SIGHUP (the log file reopened, the TLS pair reloaded with no connection
dropped), structured logs, /readyz, backup and restore beside a running
server, and systemd's readiness and watchdog messages on a socket of our own."""

import asyncio
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import (PLENARYD, WEB, Client, ProgrammeTest, Server,  # noqa: E402
                     ServerTest, main, make_cert, setup_programme)


def run(*args, **kw):
    return subprocess.run([PLENARYD] + list(args), capture_output=True, text=True,
                          timeout=60, **kw)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class Config(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="plenary-conf-")
        self.db = os.path.join(self.d, "p.db")

    def conf(self, text):
        return write(os.path.join(self.d, "plenary.conf"), text)

    def test_check_config_accepts_a_good_file(self):
        path = self.conf("; a comment\n# another\nplain = true\ndb = %s\nweb = %s\n"
                         "listen = 127.0.0.1:0\nlog-format = json\nkeepalive = 20\n"
                         "origin = https://a.example.org\norigin = https://b.example.org\n"
                         % (self.db, WEB))
        p = run("--config", path, "--check-config")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("valid", p.stdout)
        self.assertFalse(os.path.exists(self.db), "a check creates nothing")

    def test_each_bad_value_names_its_key_and_line(self):
        cert, key = make_cert()
        other_cert, _ = make_cert()
        for text, where in [
                ("keepalive = 0\n", ":1: keepalive"),
                ("plain = true\n\nlisten = nowhere\n", ":3: listen"),
                ("bogus = 1\n", ":1: bogus"),
                ("log-format = xml\n", ":1: log-format"),
                ("log-level = loud\n", ":1: log-level"),
                ("plain = maybe\n", ":1: plain"),
                ("[server]\nplain = true\n", ":2: [server]"),
                ("fanout-split = 1\n", ":1: fanout-split"),
                ("origin = example.org\n", ":1: origin"),
                ("just words\n", ":1:"),
                ("plain = true\ncert = %s\nkey = %s\n" % (cert, key), ":1: plain"),
                ("cert = %s\n" % cert, ":1: cert"),
                ("cert = %s\nkey = %s\n" % (other_cert, key), ":2: key"),
                ("plain = true\nlog-file = /nonexistent/dir/log\n", ":2: log-file")]:
            path = self.conf("web = %s\ndb = %s\n" % (WEB, self.db) + text)
            # the two lines above shift the numbers by two
            head, _, rest = where.partition(":")
            n = rest.split(":")[0]
            want = "%s:%d%s" % (path, int(n) + 2, rest[len(n):]) if n else path
            p = run("--config", path, "--check-config")
            self.assertEqual(p.returncode, 2, (text, p.stdout, p.stderr))
            self.assertIn(want, p.stderr.splitlines()[0], text)

    def test_missing_file_is_an_error(self):
        p = run("--config", os.path.join(self.d, "none.conf"), "--check-config")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--config", p.stderr)

    def test_flags_override_the_file(self):
        cert, key = make_cert()
        # the file asks for TLS on a port; the flags say plain, elsewhere
        path = self.conf("cert = %s\nkey = %s\ndb = %s\nweb = %s\nlisten = 127.0.0.1:1\n"
                         "log-format = json\n" % (cert, key, self.db, WEB))
        port_file = os.path.join(self.d, "port")
        proc = subprocess.Popen([PLENARYD, "--config", path, "--plain", "--listen",
                                 "127.0.0.1:0", "--port-file", port_file],
                                stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(200):
                if os.path.exists(port_file) and open(port_file).read().strip():
                    break
                time.sleep(0.05)
            port = int(open(port_file).read())
            self.assertNotEqual(port, 1)
            import urllib.request
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
                self.assertEqual(r.read(), b"ok")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0)
        # log-format came from the file: every line is JSON
        lines = [json.loads(x) for x in err.splitlines() if x.strip()]
        self.assertIn("start", [x["event"] for x in lines])


def fingerprint_of_server(port):
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    return ssl.PEM_cert_to_DER_cert(pem)


def der_of(cert_path):
    with open(cert_path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class Reload(ServerTest):
    def setUp(self):
        self.pairs = [make_cert(), make_cert()]
        d = tempfile.mkdtemp(prefix="plenary-live-tls-")
        self.cert, self.key = os.path.join(d, "live.crt"), os.path.join(d, "live.key")
        self.install(0)
        self.logfile = os.path.join(d, "plenary.log")
        self.server = Server("--log-file", self.logfile, "--log-format", "logfmt",
                             tls=(self.cert, self.key)).start()

    def install(self, i):
        shutil.copy(self.pairs[i][0], self.cert)
        shutil.copy(self.pairs[i][1], self.key)

    def hup(self):
        self.server.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)

    async def test_sighup_reloads_the_pair_and_drops_no_connection(self):
        c = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual(fingerprint_of_server(self.server.port), der_of(self.pairs[0][0]))
        self.install(1)
        self.hup()
        self.assertEqual(fingerprint_of_server(self.server.port), der_of(self.pairs[1][0]))
        await c.ok("delegation.list")  # the old connection, still on the old pair
        status, _, body = self.server.http_get("/readyz")
        self.assertEqual((status, body), (200, b"ready"))
        self.assertIn("event=reload tls=reloaded", open(self.logfile).read())

    async def test_a_bad_pair_keeps_the_old_one(self):
        c = await Client.connect(self.server, self.server.admin_token)
        shutil.copy(self.pairs[1][0], self.cert)  # a certificate without its key
        self.hup()
        self.assertEqual(fingerprint_of_server(self.server.port), der_of(self.pairs[0][0]))
        log = open(self.logfile).read()
        self.assertIn("level=warn event=reload.failed what=tls", log)
        await c.ok("delegation.list")

    async def test_sighup_reopens_the_log_file(self):
        os.rename(self.logfile, self.logfile + ".1")  # as logrotate does
        self.hup()
        self.assertTrue(os.path.exists(self.logfile))
        self.assertIn("event=reload", open(self.logfile).read())


class Logs(ProgrammeTest):
    server_args = ("--log-format", "json")
    who = ["chair", "kenya"]

    def lines(self):
        return [json.loads(x) for x in self.server.read_log().splitlines() if x.strip()]

    async def test_failures_rulings_and_auth_are_logged_without_secrets(self):
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["kenya"].err("floor.next", "forbidden", meeting=self.mid)
        bad = await Client.connect(self.server)
        await bad.err("hello", "unauthenticated", token="not-a-real-token-at-all")
        status, _, _ = self.server.http_get("/calendar/%s.ics" % ("x" * 20))
        self.assertEqual(status, 404)
        await asyncio.sleep(0.2)
        lines = self.lines()
        events = [x["event"] for x in lines]
        ruling = [x for x in lines if x["event"] == "ruling"]
        self.assertEqual(ruling[0]["op"], "floor.next")
        self.assertEqual(ruling[0]["participant"], self.tokens["ids"]["chair"])
        self.assertEqual(ruling[0]["remote"], "127.0.0.1")
        failed = [x for x in lines if x["event"] == "request.failed"][0]
        self.assertEqual((failed["op"], failed["code"], failed["level"]),
                         ("floor.next", "forbidden", "notice"))
        self.assertEqual(failed["participant"], self.tokens["ids"]["kenya"])
        auth = [x for x in lines if x["event"] == "auth.failed"]
        self.assertEqual([a["level"] for a in auth], ["warn", "warn"])
        self.assertEqual(auth[0]["remote"], "127.0.0.1")
        self.assertIn("start", events)
        text = self.server.read_log()
        for secret in [self.server.admin_token, self.tokens["kenya"], "not-a-real-token",
                       self.tokens["kenya_feed"], "x" * 20]:
            self.assertNotIn(secret, text)


class Ready(ServerTest):
    def test_readyz(self):
        self.assertEqual(self.server.http_get("/readyz")[:3:2], (200, b"ready"))
        self.assertEqual(self.server.http_get("/healthz")[:3:2], (200, b"ok"))

    def test_readyz_is_503_while_another_writer_holds_the_database(self):
        import sqlite3
        other = sqlite3.connect(self.server.db, isolation_level=None, timeout=5)
        other.execute("BEGIN IMMEDIATE")
        try:
            t0 = time.time()
            status, _, body = self.server.http_get("/readyz")
            self.assertEqual((status, body), (503, b"the database is not writable"))
            self.assertLess(time.time() - t0, 2, "the probe must not wait the store's 5 s")
        finally:
            other.execute("ROLLBACK")
            other.close()
        self.assertEqual(self.server.http_get("/readyz")[0], 200)

    def test_every_metric_is_documented(self):
        body = self.server.http_get("/metrics")[2].decode()
        names = [line.split()[2] for line in body.splitlines() if line.startswith("# TYPE")]
        self.assertGreater(len(names), 5)
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                               "OPERATIONS.md")) as f:
            doc = f.read()
        for name in names:
            self.assertIn("`%s" % name, doc, "docs/OPERATIONS.md does not explain " + name)


class Backup(ProgrammeTest):
    who = ["chair", "kenya", "japan"]

    async def test_backup_while_running_then_restore_only_when_stopped(self):
        for who in ["kenya", "japan"]:
            await self.c[who].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        out = os.path.join(self.server.dir, "backup.db")
        p = run("backup", "--db", self.server.db, "--to", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("integrity_check: ok", p.stdout)
        self.assertIn("the views agree with the log", p.stdout)
        self.assertIn("every chain holds", p.stdout)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.exists(out + "-wal"))
        # changes after the backup, which a restore takes back
        await self.c["chair"].ok("floor.end", meeting=self.mid)
        p = run("restore", "--db", self.server.db, "--from", out)
        self.assertEqual(p.returncode, 1)
        self.assertIn("in use by a running plenaryd (pid %d)" % self.server.proc.pid, p.stderr)
        # a second server on the same file is refused the same way
        p = run("--plain", "--web", WEB, "--db", self.server.db, "--listen", "127.0.0.1:0")
        self.assertEqual(p.returncode, 1)
        self.assertIn("in use", p.stderr)
        for c in self.c.values():
            await c.close()
        self.assertEqual(self.server.stop(), 0)
        p = run("restore", "--db", self.server.db, "--from", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.server.start()
        chair = await Client.connect(self.server, self.tokens["chair"])
        state = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertIsNotNone(state["floor"], "the speech ended after the backup is not there")
        self.assertEqual(run("replay", "--db", self.server.db, "--check").returncode, 0)

    def test_bad_arguments_and_bad_backups(self):
        self.assertEqual(run("backup", "--db", self.server.db).returncode, 2)
        self.assertEqual(run("backup", "--db", "/nonexistent", "--to", "/tmp/x").returncode, 2)
        self.assertEqual(run("restore", "--db", self.server.db, "--bogus", "x").returncode, 2)
        junk = write(os.path.join(self.server.dir, "junk.db"), "not a database at all " * 100)
        target = os.path.join(self.server.dir, "other.db")
        p = run("restore", "--db", target, "--from", junk)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertFalse(os.path.exists(target))


class Notify(unittest.TestCase):
    """sd_notify's datagrams, on a socket we hold as systemd would."""

    def test_ready_watchdog_reloading_stopping(self):
        d = tempfile.mkdtemp(prefix="plenary-notify-")
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(5)
        env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000")
        proc = subprocess.Popen([PLENARYD, "--plain", "--web", WEB, "--config", "/dev/null",
                                 "--db", os.path.join(d, "p.db"), "--listen", "127.0.0.1:0"],
                                env=env, stderr=subprocess.DEVNULL)
        got = []

        def until(pred):
            while not pred():
                got.append(sock.recv(4096).decode())

        try:
            until(lambda: sum(m == "WATCHDOG=1" for m in got) >= 3)
            self.assertTrue(got[0].startswith("READY=1\nSTATUS=http://127.0.0.1:"), got)
            proc.send_signal(signal.SIGHUP)
            until(lambda: "READY=1\nSTATUS=reloaded" in got)
            self.assertIn("RELOADING=1", got)
            proc.send_signal(signal.SIGTERM)
            until(lambda: "STOPPING=1" in got)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            sock.close()
        self.assertEqual(proc.returncode, 0)


if __name__ == "__main__":
    main()
