"""Decisions by non-objection, end to end on the real server: a text stands
adopted at its deadline unless a State breaks silence; accreditation of
observers through one-time application links; the chair's election and the
bureau; restarts while a procedure is open and after its deadline passed
while the server was down; catching up with programme.sync."""

import asyncio
import time

from harness import Client, ProgrammeTest, main


def now_ms():
    return int(time.time() * 1000)


class Procedures(ProgrammeTest):

    async def start(self, who=None, secs=1.5, **kw):
        args = dict(kind="adoption", title="Final report", text="The meeting adopts...",
                    deadline=now_ms() + int(secs * 1000))
        args.update(kw)
        return (await (who or self.admin).ok("procedure.start", **args))["procedure"]

    async def closed(self, client, pid, timeout=8):
        return await client.event("procedure.closed", timeout=timeout, procedure=pid)

    async def test_silence_adopts_at_the_deadline_and_everyone_hears_it(self):
        lobby = await Client.connect(self.server, self.tokens["brazil"])  # joined nowhere
        p = await self.start()
        self.assertEqual(p["status"], "open")
        self.assertEqual(p["id"], "s1")
        for c in [lobby, self.c["au"], self.c["viewer"], self.c["kenya"]]:
            e = await c.event("procedure.started")
            self.assertEqual(e["procedure"]["id"], p["id"])
            self.assertEqual(e["stream"], "programme")
        e = await self.closed(lobby, p["id"])
        self.assertEqual(e["result"], "adopted")
        self.assertEqual(e["closed_at"], p["deadline"])
        self.assertEqual(e["objections"], [])
        self.assertGreaterEqual(e["at"], p["deadline"])
        got = (await self.c["viewer"].ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["status"], "adopted")
        self.assertEqual(got["closed_at"], p["deadline"])

    async def test_an_objection_breaks_silence_with_its_amendment(self):
        p = await self.start()
        r = await self.c["kenya"].ok("procedure.object", procedure=p["id"],
                                     reason="Paragraph 4 prejudges", amendment="Delete para 4")
        self.assertEqual(len(r["procedure"]["objections"]), 1)
        e = await self.c["japan"].event("procedure.objected")
        self.assertEqual(e["objection"]["delegation"]["name"], "Kenya")
        self.assertEqual(e["objection"]["amendment"], "Delete para 4")
        await self.c["kenya"].err("procedure.object", "conflict", procedure=p["id"],
                                  reason="again")
        e = await self.closed(self.c["au"], p["id"])
        self.assertEqual(e["result"], "failed")
        self.assertEqual([o["delegation"]["name"] for o in e["objections"]], ["Kenya"])
        self.assertEqual(e["objections"][0]["reason"], "Paragraph 4 prejudges")

    async def test_a_withdrawn_objection_lets_it_pass(self):
        p = await self.start(secs=2)
        await self.c["japan"].err("procedure.withdraw_objection", "conflict",
                                  procedure=p["id"])
        await self.c["japan"].ok("procedure.object", procedure=p["id"], reason="Not yet")
        r = await self.c["japan"].ok("procedure.withdraw_objection", procedure=p["id"])
        self.assertEqual(r["procedure"]["objections"], [])
        await self.c["kenya"].event("procedure.withdrawn")
        e = await self.closed(self.c["kenya"], p["id"])
        self.assertEqual(e["result"], "adopted")

    async def test_the_chair_asks_is_there_any_objection_and_extends(self):
        p = await self.start(who=self.c["chair"], secs=1.5, meeting=self.mid,
                             title="Draft decision L.1")
        self.assertEqual(p["meeting"], self.mid)
        await self.c["kenya"].err("procedure.extend", "forbidden", procedure=p["id"],
                                  deadline=p["deadline"] + 5000)
        await self.c["chair"].err("procedure.extend", "bad_request", procedure=p["id"],
                                  deadline=p["deadline"] - 1)
        later = p["deadline"] + 1500
        r = await self.c["chair"].ok("procedure.extend", procedure=p["id"], deadline=later)
        self.assertEqual(r["procedure"]["deadline"], later)
        self.assertEqual(r["procedure"]["extensions"], 1)
        e = await self.c["viewer"].event("procedure.extended")
        self.assertEqual(e["deadline"], later)
        e = await self.closed(self.c["viewer"], p["id"])
        self.assertEqual(e["closed_at"], later)

    async def test_statements_are_kept_with_the_decision(self):
        p = await self.start()
        await self.c["japan"].ok("procedure.statement", procedure=p["id"],
                                 text="Japan joins consensus on the understanding that...")
        await self.c["au"].event("procedure.statement")
        await self.closed(self.c["au"], p["id"])
        got = (await self.c["au"].ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["status"], "adopted")
        self.assertEqual(got["statements"][0]["delegation"]["name"], "Japan")

    async def test_after_the_deadline_everything_is_conflict(self):
        p = await self.start(secs=0.5)
        await self.closed(self.c["kenya"], p["id"])
        await asyncio.sleep(1)  # one second late
        for op, args in [("procedure.object", dict(reason="late")),
                         ("procedure.withdraw_objection", {}),
                         ("procedure.statement", dict(text="late"))]:
            await self.c["kenya"].err(op, "conflict", procedure=p["id"], **args)
        await self.admin.err("procedure.extend", "conflict", procedure=p["id"],
                             deadline=now_ms() + 60000)

    async def test_who_may_break_silence(self):
        p = await self.start(secs=30)
        for who in ["au", "viewer", "chair"]:
            await self.c[who].err("procedure.object", "forbidden", procedure=p["id"],
                                  reason="no")
        await self.admin.err("procedure.object", "forbidden", procedure=p["id"], reason="no")
        # starting: the secretariat anywhere, a chair at a meeting they preside
        await self.c["chair"].err("procedure.start", "forbidden", kind="adoption", title="t",
                                  text="t", deadline=now_ms() + 9000)
        await self.c["kenya"].err("procedure.start", "forbidden", kind="adoption", title="t",
                                  text="t", deadline=now_ms() + 9000, meeting=self.mid)
        await self.c["au"].err("procedure.start", "forbidden", kind="adoption", title="t",
                               text="t", deadline=now_ms() + 9000, meeting=self.mid)

    async def test_bad_requests_change_nothing(self):
        base = dict(kind="adoption", title="t", text="t", deadline=now_ms() + 9000)
        for bad in [dict(kind="vote"), dict(deadline=now_ms() - 1), dict(title=""),
                    dict(kind="election"), dict(applications=["a1"]),
                    dict(kind="accreditation"), dict(kind="accreditation",
                                                     applications=["a99"])]:
            r = await self.admin.call("procedure.start", **dict(base, **bad))
            self.assertFalse(r["ok"], bad)
            self.assertIn(r["error"]["code"], ("bad_request", "not_found"), bad)
        await self.admin.err("procedure.get", "not_found", procedure="s1")
        self.assertEqual((await self.admin.ok("procedure.list"))["procedures"], [])
        await self.c["kenya"].err("procedure.object", "not_found", procedure="s9",
                                  reason="x")


