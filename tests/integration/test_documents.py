"""The portal's documents (issue 13): POST /documents and GET /documents/{id}
against the real server, on the plain port (through the door's early read)
and under TLS. Every allowed type is uploaded and its type read back as
decided from the bytes; an executable named .pdf, a file over 20 MiB and a
connection cut half way are refused and leave nothing in the store's folder;
a bad token is 401; a `states` document is not served to an observer."""

import hashlib
import http.client
import io
import json
import os
import socket
import ssl
import time
import uuid
import zipfile

from harness import ProgrammeTest, Server, main, make_cert

ODT_XML = ('<?xml version="1.0"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
           '<office:text><text:p>Regional %s workshop</text:p><text:p>second'
           '<text:s/>paragraph</text:p></office:text></office:body>'
           '</office:document-content>')
DOCX_XML = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Incident %s response'
            '</w:t></w:r></w:p></w:body></w:document>')


def odt(word):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", ODT_XML % word, compress_type=zipfile.ZIP_DEFLATED)
    return b.getvalue()


def docx(word):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", DOCX_XML % word)
    return b.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(fields, file=None):
    """multipart/form-data: (content type, body)."""
    boundary = "----plenary" + uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                   % (boundary, k, v)).encode())
    if file:
        name, data, declared = file
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                   "Content-Type: %s\r\n\r\n" % (boundary, name, declared)).encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(("--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, out.getvalue()


def conn(server):
    if server.tls:
        return http.client.HTTPSConnection("127.0.0.1", server.port, timeout=30,
                                           context=server.ssl_context())
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)


def upload(server, token, fields, file=None):
    ctype, body = form(fields, file)
    c = conn(server)
    headers = {"Content-Type": ctype}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request("POST", "/documents", body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, (json.loads(data) if data.startswith(b"{") else data)


def get(server, path, token=None):
    c = conn(server)
    c.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def store_files(server):
    d = server.db + ".documents"
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


BASE = {"title": "Paper", "kind": "working_paper", "pillar": "capacity_building",
        "language": "en"}


class Documents(ProgrammeTest):
    who = ["kenya", "au", "viewer"]

    async def test_every_allowed_type_is_stored_by_its_hash_and_served_back(self):
        files = [("report.pdf", PDF, "application/pdf"),
                 ("paper.odt", odt("zebra"), "application/vnd.oasis.opendocument.text"),
                 ("paper.docx", docx("giraffe"), "application/vnd.openxmlformats-"
                  "officedocument.wordprocessingml.document"),
                 ("notes.txt", "Plain notes on capacity, café\n".encode(), "text/plain"),
                 ("notes.md", b"# Heading\n\nSome *markdown* here\n", "text/plain")]
        for name, data, mime in files:
            st, r = upload(self.server, self.tokens["kenya"], dict(BASE, title=name),
                           (name, data, "application/octet-stream"))
            self.assertEqual(st, 201, r)
            d = r["document"]
            self.assertEqual(d["mime"], mime)
            self.assertEqual(d["sha256"], hashlib.sha256(data).hexdigest())
            self.assertEqual(d["size"], len(data))
            self.assertEqual(d["delegation"]["name"], "Kenya")
            self.assertFalse(d["withdrawn"])
            st, h, body = get(self.server, "/documents/" + d["id"])
            self.assertEqual(st, 200)
            self.assertEqual(body, data)
            self.assertTrue(h["content-type"].startswith(mime), h)
            self.assertIn('filename="%s"' % name, h["content-disposition"])
        self.assertEqual(len(store_files(self.server)), len(files))
        self.assertFalse([f for f in store_files(self.server) if f.startswith(".") or
                          f.endswith(".part")])

    async def test_an_executable_named_pdf_is_refused_and_nothing_stays(self):
        with open("/bin/true", "rb") as f:
            exe = f.read()
        st, r = upload(self.server, self.tokens["kenya"], BASE,
                       ("report.pdf", exe, "application/pdf"))
        self.assertEqual(st, 415, r)
        self.assertIn("executable", r["error"]["message"])
        self.assertEqual(store_files(self.server), [])
        # and no event: the next document is still f1
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("a.pdf", PDF, "x/y"))
        self.assertEqual(r["document"]["id"], "f1")

    async def test_over_the_size_limit_is_413_with_nothing_stored(self):
        # declared too big: refused before a byte of the body is read
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(("POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n"
                   "\r\n" % (self.tokens["kenya"], 21 * 1024 * 1024)).encode())
        head = s.recv(4096).decode(errors="replace")
        s.close()
        self.assertTrue(head.startswith("HTTP/1.1 413"), head)
        # a file over 20 MiB inside a body the length allows: read, refused, dropped
        big = b"a" * (20 * 1024 * 1024 + 1)
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("big.txt", big, "text/plain"))
        self.assertEqual(st, 413, r)
        self.assertEqual(store_files(self.server), [])
        # exactly 20 MiB is taken
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("ok.txt", big[:-1], "text/plain"))
        self.assertEqual(st, 201, r)

    async def test_a_connection_cut_mid_upload_leaves_nothing(self):
        ctype, body = form(BASE, ("cut.txt", b"x" * 3_000_000, "text/plain"))
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(("POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: %s\r\nContent-Length: %d\r\n\r\n"
                   % (self.tokens["kenya"], ctype, len(body))).encode())
        s.sendall(body[:1_500_000])
        time.sleep(0.5)
        self.assertEqual(len([f for f in store_files(self.server) if f.startswith(".upload-")]),
                         1, "the upload streams into a temporary file")
        s.close()
        deadline = time.time() + 5
        while store_files(self.server) and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(store_files(self.server), [])
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("a.txt", b"fine\n", "x"))
        self.assertEqual((st, r["document"]["id"]), (201, "f1"))

    async def test_a_bad_token_is_401_and_roles_are_kept(self):
        st, r = upload(self.server, "not-a-token", BASE, ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 401, r)
        st, r = upload(self.server, None, BASE, ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 401, r)
        st, r = upload(self.server, self.tokens["viewer"], BASE, ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 403, r)
        st, r = upload(self.server, self.tokens["au"], dict(BASE, kind="national_report"),
                       ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 403, r)
        st, r = upload(self.server, self.tokens["kenya"],
                       dict(BASE, delegation=self.tokens["delegations"]["Japan"]),
                       ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 403, r)
        st, r = upload(self.server, self.tokens["kenya"], dict(BASE, language="de"),
                       ("a.txt", b"x\n", "text/plain"))
        self.assertEqual(st, 400, r)
        self.assertIn("language", r["error"]["message"])
        self.assertEqual(store_files(self.server), [])
        st, r = upload(self.server, self.tokens["au"], BASE, ("a.txt", b"ours\n", "text/plain"))
        self.assertEqual(st, 201, r)
        self.assertEqual(r["document"]["delegation"]["name"], "African Union")
        st, r = upload(self.server, self.server.admin_token,
                       dict(BASE, kind="national_report",
                            delegation=self.tokens["delegations"]["Japan"]),
                       ("jp.txt", b"japan\n", "text/plain"))
        self.assertEqual(st, 201, r)
        self.assertEqual(r["document"]["delegation"]["name"], "Japan")

    async def test_visibility_webinars_versions_and_withdrawal(self):
        st, r = upload(self.server, self.tokens["kenya"], dict(BASE, visibility="states"),
                       ("s.txt", b"for states\n", "text/plain"))
        self.assertEqual(st, 201, r)
        sid = r["document"]["id"]
        self.assertEqual(get(self.server, "/documents/" + sid)[0], 401)
        self.assertEqual(get(self.server, "/documents/" + sid, self.tokens["au"])[0], 403)
        st, h, body = get(self.server, "/documents/" + sid, self.tokens["kenya"])
        self.assertEqual((st, body), (200, b"for states\n"))
        self.assertIn("no-store", h["cache-control"])
        self.assertEqual(get(self.server, "/documents/" + sid, self.server.admin_token)[0], 200)
        self.assertEqual(get(self.server, "/documents/f99")[0], 404)
        # a webinar is a link, not a file
        st, r = upload(self.server, self.tokens["au"],
                       dict(BASE, kind="webinar", url="https://example.org/w/1"))
        self.assertEqual(st, 201, r)
        st, _, body = get(self.server, "/documents/" + r["document"]["id"])
        self.assertEqual(json.loads(body)["url"], "https://example.org/w/1")
        st, r = upload(self.server, self.tokens["au"], dict(BASE, kind="webinar"))
        self.assertEqual(st, 400, r)
        # language versions share a family
        st, r = upload(self.server, self.tokens["kenya"], dict(BASE, title="EN"),
                       ("en.txt", b"english\n", "text/plain"))
        en = r["document"]["id"]
        st, r = upload(self.server, self.tokens["kenya"],
                       dict(BASE, title="FR", language="fr", version_of=en),
                       ("fr.txt", "français\n".encode(), "text/plain"))
        self.assertEqual(r["document"]["family"], en)
        kenya = self.c["kenya"]
        got = await kenya.ok("document.get", document=en)
        self.assertEqual([(v["id"], v["language"]) for v in got["versions"]],
                         [(en, "en"), (r["document"]["id"], "fr")])
        # withdrawing keeps it in the record
        await self.c["au"].err("document.withdraw", "forbidden", document=en)
        w = await kenya.ok("document.withdraw", document=en)
        self.assertTrue(w["document"]["withdrawn"])
        await kenya.err("document.withdraw", "conflict", document=en)
        got = await kenya.ok("document.get", document=en)
        self.assertTrue(got["document"]["withdrawn"])
        self.assertEqual(get(self.server, "/documents/" + en)[0], 200)
        await self.c["au"].err("document.get", "not_found", document=sid)


