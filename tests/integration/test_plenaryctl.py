"""plenaryctl (issue 19) against the real server: one op with its JSON reply
and exit status, load-csv of delegations and then of participants named by
their delegation's name, export-record, TLS with --cafile, and the statuses of
bad arguments (2) and of no server (3)."""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, Server, ServerTest, main, make_cert  # noqa: E402

CTL = os.environ.get("PLENARYCTL", os.path.join(os.path.dirname(os.environ.get(
    "PLENARYD", "build/plenaryd")), "plenaryctl"))


class Ctl:
    def __init__(self, server, token, *extra):
        self.d = tempfile.mkdtemp(prefix="plenaryctl-")
        self.token_file = os.path.join(self.d, "token")
        with open(self.token_file, "w") as f:
            f.write(token + "\n")
        url = server.url("").replace("http", "ws", 1)
        self.base = [CTL, "--url", url, "--token-file", self.token_file] + list(extra)

    def run(self, *args):
        return subprocess.run(self.base + list(args), capture_output=True, text=True,
                              timeout=60)

    def csv(self, name, text):
        path = os.path.join(self.d, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path


class Ops(ServerTest):
    def test_op_json_out_and_exit_status_from_the_code(self):
        ctl = Ctl(self.server, self.server.admin_token)
        p = ctl.run("delegation.create", "name=Chile", "kind=state", "tz=America/Santiago",
                    "group=latin_american_caribbean")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["delegation"]["name"], "Chile")
        p = ctl.run("meeting.create", "title=With items", "kind=thematic", "format=hybrid",
                    "tz=UTC", "start=2027-01-05T10:00", "end=2027-01-05T12:00",
                    'items:=[{"title": "One"}, {"title": "Two"}]')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(json.loads(p.stdout)["meeting"]["items"]), 2)
        p = ctl.run("floor.next", "meeting=m404")
        reply = json.loads(p.stdout)
        self.assertEqual(reply["error"]["code"], "not_found")
        codes = dict(line.split("\t")[:2] for line in
                     subprocess.run([CTL, "--exit-codes"], capture_output=True,
                                    text=True).stdout.splitlines())
        self.assertEqual(codes[str(p.returncode)].split(":")[0], "not_found")
        self.assertEqual(ctl.run("no.such.op").returncode, int(
            [k for k, v in codes.items() if v.startswith("unknown_op")][0]))
        self.assertEqual(ctl.run("hello").returncode, 0)

    def test_bad_arguments_exit_2_and_no_server_exit_3(self):
        ctl = Ctl(self.server, self.server.admin_token)
        for args in [("delegation.list", "novalue"), ("delegation.list", "a:={"),
                     ("delegation.list", "a=1", "a=2"), ("load-csv", "people", "x.csv"),
                     ("export-record",), ("export-record", "meeting=m1", "format=pdf")]:
            p = ctl.run(*args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn("plenaryctl:", p.stderr)
        self.assertEqual(subprocess.run([CTL, "delegation.list"], capture_output=True)
                         .returncode, 2)
        wrong = Ctl(self.server, "not-a-token")
        p = wrong.run("delegation.list")
        self.assertEqual(p.returncode, 14)  # unauthenticated
        self.assertEqual(json.loads(p.stdout)["error"]["code"], "unauthenticated")
        # a peer that accepts and never answers: the timeout, then 3
        import socket
        import time
        mute = socket.socket()
        mute.bind(("127.0.0.1", 0))
        mute.listen(1)
        t0 = time.time()
        p = subprocess.run([CTL, "--url", "ws://127.0.0.1:%d" % mute.getsockname()[1],
                            "--token-file", ctl.token_file, "--timeout", "1", "delegation.list"],
                           capture_output=True, text=True, timeout=30)
        mute.close()
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("--timeout", p.stderr)
        self.assertLess(time.time() - t0, 4, "the deadline wakes the loop")
        gone = Server().start()
        dead = Ctl(gone, gone.admin_token)
        gone.stop()
        p = dead.run("delegation.list")
        self.assertEqual(p.returncode, 3, p.stderr)


class Csv(ServerTest):
    def test_load_delegations_then_participants_by_delegation_name(self):
        ctl = Ctl(self.server, self.server.admin_token)
        sheet = ctl.csv("d.csv", '\ufeffname,kind,tz,group\r\nKenya,state,Africa/Nairobi,african\r\n'
                        '"Korea, Republic of",state,Asia/Seoul,asia_pacific\r\n'
                        'Nowhere,state,Mars/Olympus,african\r\n')
        p = ctl.run("load-csv", "delegations", sheet)
        rows = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual([r["row"] for r in rows], [2, 3, 4])
        self.assertEqual(rows[1]["reply"]["delegation"]["name"], "Korea, Republic of")
        self.assertEqual(rows[2]["reply"]["error"]["code"], "bad_request")
        self.assertEqual(p.returncode, 12, p.stderr)  # the first refusal's code
        people = ctl.csv("p.csv", "delegation,name,role\nKenya,Amina Njoroge,delegate\n"
                         "Korea, Republic of,Kim,delegate\n")
        p = ctl.run("load-csv", "participants", people)
        self.assertEqual(p.returncode, 2, "a row with too many fields is refused first")
        self.assertIn("row 3", p.stderr)
        people = ctl.csv("p.csv", 'delegation,name,role\nKenya,Amina Njoroge,delegate\n'
                         '"Korea, Republic of",Kim,delegate\n')
        p = ctl.run("load-csv", "participants", people)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows = [json.loads(x)["reply"] for x in p.stdout.splitlines()]
        self.assertEqual([r["participant"]["delegation"] for r in rows], ["d2", "d3"])
        # each token works, once given to its participant
        kim = Ctl(self.server, rows[1]["token"])
        self.assertEqual(json.loads(kim.run("hello").stdout)["participant"]["name"], "Kim")


class Record(ProgrammeTest):
    who = ["chair", "kenya"]

    async def test_export_record_json_and_csv(self):
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["chair"].ok("floor.end", meeting=self.mid)
        ctl = Ctl(self.server, self.tokens["chair"])
        p = ctl.run("export-record", "meeting=" + self.mid)
        self.assertEqual(p.returncode, 0, p.stderr)
        record = json.loads(p.stdout)
        self.assertEqual(len(record["speeches"]), 1)
        self.assertEqual(len(record["speeches"][0]["hash"]), 64)
        self.assertGreaterEqual(record["head"]["seq"], record["speeches"][0]["seq"])
        p = ctl.run("export-record", "meeting=" + self.mid, "format=csv")
        self.assertEqual(len(p.stdout.strip().splitlines()), 2)


class Tls(ServerTest):
    def setUp(self):
        self.pair = make_cert()
        self.server = Server(tls=self.pair).start()

    def test_wss_with_cafile_or_insecure_and_refused_without(self):
        ok = Ctl(self.server, self.server.admin_token, "--cafile", self.pair[0])
        p = ok.run("delegation.list")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(Ctl(self.server, self.server.admin_token, "--insecure")
                         .run("delegation.list").returncode, 0)
        self.assertEqual(Ctl(self.server, self.server.admin_token).run("delegation.list")
                         .returncode, 3)


if __name__ == "__main__":
    main()