class Catchup(ProgrammeTest):
    who = ["kenya", "au"]

    async def test_a_client_that_missed_events_catches_up_in_order(self):
        seen = self.c["kenya"].hello["programme_seq"]
        await self.c["kenya"].close()
        p1 = (await self.admin.ok("procedure.start", kind="adoption", title="One", text="x",
                                  deadline=now_ms() + 30000))["procedure"]
        japan = await Client.connect(self.server, self.tokens["japan"])
        await japan.ok("procedure.object", procedure=p1["id"], reason="No")
        await japan.ok("procedure.statement", procedure=p1["id"], text="Japan explains")
        # credentials on the programme stream in between are not for clients
        await self.admin.ok("participant.invite",
                            delegation=self.tokens["delegations"]["Kenya"], name="Second",
                            role="delegate")
        kenya = await Client.connect(self.server, self.tokens["kenya"])
        r = await kenya.ok("programme.sync", since=seen)
        names = [e["ev"] for e in r["events"]]
        self.assertEqual(names, ["procedure.started", "procedure.objected",
                                 "procedure.statement"])
        seqs = [e["seq"] for e in r["events"]]
        self.assertEqual(seqs, sorted(seqs))
        self.assertFalse(r["more"])
        self.assertEqual(r["seq"], kenya.hello["programme_seq"])
        # in pages
        page = await kenya.ok("programme.sync", since=seen, limit=1)
        self.assertTrue(page["more"])
        self.assertEqual([e["ev"] for e in page["events"]], ["procedure.started"])
        self.assertEqual(page["seq"], r["seq"])  # the stream's position, not the page's
        rest = await kenya.ok("programme.sync", since=page["events"][-1]["seq"], limit=5)
        self.assertEqual([e["ev"] for e in rest["events"]],
                         ["procedure.objected", "procedure.statement"])
        await kenya.err("programme.sync", "bad_request", since=r["seq"] + 1)
        await kenya.err("programme.sync", "bad_request", since=0, limit=0)


