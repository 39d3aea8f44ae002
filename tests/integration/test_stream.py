"""One stream for every change: the programme stream, the views rebuilt from the log
(`plenaryd replay --check`), the upgrade of a database written by the code before
it, a store that refuses a COMMIT, and the credentials' events (reissue, revoke).

The failing COMMIT is SQLite's own: the test adds, with the sqlite3 module on the
live database, a trigger that writes a row breaking a deferred foreign key whenever
a chosen event is appended, so the append succeeds and the COMMIT is refused, as a
full disk or a damaged file would refuse it. Nothing in plenaryd knows of it.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile

from harness import (PLENARYD, Client, ProgrammeTest, Server, ServerTest, main,
                     setup_programme)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def offline(*args):
    """Runs a plenaryd subcommand; returns (exit status, what it printed)."""
    r = subprocess.run([PLENARYD] + list(args), capture_output=True, text=True,
                       errors="replace", timeout=60)
    return r.returncode, r.stdout + r.stderr


def replay(db):
    return offline("replay", "--db", db, "--check")


def verify(db):
    return offline("verify", "--db", db)


def chain_of(db, stream):
    """The stream's hashes, recomputed here from the stored bytes: {seq: hex}."""
    prev, out = bytes(32), {}
    with sqlite3.connect(db) as c:
        for seq, body in c.execute("SELECT seq, body FROM events WHERE stream = ? ORDER BY seq",
                                   (stream,)):
            prev = hashlib.sha256(prev + body.encode()).digest()
            out[seq] = prev.hex()
    return out


def set_trap(db, event):
    """Makes every COMMIT of a change that appends `event` fail."""
    with sqlite3.connect(db) as c:
        c.executescript("""
            CREATE TABLE trap_parent(id INTEGER PRIMARY KEY);
            CREATE TABLE trap(x INTEGER REFERENCES trap_parent(id)
                              DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER trap AFTER INSERT ON events
              WHEN NEW.body LIKE '%%"ev":"%s"%%'
              BEGIN INSERT INTO trap VALUES (42); END;""" % event)


def clear_trap(db):
    with sqlite3.connect(db) as c:
        c.executescript("DROP TRIGGER trap; DROP TABLE trap; DROP TABLE trap_parent;")


class Views(ServerTest):
    async def test_replay_agrees_then_reports_an_edited_row(self):
        admin, meeting, tokens = await setup_programme(self.server)
        mid = meeting["id"]
        d = (await admin.ok("delegation.create", name="Chile", kind="state",
                            tz="America/Santiago", group="latin_american_caribbean"))
        await admin.ok("delegation.update", delegation=d["delegation"]["id"],
                       name="Republic of Chile")
        await admin.ok("meeting.update", meeting=mid, title="Thematic meeting on norms")
        await admin.ok("participant.reissue", participant=tokens["ids"]["brazil"])
        await admin.ok("participant.revoke", participant=tokens["ids"]["viewer"])
        await admin.ok("programme.plan", first_year=2028, years=1, tz="Europe/Vienna")
        chair = await Client.connect(self.server, tokens["chair"])
        kenya = await Client.connect(self.server, tokens["kenya"])
        for c in (chair, kenya):
            await c.ok("meeting.join", meeting=mid, presence="room")
        await kenya.ok("floor.request", meeting=mid, kind="statement")
        await chair.ok("floor.next", meeting=mid)
        await chair.ok("floor.end", meeting=mid)
        self.server.stop()
        db = self.server.db
        rc, out = replay(db)
        self.assertEqual(rc, 0, out)
        self.assertIn("the views agree with the log", out)
        with sqlite3.connect(db) as c:
            name = c.execute("SELECT name FROM participants WHERE id = 2").fetchone()[0]
            c.execute("UPDATE participants SET name = 'Someone else' WHERE id = 2")
        rc, out = replay(db)
        self.assertEqual(rc, 1, out)
        self.assertIn("participants:", out)
        self.assertIn("Someone else", out)
        with sqlite3.connect(db) as c:
            c.execute("UPDATE participants SET name = ? WHERE id = 2", (name,))
            c.execute("UPDATE speeches SET spoken_ms = spoken_ms + 1")
        rc, out = replay(db)
        self.assertEqual(rc, 1, out)
        self.assertIn("speeches:", out)
        with sqlite3.connect(db) as c:
            c.execute("UPDATE speeches SET spoken_ms = spoken_ms - 1")
            c.execute("DELETE FROM events WHERE stream = 'programme' AND seq = 3")
        rc, out = replay(db)
        self.assertEqual(rc, 1, out)
        self.assertIn("stream programme goes from seq 2 to 4", out)
        self.server.start()

    async def test_every_programme_change_is_an_event(self):
        admin, meeting, tokens = await setup_programme(self.server)
        self.server.stop()
        with sqlite3.connect(self.server.db) as c:
            rows = c.execute("SELECT seq, body FROM events WHERE stream = 'programme'"
                             " ORDER BY seq").fetchall()
        self.server.start()
        self.assertEqual([s for s, _ in rows], list(range(1, len(rows) + 1)))
        names = [json.loads(b)["ev"] for _, b in rows]
        # the secretariat, 5 delegations, 6 invitations of 3 events each, 1 meeting
        self.assertEqual(names.count("delegation.created"), 6)
        self.assertEqual(names.count("participant.invited"), 7)
        self.assertEqual(names.count("token.issued"), 7)
        self.assertEqual(names.count("feed.issued"), 7)
        self.assertEqual(names[-1], "meeting.created")
        # a token travels as its hash only
        text = "".join(b for _, b in rows)
        for who in ("kenya", "chair", "viewer"):
            self.assertNotIn(tokens[who], text)
        self.assertNotIn(self.server.admin_token, text)