class Search(ProgrammeTest):
    who = ["kenya", "japan", "au"]

    async def asyncSetUp(self):
        await super().asyncSetUp()
        k, au = self.tokens["kenya"], self.tokens["au"]
        self.docs = {}
        for who, token, fields, file in [
                ("odt", k, dict(BASE, title="Workshop notes", abstract="A regional meeting"),
                 ("w.odt", odt("zebra"), "x")),
                ("docx", k, dict(BASE, title="Cyber incidents", pillar="norms", language="fr"),
                 ("i.docx", docx("giraffe"), "x")),
                ("states", k, dict(BASE, title="Confidential zebra", visibility="states",
                                   kind="statement"), ("s.txt", b"zebra crossing\n", "x")),
                ("md", au, dict(BASE, title="Observer paper", kind="research_paper",
                                meeting=self.mid),
                 ("o.md", b"# Findings\n\nOn *zebra* populations and capacity.\n", "x"))]:
            st, r = upload(self.server, token, fields, file)
            self.assertEqual(st, 201, r)
            self.docs[who] = r["document"]["id"]

    async def ids(self, who, **q):
        r = await self.c[who].ok("documents.search", **q)
        return [d["document"]["id"] for d in r["documents"]]

    async def test_hits_misses_filters_and_visibility(self):
        d = self.docs
        # words of the files themselves: ODT, DOCX, Markdown
        self.assertEqual(await self.ids("kenya", q="giraffe"), [d["docx"]])
        self.assertEqual(sorted(await self.ids("kenya", q="zebra")),
                         sorted([d["odt"], d["states"], d["md"]]))
        self.assertEqual(await self.ids("kenya", q="elephant"), [])
        self.assertEqual(await self.ids("kenya", q="regional workshop"), [d["odt"]])
        self.assertEqual(await self.ids("kenya", q="popul*"), [d["md"]])
        # the title weighs more than the body
        self.assertEqual((await self.ids("kenya", q="zebra"))[0], d["states"])
        # filters
        self.assertEqual(await self.ids("kenya", q="zebra", kind="research_paper"), [d["md"]])
        self.assertEqual(await self.ids("kenya", language="fr"), [d["docx"]])
        self.assertEqual(await self.ids("kenya", pillar="norms"), [d["docx"]])
        self.assertEqual(await self.ids("kenya", meeting=self.mid), [d["md"]])
        au_deleg = self.tokens["delegations"]["African Union"]
        self.assertEqual(await self.ids("kenya", delegation=au_deleg), [d["md"]])
        # an observer does not find a States' document, nor get it
        self.assertNotIn(d["states"], await self.ids("au", q="zebra"))
        self.assertNotIn(d["states"], await self.ids("au"))
        await self.c["au"].err("document.get", "not_found", document=d["states"])
        self.assertIn(d["states"], await self.ids("japan", q="confidential"))
        # snippets mark the hits
        r = await self.c["kenya"].ok("documents.search", q="giraffe")
        parts = r["documents"][0]["snippet"]
        self.assertIn({"text": "giraffe", "hit": True}, parts)
        # what a user types cannot break the query
        for q in ['"', "AND OR NOT", "zebra)", "*", "NEAR(a b)"]:
            await self.c["kenya"].ok("documents.search", q=q)
        await self.c["kenya"].err("documents.search", "bad_request", kind="poem")
        # withdrawn documents are still found, marked
        await self.c["kenya"].ok("document.withdraw", document=d["docx"])
        r = await self.c["kenya"].ok("documents.search", q="giraffe")
        self.assertTrue(r["documents"][0]["document"]["withdrawn"])

    async def test_the_index_is_rebuilt_from_the_log(self):
        await self.c["kenya"].ok("document.withdraw", document=self.docs["odt"])
        await self.stop_and_replay()
        self.server.start()
        self.assertEqual(get(self.server, "/documents/" + self.docs["md"])[0], 200)


class DocumentsOverTls(ProgrammeTest):
    who = ["kenya"]

    def setUp(self):
        self.server = Server(tls=make_cert()).start()

    async def test_an_upload_under_tls(self):
        data = docx("tls")
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("t.docx", data, "x"))
        self.assertEqual(st, 201, r)
        st, _, body = get(self.server, "/documents/" + r["document"]["id"])
        self.assertEqual((st, body), (200, data))
        self.assertEqual(len(store_files(self.server)), 1)

    async def test_a_large_upload_under_tls(self):
        # 3 MiB: about 190 TLS records, read on several to a loop turn
        # (server/app/read_on.c), in order and whole
        data = b"".join(b"Line %07d of the notes on capacity building for small delegations.\n" % i
                        for i in range(48000))
        st, r = upload(self.server, self.tokens["kenya"], BASE, ("notes.txt", data, "text/plain"))
        self.assertEqual(st, 201, r)
        st, _, body = get(self.server, "/documents/" + r["document"]["id"])
        self.assertEqual((st, len(body)), (200, len(data)))
        self.assertEqual(body, data)


if __name__ == "__main__":
    main()