class Restart(ProgrammeTest):
    who = ["kenya"]

    async def test_a_restart_while_open_keeps_the_objection_and_the_deadline(self):
        p = (await self.admin.ok("procedure.start", kind="adoption", title="Report",
                                 text="x", deadline=now_ms() + 4000))["procedure"]
        await self.c["kenya"].ok("procedure.object", procedure=p["id"], reason="No",
                                 amendment="Replace")
        self.server.kill9()
        self.server.start()
        kenya = await Client.connect(self.server, self.tokens["kenya"])
        got = (await kenya.ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["status"], "open")
        self.assertEqual(got["deadline"], p["deadline"])
        self.assertEqual(got["objections"][0]["amendment"], "Replace")
        e = await kenya.event("procedure.closed", timeout=8)
        self.assertEqual(e["result"], "failed")

    async def test_a_deadline_that_passed_while_down_closes_at_start(self):
        seen = self.c["kenya"].hello["programme_seq"]
        p = (await self.admin.ok("procedure.start", kind="adoption", title="Report",
                                 text="x", deadline=now_ms() + 1000))["procedure"]
        self.server.kill9()
        await asyncio.sleep(2)
        self.server.start()
        kenya = await Client.connect(self.server, self.tokens["kenya"])
        r = await kenya.ok("programme.sync", since=seen)
        closed = [e for e in r["events"] if e["ev"] == "procedure.closed"]
        self.assertEqual(len(closed), 1, r)
        self.assertEqual(closed[0]["result"], "adopted")
        self.assertEqual(closed[0]["closed_at"], p["deadline"])
        got = (await kenya.ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["status"], "adopted")
        # and the log still rebuilds
        self.assert_log_rebuilds()


