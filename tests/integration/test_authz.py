"""Who may do what, cell by cell: every op of docs/AUTHZ.md tried by every role and
relation (the secretariat; the meeting's chair; another meeting's chair; a delegate
of the entry's delegation and one of another; an observer; a viewer; a connection
that has not said hello), each answer checked against the table the file states.

A cell the table leaves empty must be `forbidden` (`unauthenticated` before hello).
A cell it marks must not be `forbidden`, unless the table's "also checked" names a
relation the actor lacks: "presides the meeting" (only the secretariat and the
meeting's own chair), "the entry's delegation, or presides", "the delegation
called". Any other answer (ok, conflict, not_found...) means the gate let it through.
Within an op the actors that must be refused go first, so a change made by an
allowed one cannot hide a refusal.
"""

import os
import time

from harness import Client, ProgrammeTest, main

AUTHZ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                     "AUTHZ.md")
ROLES = ["secretariat", "chair", "delegate", "observer", "viewer", "interpreter", "applicant",
         "screen"]
ROLE_OF = {"secretariat": "secretariat", "chair": "chair", "other_chair": "chair",
           "kenya": "delegate", "japan": "delegate", "au": "observer", "viewer": "viewer",
           "interpreter": "interpreter", "applicant": "applicant", "screen": "screen"}
# who has the relation each "also checked" phrase asks for
RELATIONS = {
    "presides the meeting": {"secretariat", "chair"},
    "the entry's delegation, or presides": {"secretariat", "chair", "kenya"},
    "the delegation called": {"japan"},
    "a State's delegation": {"kenya", "japan"},
    "whoever started it, or the secretariat": {"secretariat"},
}


def read_table():
    table = {}
    with open(AUTHZ) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != len(ROLES) + 2 or not cells[0].startswith("`"):
                continue
            table[cells[0].strip("`")] = (
                {r for r, c in zip(ROLES, cells[1:-1]) if c == "yes"}, cells[-1])
    return table