class Chain(ProgrammeTest):
    who = ["chair", "kenya", "japan"]

    async def test_record_hashes_and_verify(self):
        for who in ("kenya", "japan"):
            await self.ask(who)
            await self.c["chair"].ok("floor.next", meeting=self.mid)
        await self.c["chair"].ok("floor.end", meeting=self.mid)
        feed = self.tokens["kenya_feed"]
        status, headers, body = self.server.http_get(
            "/meetings/%s/record.json?feed=%s" % (self.mid, feed))
        self.assertEqual(status, 200)
        self.assertIn("application/json", {k.lower(): v for k, v in headers.items()}["content-type"])
        record = json.loads(body)
        self.assertEqual([s["delegation"]["name"] for s in record["speeches"]],
                         ["Kenya", "Japan"])
        self.assertEqual(self.server.http_get(
            "/meetings/%s/record.json?feed=nope" % self.mid)[0], 404)
        self.server.stop()
        db = self.server.db
        hashes = chain_of(db, self.mid)
        self.assertEqual(record["head"], {"seq": max(hashes), "hash": hashes[max(hashes)]})
        for sp in record["speeches"]:
            self.assertEqual(sp["hash"], hashes[sp["seq"]])
        rc, out = verify(db)
        self.assertEqual(rc, 0, out)
        self.assertIn("every chain holds", out)
        # a speech's time changed after the fact breaks its link
        with sqlite3.connect(db) as c:
            seq = record["speeches"][0]["seq"]
            (original,) = c.execute("SELECT body FROM events WHERE stream = ? AND seq = ?",
                                    (self.mid, seq)).fetchone()
            c.execute("UPDATE events SET body = replace(body, '\"spoken_ms\":', "
                      "'\"spoken_ms\":1') WHERE stream = ? AND seq = ?", (self.mid, seq))
        rc, out = verify(db)
        self.assertEqual(rc, 1, out)
        self.assertIn("%s: event %d does not follow" % (self.mid, seq), out)
        # and a removed event is missed where it was
        with sqlite3.connect(db) as c:
            c.execute("UPDATE events SET body = ? WHERE stream = ? AND seq = ?",
                      (original, self.mid, seq))
            c.execute("DELETE FROM events WHERE stream = 'programme' AND seq = 2")
        rc, out = verify(db)
        self.assertEqual(rc, 1, out)
        self.assertIn("programme: event 3 follows 1", out)
        self.server.start()


