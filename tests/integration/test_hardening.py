"""What issue 18's point 5 asks of TLS, headers, files and logs, checked from outside:
Mozilla's intermediate TLS profile read by `openssl s_client`, Strict-Transport-Security
over TLS only, `Cache-Control: no-store, private` wherever a feed key travels, the
database and its WAL files 0600, an unwritable database refused at start, and no feed
key or token in the log even at debug level, where lws prints request paths.
"""

import asyncio
import os
import stat
import subprocess

from harness import (PLENARYD, WEB, Client, Server, ServerTest, main, make_cert,
                     setup_programme)


class Tls(ServerTest):
    def setUp(self):
        self.server = Server(tls=make_cert()).start()

    def handshake(self, *args):
        """The cipher openssl s_client agreed, or None when the server refused. The
        client offers everything (SECLEVEL=0), so a refusal is the server's."""
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.server.port,
                            "-servername", "127.0.0.1"] + list(args),
                           input="", capture_output=True, text=True, timeout=10)
        for line in p.stdout.splitlines():
            if "Cipher is" in line:
                cipher = line.split("Cipher is", 1)[1].strip()
                return None if cipher == "(NONE)" else cipher
        return None

    def test_intermediate_profile(self):
        self.assertIsNone(self.handshake("-tls1", "-cipher", "DEFAULT@SECLEVEL=0"))
        self.assertIsNone(self.handshake("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"))
        # TLS 1.2: CBC with SHA-1 or SHA-256 MACs refused, AEAD with ECDHE taken
        for cbc in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
                    "ECDHE-ECDSA-AES128-SHA256"):
            self.assertIsNone(self.handshake("-tls1_2", "-cipher", cbc + "@SECLEVEL=0"), cbc)
        self.assertEqual(self.handshake("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"),
                         "ECDHE-ECDSA-AES128-GCM-SHA256")
        self.assertEqual(self.handshake("-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"),
                         "ECDHE-ECDSA-CHACHA20-POLY1305")
        self.assertIn(self.handshake("-tls1_3"), ("TLS_AES_128_GCM_SHA256",
                                                 "TLS_AES_256_GCM_SHA384",
                                                 "TLS_CHACHA20_POLY1305_SHA256"))

    def test_hsts_over_tls(self):
        for path in ("/", "/healthz"):
            _, headers, _ = self.server.http_get(path)
            headers = {k.lower(): v for k, v in headers.items()}
            self.assertEqual(headers.get("strict-transport-security"), "max-age=63072000")


class Headers(ServerTest):
    async def test_no_hsts_in_plain_and_feeds_not_stored(self):
        _, headers, _ = self.server.http_get("/healthz")
        headers = {k.lower(): v for k, v in headers.items()}
        self.assertNotIn("strict-transport-security", headers)
        self.assertEqual(headers["cache-control"], "no-cache")
        admin, meeting, tokens = await setup_programme(self.server)
        feed = tokens["kenya_feed"]
        for path in ("/calendar/%s.ics" % feed,
                     "/meetings/%s.ics?feed=%s" % (meeting["id"], feed),
                     "/meetings/%s/record.csv?feed=%s" % (meeting["id"], feed),
                     "/meetings/%s/record.json?feed=%s" % (meeting["id"], feed),
                     "/calendar/nosuchkey.ics"):
            status, headers, _ = self.server.http_get(path)
            headers = {k.lower(): v for k, v in headers.items()}
            self.assertEqual(headers.get("cache-control"), "no-store, private", path)
        # the same connection's next request, of another kind, is cacheable again
        self.assertEqual({k.lower(): v for k, v in self.server.http_get("/metrics")[1].items()}
                         ["cache-control"], "no-cache")


class Frames(ServerTest):
    async def test_refused_frames_count_toward_the_rate_limit(self):
        # Malformed frames and frames before hello take a token each, like any
        # request: a flood of them gets rate_limited, and the connection stays.
        c = await Client.connect(self.server)
        for i in range(100):  # a malformed op, or an op before hello, each with its id
            await c.send_raw('{"op": 5, "id": %d}' % i if i % 2
                             else '{"op": "delegation.list", "id": %d}' % i)
        await c.wait_for(lambda: len(c.replies) == 100)
        codes = [c.replies[i]["error"]["code"] for i in range(100)]
        self.assertEqual(set(codes[:60]), {"bad_request", "unauthenticated"})
        self.assertEqual(codes[-1], "rate_limited")
        self.assertLessEqual(len([k for k in codes if k != "rate_limited"]), 62)
        # others are served meanwhile, and the flooder itself again after a pause
        other = await Client.connect(self.server, self.server.admin_token)
        await other.ok("delegation.list")
        await asyncio.sleep(0.2)
        c.replies.clear()
        await c.err("delegation.list", "unauthenticated")


class Files(ServerTest):
    server_args = ("--log-level", "debug")

    async def test_database_private_and_secrets_kept_out_of_the_log(self):
        admin, meeting, tokens = await setup_programme(self.server)
        feed = tokens["kenya_feed"]
        for path in ("/calendar/%s.ics" % feed,
                     "/meetings/%s/record.csv?feed=%s" % (meeting["id"], feed)):
            self.assertEqual(self.server.http_get(path)[0], 200)
        c = await Client.connect(self.server, tokens["kenya"])
        await c.close()
        for suffix in ("", "-wal", "-shm"):
            mode = stat.S_IMODE(os.stat(self.server.db + suffix).st_mode)
            self.assertEqual(mode, 0o600, suffix)
        log = self.server.read_log()
        self.assertIn("/calendar/(secret)", log)  # lws did log the request, blanked
        for secret in (feed, tokens["kenya"], self.server.admin_token):
            self.assertNotIn(secret, log)

    def test_an_unwritable_database_is_refused(self):
        p = subprocess.run([PLENARYD, "--plain", "--web", WEB, "--listen", "127.0.0.1:0",
                            "--db", "/proc/plenary-test/p.db"],
                           capture_output=True, text=True, timeout=10)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("p.db", p.stderr)
        self.assertNotIn("listening", p.stderr)


if __name__ == "__main__":
    main()