class Matrix(ProgrammeTest):
    who = ["chair", "kenya", "japan", "au", "viewer"]

    async def asyncSetUp(self):
        await super().asyncSetUp()
        admin = self.admin
        sec_deleg = admin.hello["delegation"]["id"]
        other = await admin.ok("participant.invite", delegation=sec_deleg, name="Other chair",
                               role="chair")
        spare = await admin.ok("participant.invite",
                               delegation=self.tokens["delegations"]["Public"],
                               name="Spare", role="viewer")
        self.spare = spare["participant"]["id"]
        base = dict(kind="thematic", format="virtual", tz="UTC", start="2027-04-01T10:00",
                    end="2027-04-01T12:00")
        self.others = [(await admin.ok("meeting.create", title="Other %d" % i,
                                       chair=other["participant"]["id"], **base))["meeting"]["id"]
                       for i in range(2)]
        self.actors = dict(self.c)
        self.actors["other_chair"] = await Client.connect(self.server, other["token"])
        self.actors["secretariat"] = admin
        self.actors["anon"] = await Client.connect(self.server)
        link = await admin.ok("accreditation.link")
        self.actors["applicant"] = await Client.connect(self.server)
        await self.actors["applicant"].ok("hello", token=link["token"])
        await self.screen_again()
        self.proc = (await admin.ok("procedure.start", kind="adoption", title="Standing",
                                    text="x", deadline=int(time.time() * 1000) + 3600_000))
        self.proc = self.proc["procedure"]
        interp = await admin.ok("participant.invite", delegation=sec_deleg, name="Booth",
                                role="interpreter", language="fr")
        self.actors["interpreter"] = await Client.connect(self.server, interp["token"])
        self.group = (await admin.ok("group.create", name="Friends",
                                     members=[self.tokens["delegations"]["Kenya"]]))["group"]
        for name in ("other_chair", "secretariat", "interpreter"):
            await self.actors[name].ok("meeting.join", meeting=self.mid, presence="room")
        self.n = 0

    async def screen_again(self):
        """A screen on the meeting's screen link; a new link closes the last one's."""
        link = await self.admin.ok("meeting.screen_link", meeting=self.mid)
        self.actors["screen"] = await Client.connect(self.server)
        await self.actors["screen"].ok("hello", token=link["token"])

    def args_of(self, op):
        self.n += 1
        m = self.mid
        return {
            "hello": {"token": "not-a-token"},
            "procedure.start": {"kind": "adoption", "title": "Draft %d" % self.n, "text": "x",
                                "deadline": int(time.time() * 1000) + 3600_000, "meeting": m},
            "procedure.object": {"procedure": self.proc["id"], "reason": "No"},
            "procedure.withdraw_objection": {"procedure": self.proc["id"]},
            "procedure.extend": {"procedure": self.proc["id"],
                                 "deadline": self.proc["deadline"] + 1000 * self.n},
            "procedure.statement": {"procedure": self.proc["id"], "text": "We note"},
            "procedure.list": {},
            "procedure.get": {"procedure": self.proc["id"]},
            "programme.sync": {"since": 0},
            "bureau.list": {},
            "accreditation.link": {},
            "accreditation.apply": {"name": "Applicant %d" % self.n, "kind": "ngo",
                                    "tz": "UTC", "contact": "c", "justification": "j"},
            "accreditation.list": {},
            "delegation.create": {"name": "Body %d" % self.n, "kind": "ngo", "tz": "UTC"},
            "delegation.update": {"delegation": self.tokens["delegations"]["Public"],
                                  "name": "Public %d" % self.n},
            "delegation.list": {},
            "participant.invite": {"delegation": self.tokens["delegations"]["Public"],
                                   "name": "Guest %d" % self.n, "role": "viewer"},
            "participant.reissue": {"participant": self.spare},
            "participant.revoke": {"participant": self.spare},
            "participant.list": {},
            "participant.feed_rotate": {"participant": self.spare},
            "meeting.create": {"title": "New %d" % self.n, "kind": "other", "format": "virtual",
                               "tz": "UTC", "start": "2027-05-01T10:00",
                               "end": "2027-05-01T11:00"},
            "meeting.update": {"meeting": self.others[0], "title": "Moved %d" % self.n},
            "meeting.cancel": {"meeting": self.others[1]},
            "meeting.list": {},
            "meeting.join": {"meeting": m, "presence": "room"},
            "meeting.leave": {"meeting": m},
            "meeting.sync": {"meeting": m, "since": 0},
            "meeting.stats": {"meeting": m},
            "meeting.import": {"ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                               "BEGIN:VEVENT\r\nUID:x%d@t\r\nDTSTAMP:20270101T000000Z\r\n"
                               "DTSTART:20270601T100000Z\r\nDTEND:20270601T110000Z\r\n"
                               "SUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % self.n},
            "programme.plan": {"first_year": 2030, "years": 1, "tz": "UTC"},
            "schedule.suggest": {"tz": "UTC", "date_from": "2027-06-07", "date_to": "2027-06-07",
                                 "duration_s": 3600, "count": 1},
            "item.open": {"meeting": m, "item": self.stake},
            "floor.request": {"meeting": m, "kind": "statement"},
            "floor.withdraw": {"meeting": m, "entry": self.entry},
            "entry.update": {"meeting": m, "entry": self.entry, "speaker": "Someone"},
            "floor.ready": {"meeting": m},
            "floor.start": {"meeting": m},
            "floor.next": {"meeting": m},
            "floor.give": {"meeting": m, "entry": self.entry},
            "floor.pause": {"meeting": m},
            "floor.resume": {"meeting": m},
            "floor.extend": {"meeting": m, "seconds": 10},
            "floor.end": {"meeting": m},
            "queue.move": {"meeting": m, "entry": self.entry, "position": 0},
            "queue.remove": {"meeting": m, "entry": self.entry},
            "queue.close": {"meeting": m},
            "queue.open": {"meeting": m},
            "video.join": {"meeting": m},
            "webhook.create": {"url": "http://127.0.0.1:9/hook%d" % self.n, "events": ["*"],
                               "secret": "a secret of sixteen bytes or more"},
            "webhook.list": {},
            "webhook.delete": {"webhook": "w999"},
            "webhook.deliveries": {"webhook": "w999"},
            "group.create": {"name": "Group %d" % self.n,
                             "members": [self.tokens["delegations"]["Kenya"]]},
            "group.update": {"group": self.group["id"], "name": "Friends %d" % self.n},
            "group.list": {},
            "queue.contingent": {"meeting": m, "group": "african", "seconds": 10},
            "queue.deadline": {"meeting": m, "item": self.stake,
                               "at": int(time.time() * 1000) + 3600_000},
            "participant.rank": {"participant": self.spare, "rank": "minister"},
            "signal.send": {"meeting": m, "signal": "slower"},
            "document.get": {"document": "f1"},
            "document.withdraw": {"document": "f404"},
            "documents.search": {"q": "anything"},
            "report.submit": {"year": 2026, "sections": {}},
            "report.get": {"report": "r404"},
            "report.status": {},
            "report.rotation": {"first_year": 2026},
            "report.synthesis": {"cycle": 2026},
            "report.compare": {"delegations": [self.tokens["delegations"]["Kenya"]]},
            "meeting.suspend": {"meeting": m},
            "meeting.resume": {"meeting": m},
            "meeting.close": {"meeting": m},
            "meeting.screen_link": {"meeting": m},
            "meeting.screen_revoke": {"meeting": m},
        }[op]

    async def prepare(self, op):
        """The state an op's cells need: a waiting entry of Kenya's; for floor.ready,
        Japan (remote) called to the floor."""
        self.entry = None
        if self.actors["screen"].reader.done():
            await self.screen_again()
        if op in ("floor.withdraw", "entry.update", "floor.give", "queue.move",
                  "queue.remove"):
            r = await self.c["kenya"].call("floor.request", meeting=self.mid, kind="statement")
            if not r["ok"]:  # already waiting: find it
                st = (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                               presence="room"))["state"]
                r = {"entry": [e for e in st["queue"]
                               if e["delegation"]["name"] == "Kenya"][0]}
            self.entry = r["entry"]["id"]
        if op == "floor.ready":
            await self.c["chair"].call("queue.open", meeting=self.mid)
            e = (await self.c["japan"].ok("floor.request", meeting=self.mid,
                                          kind="question"))["entry"]
            await self.c["chair"].ok("floor.give", meeting=self.mid, entry=e["id"])

    async def test_every_cell(self):
        table = read_table()
        self.assertGreaterEqual(len(table), 46)
        # meeting.leave last: the room ops need everyone joined
        order = sorted(table, key=lambda op: op == "meeting.leave")
        checked = 0
        for op in order:
            roles, also = table[op]
            relation = next((RELATIONS[k] for k in RELATIONS if k in also), None)
            await self.prepare(op)
            cells = []
            for actor, role in ROLE_OF.items():
                allowed = role in roles and (relation is None or actor in relation)
                cells.append((allowed, actor))
            cells.sort()  # the refused first
            for allowed, actor in cells:
                r = await self.actors[actor].call(op, **self.args_of(op))
                code = None if r["ok"] else r["error"]["code"]
                if allowed:
                    self.assertNotEqual(code, "forbidden", "%s by %s: %s" % (op, actor, r))
                else:
                    self.assertEqual(code, "forbidden", "%s by %s: %s" % (op, actor, r))
                checked += 1
            # a fresh connection each time: one kept open would meet the hello deadline
            anon = await Client.connect(self.server)
            r = await anon.call(op, **self.args_of(op))
            await anon.close()
            want = "unauthenticated"
            self.assertEqual(r["error"]["code"], want, "%s before hello: %s" % (op, r))
            checked += 1
        self.assertEqual(checked, len(table) * (len(ROLE_OF) + 1))

    async def test_a_meeting_with_no_chair_is_the_secretariat_s(self):
        m = (await self.admin.ok("meeting.create", title="Unchaired", kind="other",
                                 format="virtual", tz="UTC", start="2027-07-01T10:00",
                                 end="2027-07-01T11:00"))["meeting"]
        st = (await self.actors["other_chair"].ok("meeting.join", meeting=m["id"],
                                                  presence="room"))["state"]
        self.assertFalse(st["presides"])
        await self.actors["other_chair"].err("queue.close", "forbidden", meeting=m["id"])
        st = (await self.admin.ok("meeting.join", meeting=m["id"], presence="room"))["state"]
        self.assertTrue(st["presides"])
        await self.admin.ok("queue.close", meeting=m["id"])


if __name__ == "__main__":
    main()