class Accreditation(ProgrammeTest):

    async def apply(self, name, **kw):
        link = await self.admin.ok("accreditation.link")
        self.assertTrue(link["path"].startswith("/apply.html#token="))
        app = await Client.connect(self.server)
        hello = await app.ok("hello", token=link["token"])
        self.assertEqual(hello["applicant"]["link"], link["link"])
        await app.err("procedure.list", "forbidden")
        await app.err("meeting.list", "forbidden")
        args = dict(name=name, kind="ngo", tz="Europe/Zurich", contact="office@example.org",
                    justification="We work on ICT security capacity building.",
                    website="https://example.org")
        args.update(kw)
        r = await app.ok("accreditation.apply", **args)
        await app.err("accreditation.apply", "conflict", **args)
        again = await Client.connect(self.server)
        await again.err("hello", "unauthenticated", token=link["token"])
        return r["application"]

    async def test_an_applicant_is_accepted_by_silence_and_becomes_a_delegation(self):
        a = await self.apply("Cyber Peace Institute")
        self.assertEqual(a["status"], "pending")
        apps = (await self.admin.ok("accreditation.list"))["applications"]
        self.assertEqual([x["name"] for x in apps], ["Cyber Peace Institute"])
        self.assertEqual(apps[0]["contact"], "office@example.org")
        p = (await self.admin.ok("procedure.start", kind="accreditation",
                                 title="Accreditation of Cyber Peace Institute",
                                 text="Applications received", applications=[a["id"]],
                                 deadline=now_ms() + 1500))["procedure"]
        seen = (await self.c["kenya"].ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(seen["applications"][0]["name"], "Cyber Peace Institute")
        self.assertNotIn("contact", seen["applications"][0])
        await self.admin.err("procedure.start", "conflict", kind="accreditation", title="t",
                             text="t", applications=[a["id"]], deadline=now_ms() + 9000)
        e = await self.c["au"].event("procedure.closed", timeout=8)
        self.assertEqual(e["result"], "adopted")
        d = e["delegations"][a["id"]]
        delegs = (await self.admin.ok("delegation.list"))["delegations"]
        made = [x for x in delegs if x["id"] == d][0]
        self.assertEqual((made["name"], made["kind"], made["tz"]),
                         ("Cyber Peace Institute", "ngo", "Europe/Zurich"))
        await self.admin.ok("participant.invite", delegation=d, name="Observer",
                            role="observer")
        apps = (await self.admin.ok("accreditation.list"))["applications"]
        self.assertEqual((apps[0]["status"], apps[0]["delegation"]), ("accepted", d))

    async def test_an_objection_keeps_an_applicant_out_and_only_states_see_who(self):
        a = await self.apply("Contested Org", kind="organization")
        p = (await self.admin.ok("procedure.start", kind="accreditation", title="Contested",
                                 text="x", applications=[a["id"]],
                                 deadline=now_ms() + 1500))["procedure"]
        await self.c["kenya"].ok("procedure.object", procedure=p["id"], reason="Not relevant")
        await self.c["japan"].ok("procedure.statement", procedure=p["id"], text="Japan notes")
        full = await self.c["brazil"].event("procedure.closed", timeout=8)
        self.assertEqual(full["result"], "failed")
        self.assertEqual([o["delegation"]["name"] for o in full["objections"]], ["Kenya"])
        for who in ["au", "viewer"]:
            e = await self.c[who].event("procedure.closed", timeout=8)
            self.assertEqual(e["result"], "failed")
            self.assertNotIn("objections", e)
            self.assertFalse([x for x in self.c[who].seen if x["ev"] in (
                "procedure.objected", "procedure.statement")])
            got = (await self.c[who].ok("procedure.get", procedure=p["id"]))["procedure"]
            self.assertNotIn("objections", got)
            self.assertNotIn("statements", got)
            r = await self.c[who].ok("programme.sync", since=0)
            self.assertEqual([x["ev"] for x in r["events"]],
                             ["procedure.started", "procedure.closed"])
        got = (await self.c["brazil"].ok("procedure.get", procedure=p["id"]))["procedure"]
        self.assertEqual(got["objections"][0]["delegation"]["name"], "Kenya")
        apps = (await self.admin.ok("accreditation.list"))["applications"]
        self.assertEqual(apps[0]["status"], "rejected")
        delegs = (await self.admin.ok("delegation.list"))["delegations"]
        self.assertNotIn("Contested Org", [x["name"] for x in delegs])

    async def test_bad_applications_are_refused(self):
        link = await self.admin.ok("accreditation.link")
        app = await Client.connect(self.server)
        await app.ok("hello", token=link["token"])
        base = dict(name="X", kind="ngo", tz="UTC", contact="c", justification="j")
        for bad in [dict(kind="state"), dict(tz="Mars/Olympus"), dict(name=""),
                    dict(website="javascript:alert(1)"), dict(justification="")]:
            await app.err("accreditation.apply", "bad_request", **dict(base, **bad))
        self.assertEqual((await self.admin.ok("accreditation.list"))["applications"], [])


class Election(ProgrammeTest):

    async def test_an_elected_chair_joins_the_bureau_and_may_chair_that_year(self):
        kenya = self.tokens["ids"]["kenya"]
        p = (await self.admin.ok("procedure.start", kind="election", title="Chair for 2027",
                                 text="The Group of Asia-Pacific States proposes...",
                                 office="chair", year=2027, candidate=kenya,
                                 deadline=now_ms() + 1500))["procedure"]
        self.assertEqual(p["election"]["candidate"], kenya)
        self.assertEqual(p["election"]["delegation"]["name"], "Kenya")
        base = dict(title="Annual meeting", kind="annual_meeting", format="hybrid",
                    tz="UTC", start="2027-07-01T10:00", end="2027-07-01T13:00", chair=kenya)
        await self.admin.err("meeting.create", "bad_request", **base)  # not yet elected
        e = await self.c["viewer"].event("procedure.closed", timeout=8)
        self.assertEqual(e["result"], "adopted")
        bureau = (await self.c["viewer"].ok("bureau.list", year=2027))["bureau"]
        self.assertEqual([(b["office"], b["participant"], b["delegation"]["name"])
                          for b in bureau], [("chair", kenya, "Kenya")])
        self.assertEqual((await self.c["viewer"].ok("bureau.list", year=2028))["bureau"], [])
        m = (await self.admin.ok("meeting.create", **base))["meeting"]
        await self.admin.err("meeting.create", "bad_request",
                             **dict(base, start="2028-07-01T10:00", end="2028-07-01T13:00"))
        st = (await self.c["kenya"].ok("meeting.join", meeting=m["id"],
                                       presence="room"))["state"]
        self.assertTrue(st["presides"])
        await self.c["kenya"].ok("queue.close", meeting=m["id"])
        # ...and only that meeting
        await self.c["kenya"].err("queue.close", "forbidden", meeting=self.mid)

    async def test_a_candidate_must_represent_a_state(self):
        for who in ["au", "viewer", "chair"]:
            await self.admin.err("procedure.start", "bad_request", kind="election", title="t",
                                 text="t", office="chair", year=2027,
                                 candidate=self.tokens["ids"][who], deadline=now_ms() + 9000)
        await self.admin.err("procedure.start", "bad_request", kind="election", title="t",
                             text="t", office="president", year=2027,
                             candidate=self.tokens["ids"]["kenya"], deadline=now_ms() + 9000)


if __name__ == "__main__":
    main()