class Upgrade(ServerTest):
    """tests/fixtures/v1.db was written by plenaryd at 5965be8 (make_v1.py)."""

    def setUp(self):
        folder = tempfile.mkdtemp(prefix="plenary-upgrade-")
        for suffix in ("", ".admin-token", ".demo-links"):
            shutil.copy(os.path.join(FIXTURES, "v1.db" + suffix),
                        os.path.join(folder, "p.db" + suffix))
        self.server = Server(folder=folder).start()
        with open(os.path.join(FIXTURES, "v1.db.chile-token")) as f:
            self.chile_token = f.read().strip()
        with open(os.path.join(FIXTURES, "v1.db.demo-links")) as f:
            self.links = dict(line.rstrip("\n").split("\t") for line in f if "\t" in line)

    async def test_everything_is_kept(self):
        admin = await Client.connect(self.server, self.server.admin_token)
        self.assertEqual(admin.hello["participant"]["role"], "secretariat")
        delegations = (await admin.ok("delegation.list"))["delegations"]
        self.assertEqual(len(delegations), 13)
        chile = [d for d in delegations if d["name"] == "Chile"][0]
        self.assertEqual((chile["group"], chile["tz"]),
                         ("latin_american_caribbean", "America/Santiago"))
        meetings = {m["title"]: m for m in (await admin.ok("meeting.list"))["meetings"]}
        self.assertEqual(len(meetings), 3)
        moved = meetings["Informal consultations"]
        self.assertEqual((moved["start"], moved["sequence"]), ("2027-05-04T14:00", 1))
        annual = meetings["Annual meeting of the Programme of Action"]
        self.assertEqual(annual["status"], "cancelled")
        thematic = meetings["Thematic meeting on capacity building"]

        # old tokens still sign in, as the same people
        chile_c = await Client.connect(self.server, self.chile_token)
        self.assertEqual(chile_c.hello["participant"]["name"], "Ana Rojas")
        chair = await Client.connect(self.server, self.links["chair"])
        kenya = await Client.connect(self.server, self.links["delegate (Kenya, in the room)"])
        # the floor is where the old server left it: Chile speaking, Kenya waiting
        st = (await chair.ok("meeting.join", meeting=thematic["id"], presence="room"))["state"]
        self.assertEqual(st["seq"], 10)
        self.assertEqual(st["floor"]["entry"]["delegation"]["name"], "Chile")
        self.assertEqual([e["delegation"]["name"] for e in st["queue"]], ["Kenya"])
        log = (await chair.ok("meeting.sync", meeting=thematic["id"], since=0))["events"]
        self.assertEqual([e["seq"] for e in log], list(range(1, 11)))
        # the old feed key still serves the calendar, and the record is there
        feed = kenya.hello["feed"]
        status, _, body = self.server.http_get("/calendar/%s.ics" % feed)
        self.assertEqual(status, 200)
        self.assertEqual(body.count(b"BEGIN:VEVENT"), 3)
        status, _, csv = self.server.http_get(
            "/meetings/%s/record.csv?feed=%s" % (thematic["id"], feed))
        self.assertEqual(status, 200)
        self.assertEqual(len(csv.decode().strip().split("\r\n")), 2)  # header, Kenya's speech
        # the stream goes on from there, and new ids follow the old ones
        r = await chair.ok("floor.end", meeting=thematic["id"])
        self.assertEqual(r["speech"]["delegation"]["name"], "Chile")
        d = (await admin.ok("delegation.create", name="Peru", kind="state", tz="America/Lima",
                            group="latin_american_caribbean"))["delegation"]
        self.assertEqual(d["id"], "d14")
        for c in (admin, chile_c, chair, kenya):
            await c.close()
        self.server.stop()
        rc, out = replay(self.server.db)
        self.assertEqual(rc, 0, out)
        # the rows of the old log were chained by the upgrade, the new ones by appends
        rc, out = verify(self.server.db)
        self.assertEqual(rc, 0, out)
        self.assertEqual(chain_of(self.server.db, thematic["id"])[11], (lambda c: c.execute(
            "SELECT hex(hash) FROM events WHERE stream = ? AND seq = 11",
            (thematic["id"],)).fetchone()[0].lower())(sqlite3.connect(self.server.db)))
        with sqlite3.connect(self.server.db) as c:
            self.assertEqual(c.execute("PRAGMA user_version").fetchone()[0], 7)
            upgraded = [json.loads(b) for (b,) in c.execute(
                "SELECT body FROM events WHERE stream = 'programme' ORDER BY seq")]
        self.assertTrue(all(e.get("upgraded") for e in upgraded[:-1]))
        self.assertNotIn("upgraded", upgraded[-1])
        self.server.start()


