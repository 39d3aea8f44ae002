"""Mutated uploads (issue 18, point 7): POST /documents is the one door where
a stranger's bytes go through a decoder we did not write (lws_spa's
multipart parser) into ours (the form's fields, libmagic, libarchive and
libxml2 on the file). A valid upload is mutated many times, seeded and
repeatable: bytes flipped, spans cut, doubled or spliced with the
tokens multipart is made of, the boundary parameter bent. Each mutant is sent
whole, with a Content-Length that is its own, and must get an answer within
a few seconds that is not a 5xx; afterwards the server serves a good upload,
its document folder holds exactly the files of the uploads it took, no
temporary file is left, and `replay --check` passes.

PLENARY_UPLOAD_MUTANTS=N runs N mutants (default 300), PLENARY_UPLOAD_SEED
a given seed; a failure names the seed and the mutant's index."""

import os
import random
import socket

from harness import ProgrammeTest, Server, main, make_cert
from test_documents import BASE, PDF, docx, form, odt, store_files, upload

MUTANTS = int(os.environ.get("PLENARY_UPLOAD_MUTANTS", "300"))
SEED = int(os.environ.get("PLENARY_UPLOAD_SEED", "20261201"))

TOKENS = [b"\r\n", b"\r\n\r\n", b"--", b"\"", b";", b"=", b"\x00", b"\xff\xfe",
          b"Content-Disposition: form-data; name=\"title\"\r\n\r\n",
          b"Content-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n",
          b"Content-Type: text/plain\r\n", b"filename*=UTF-8''%e2%82%ac", b"name=",
          b"a" * 1000, b"\xe2\x82", b"%00", b"PK\x03\x04"]


def mutate(rng, body, boundary):
    """One mutant of body: a few edits of the kinds a careless or hostile
    client makes, the multipart boundary among the likeliest tokens."""
    b = bytearray(body)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        at = rng.randrange(len(b) + 1)
        if kind == 0 and b:                      # flip bytes
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
        elif kind == 1:                          # cut a span
            del b[at:at + rng.randint(1, 64)]
        elif kind == 2:                          # double a span
            b[at:at] = b[at:at + rng.randint(1, 256)]
        elif kind == 3:                          # splice a token
            b[at:at] = rng.choice(TOKENS)
        elif kind == 4:                          # a boundary where none should be
            b[at:at] = b"\r\n--" + boundary + rng.choice([b"", b"--", b"\r\n"])
        else:                                    # end early
            del b[at:]
    return bytes(b)


def bend_type(rng, ctype):
    """The Content-Type's boundary parameter, now and then bent."""
    boundary = ctype.split("boundary=", 1)[1]
    return rng.choice([
        ctype, ctype, ctype, ctype,
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"%s\"" % boundary,
        "multipart/form-data; boundary=%s; boundary=other" % boundary,
        "multipart/form-data; boundary=" + "b" * 300,
        "multipart/mixed; boundary=" + boundary,
        "text/plain",
    ])


def post_raw(server, token, ctype, body, timeout=10):
    """Sends one request whole; returns the status, 0 for a close with no
    answer or -1 for none in `timeout` seconds (each a failure)."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    if server.tls:
        s = server.ssl_context().wrap_socket(s, server_hostname="localhost")
    head = ("POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (token, ctype, len(body))).encode()
    got = b""
    try:
        s.sendall(head + body)
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass  # answered and closed before the whole body was read: got has it
    except TimeoutError:
        return -1
    finally:
        s.close()
    line = got.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[0].startswith("HTTP/1.") else 0


class UploadMutations(ProgrammeTest):
    who = ["kenya"]

    def seeds(self):
        return [
            (BASE, ("n.txt", b"Plain notes on capacity\n", "text/plain")),
            (dict(BASE, abstract="An abstract"), ("w.odt", odt("zebra"), "x")),
            (dict(BASE, kind="statement"), ("d.docx", docx("giraffe"), "x")),
            (BASE, ("r.pdf", PDF, "application/pdf")),
        ]

    def run_mutants(self, count):
        rng = random.Random(SEED)
        taken = 0
        for i in range(count):
            fields, file = rng.choice(self.seeds())
            ctype, body = form(fields, file)
            boundary = ctype.split("boundary=", 1)[1].encode()
            mutant = mutate(rng, body, boundary)
            bent = bend_type(rng, ctype)
            status = post_raw(self.server, self.tokens["kenya"], bent, mutant)
            why = "seed %d, mutant %d: %r" % (SEED, i, mutant[:200])
            self.assertTrue(100 <= status < 500, "status %d for %s\n%s" % (
                status, why, self.server.read_log()[-1500:]))
            self.assertIsNone(self.server.proc.poll(), "plenaryd exited at " + why)
            taken += status == 201
        return taken

    def assert_store_is_what_was_taken(self):
        files = store_files(self.server)
        self.assertFalse([f for f in files if f.startswith(".") or f.endswith(".part")],
                         "a temporary file was left: %s" % files)
        return files

    async def test_mutated_uploads_get_an_answer_and_leave_only_what_was_taken(self):
        taken = self.run_mutants(MUTANTS)
        files = self.assert_store_is_what_was_taken()
        # the files are stored by hash, so equal uploads share one
        self.assertLessEqual(len(files), taken)
        self.assertEqual(bool(files), bool(taken))
        st, r = upload(self.server, self.tokens["kenya"], BASE,
                       ("after.txt", b"still fine\n", "text/plain"))
        self.assertEqual(st, 201, r)
        # documents are numbered in the order they are taken: none was lost
        self.assertEqual(r["document"]["id"], "f%d" % (taken + 1))
        await self.stop_and_replay()


    async def test_what_the_mutants_found(self):
        # a title that is not UTF-8 is the client's error (it was a 500)
        ctype, body = form(dict(BASE, title="T\u00e9l\u00e9"), ("n.txt", b"x\n", "text/plain"))
        bad = body.replace("T\u00e9l\u00e9".encode(), b"T\xe9l\xe9")
        self.assertEqual(post_raw(self.server, self.tokens["kenya"], ctype, bad), 400)
        # a file name that is not UTF-8 names the download in UTF-8
        ctype, body = form(BASE, ("caf\u00e9.txt", b"x\n", "text/plain"))
        bad = body.replace("caf\u00e9".encode(), b"caf\xe9")
        self.assertEqual(post_raw(self.server, self.tokens["kenya"], ctype, bad), 201)
        got = await self.c["kenya"].ok("document.get", document="f1")
        self.assertEqual(got["document"]["filename"], "caf .txt")
        # a body shorter than the head that lws reads once more as its start
        # spun the service thread for ever
        for n in (0, 1, 50, 150):
            self.assertEqual(post_raw(self.server, self.tokens["kenya"],
                                      "multipart/form-data; boundary=b", b"-" * n),
                             400, "a %d-byte body" % n)
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("a.txt", b"fine\n", "x"))
        self.assertEqual((st, r["document"]["id"]), (201, "f2"))


class UploadMutationsOverTls(UploadMutations):
    """The same through TLS, where lws reads the head itself (no door)."""

    def setUp(self):
        self.server = Server(tls=make_cert()).start()

    def run_mutants(self, count):
        return super().run_mutants(max(1, count // 3))


if __name__ == "__main__":
    main()