class FailedCommit(ProgrammeTest):
    who = ["chair", "kenya", "japan"]

    async def test_nothing_is_applied_or_published(self):
        before = (await self.c["japan"].ok("meeting.sync", meeting=self.mid, since=0))["seq"]
        set_trap(self.server.db, "queue.added")
        for c in self.c.values():
            c.drain()
        r = await self.c["kenya"].err("floor.request", "internal", meeting=self.mid,
                                      kind="statement")
        self.assertIn("nothing changed", r["error"]["message"])
        # nobody heard of it, and the state is as it was
        await self.c["chair"].ok("delegation.list")
        self.assertEqual([e for c in self.c.values() for e in c.drain() if "seq" in e], [])
        st = (await self.c["chair"].ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertEqual((st["seq"], st["queue"]), (before, []))
        clear_trap(self.server.db)
        # the next request works, and takes the next seq
        entry = (await self.c["kenya"].ok("floor.request", meeting=self.mid,
                                          kind="statement"))["entry"]
        ev = await self.c["japan"].event("queue.added")
        self.assertEqual((ev["seq"], ev["entry"]["id"]), (before + 1, entry["id"]))

    async def test_a_programme_change_too(self):
        set_trap(self.server.db, "delegation.created")
        await self.admin.err("delegation.create", "internal", name="Chile", kind="state",
                             tz="America/Santiago", group="latin_american_caribbean")
        names = [d["name"] for d in (await self.admin.ok("delegation.list"))["delegations"]]
        self.assertNotIn("Chile", names)
        clear_trap(self.server.db)
        d = (await self.admin.ok("delegation.create", name="Chile", kind="state",
                                 tz="America/Santiago",
                                 group="latin_american_caribbean"))["delegation"]
        self.assertEqual(d["id"], "d7")  # the id the refused change did not take
        self.server.stop()
        rc, out = replay(self.server.db)
        self.assertEqual(rc, 0, out)
        self.server.start()


class Credentials(ProgrammeTest):
    who = ["chair", "kenya"]

    async def test_revoke_closes_and_refuses(self):
        kenya_id = self.tokens["ids"]["kenya"]
        other = await Client.connect(self.server, self.tokens["kenya"])
        await self.admin.ok("participant.revoke", participant=kenya_id)
        for c in (self.c["kenya"], other):
            code, reason = await c.closed(5)
            self.assertEqual(code, 4001)
            self.assertIn("revoked", reason)
        c = await Client.connect(self.server)
        await c.err("hello", "unauthenticated", token=self.tokens["kenya"])
        # the chair's connection is untouched
        await self.c["chair"].ok("delegation.list")
        await self.admin.err("participant.revoke", "conflict",
                             participant=self.admin.hello["participant"]["id"])
        await self.admin.err("participant.revoke", "not_found", participant="p999")

    async def test_reissue_gives_a_new_token(self):
        kenya_id = self.tokens["ids"]["kenya"]
        r = await self.admin.ok("participant.reissue", participant=kenya_id)
        code, reason = await self.c["kenya"].closed(5)
        self.assertEqual(code, 4001)
        self.assertIn("reissued", reason)
        c = await Client.connect(self.server)
        await c.err("hello", "unauthenticated", token=self.tokens["kenya"])
        fresh = await Client.connect(self.server, r["token"])
        self.assertEqual(fresh.hello["participant"]["id"], kenya_id)
        # the feed key is not a token: it stays
        self.assertEqual(fresh.hello["feed"], self.tokens["kenya_feed"])

    async def test_list_without_tokens(self):
        kenya = self.tokens["delegations"]["Kenya"]
        kenya_id = self.tokens["ids"]["kenya"]
        everyone = (await self.admin.ok("participant.list"))["participants"]
        self.assertIn(kenya_id, [p["id"] for p in everyone])
        self.assertIn(self.admin.hello["participant"]["id"], [p["id"] for p in everyone])
        for p in everyone:
            self.assertEqual(set(p), {"id", "name", "role", "delegation", "active"})
        mine = (await self.admin.ok("participant.list", delegation=kenya))["participants"]
        self.assertEqual({p["delegation"] for p in mine}, {kenya})
        self.assertIn(kenya_id, [p["id"] for p in mine])
        await self.admin.ok("participant.revoke", participant=kenya_id)
        mine = (await self.admin.ok("participant.list", delegation=kenya))["participants"]
        self.assertFalse(next(p for p in mine if p["id"] == kenya_id)["active"])
        await self.admin.err("participant.list", "not_found", delegation="d999")
        await self.admin.err("participant.list", "bad_request", delegation=7)

    async def test_feed_rotate(self):
        kenya_id = self.tokens["ids"]["kenya"]
        old = self.tokens["kenya_feed"]
        status, _, _ = self.server.http_get("/calendar/%s.ics" % old)
        self.assertEqual(status, 200)
        r = await self.admin.ok("participant.feed_rotate", participant=kenya_id)
        self.assertNotEqual(r["feed"], old)
        self.assertEqual(r["participant"]["id"], kenya_id)
        status, _, _ = self.server.http_get("/calendar/%s.ics" % old)
        self.assertEqual(status, 404)
        status, _, body = self.server.http_get("/calendar/%s.ics" % r["feed"])
        self.assertEqual(status, 200)
        self.assertIn(b"BEGIN:VCALENDAR", body)
        # the token is not touched: the delegate's connection stays open
        await self.c["kenya"].ok("delegation.list")
        fresh = await Client.connect(self.server, self.tokens["kenya"])
        self.assertEqual(fresh.hello["feed"], r["feed"])
        # the rotation is an event of the log, so a replay agrees
        with sqlite3.connect(self.server.db) as c:
            bodies = [json.loads(b) for (b,) in c.execute(
                "SELECT body FROM events WHERE stream = 'programme' ORDER BY seq")]
        self.assertEqual(bodies[-1]["ev"], "feed.issued")
        self.server.stop()
        rc, out = replay(self.server.db)
        self.assertEqual(rc, 0, out)
        self.server.start()

    async def test_only_the_secretariat(self):
        for op, args in [("participant.revoke", {"participant": "p2"}),
                         ("participant.reissue", {"participant": "p2"}),
                         ("participant.feed_rotate", {"participant": "p2"}),
                         ("participant.list", {}),
                         ("delegation.update", {"delegation": "d2", "name": "X"})]:
            r = await self.c["chair"].err(op, "forbidden", **args)
            self.assertIn("a chair may not", r["error"]["message"])


class Delegations(ProgrammeTest):
    who = ["chair"]

    async def test_update(self):
        kenya = self.tokens["delegations"]["Kenya"]
        r = await self.admin.ok("delegation.update", delegation=kenya,
                                name="Republic of Kenya", tz="Africa/Nairobi")
        self.assertEqual(r["delegation"]["name"], "Republic of Kenya")
        self.assertEqual(r["delegation"]["group"], "african")
        au = self.tokens["delegations"]["African Union"]
        await self.admin.err("delegation.update", "bad_request", delegation=au,
                             group="african")
        await self.admin.err("delegation.update", "bad_request", delegation=kenya,
                             tz="Mars/Olympus")
        await self.admin.err("delegation.update", "bad_request", delegation=kenya, kind="ngo")
        await self.admin.err("delegation.update", "not_found", delegation="d99", name="X")
        names = [d["name"] for d in (await self.admin.ok("delegation.list"))["delegations"]]
        self.assertIn("Republic of Kenya", names)


class Presides(ProgrammeTest):
    who = ["chair", "kenya", "viewer"]

    async def test_state_says_who_presides(self):
        self.assertTrue(self.c["chair"].state["presides"])
        self.assertIn("attendance", self.c["chair"].state)
        self.assertFalse(self.c["kenya"].state["presides"])
        self.assertNotIn("attendance", self.c["kenya"].state)
        st = (await self.admin.ok("meeting.join", meeting=self.mid, presence="remote"))["state"]
        self.assertTrue(st["presides"])


if __name__ == "__main__":
    main()
