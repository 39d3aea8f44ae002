"""National reports and their cycle (issue 13, points 3 and 4) against the real
server: submitting on the harmonized template, the rotation over a six-year
window (two groups, even and odd years, by default alternating by name), a State
flagged after three cycles without a report, the reminders sent once to the
State they concern, the statistics by group and year, the synthesis of a
cycle's needs and offers with a known match, and the compare of three States.

The server's clock is the real one: the years are counted back from now."""

import time

from harness import ProgrammeTest, main

NOW = time.gmtime().tm_year
FIRST = NOW - 6  # three cycles of the even group behind us when NOW is even


def cb(needs=(), offers=()):
    return {"capacity_building": {
        "needs": [{"theme": t, "description": "we need " + t} for t in needs],
        "offers": [{"theme": t, "description": "we offer " + t} for t in offers]}}


class Reports(ProgrammeTest):
    who = ["kenya", "japan", "brazil", "au"]

    async def submit(self, who, year, sections=None, **kw):
        r = await self.c[who].ok("report.submit", year=year, sections=sections or {}, **kw)
        return r["report"]

    async def status(self, who="kenya"):
        r = await self.c[who].ok("report.status")
        return r, {s["delegation"]["name"]: s for s in r["states"]}

    async def test_the_template_is_checked(self):
        full = {"cover": {"nothing_new_since": 2022, "summary": "No change."},
                "norms": {"implemented": ["Norm 13(a)"], "notes": "n"},
                "cbm": {"measures": ["Points of contact exchanged"]},
                "capacity_building": {"needs": [{"theme": "CERT", "description": "d",
                                                 "pillar": "capacity_building"}],
                                      "offers": []},
                "international_law": {"views": "The Charter applies."},
                "threat_assessment": {"assessment": "Ransomware."},
                "contacts": {"people": [{"name": "A. Focal", "role": "PoC",
                                         "email": "a@example.org"}]}}
        r = await self.submit("kenya", NOW, full, visibility="states")
        self.assertEqual(r["sections"], full)
        self.assertEqual(r["delegation"]["name"], "Kenya")
        got = await self.c["japan"].ok("report.get", report=r["id"])
        self.assertEqual(got["report"]["sections"]["cbm"], full["cbm"])
        await self.c["au"].err("report.get", "not_found", report=r["id"])
        for bad in [{"poetry": {}}, {"cbm": {"measures": "not a list"}},
                    {"norms": {"unknown": 1}}, {"cover": {"nothing_new_since": "2020"}},
                    {"capacity_building": {"needs": [{"description": "no theme"}]}},
                    {"capacity_building": {"needs": [{"theme": "x", "pillar": "poetry"}]}},
                    {"threat_assessment": {"assessment": "x" * 9000}}]:
            e = await self.c["kenya"].err("report.submit", "bad_request", year=NOW, sections=bad)
            self.assertIn("sections", e["error"]["message"])
        await self.c["au"].err("report.submit", "forbidden", year=NOW, sections={})
        await self.c["kenya"].err("report.submit", "forbidden", year=NOW, sections={},
                                  delegation=self.tokens["delegations"]["Japan"])
        await self.c["kenya"].err("report.submit", "bad_request", year=NOW + 2, sections={})
        r = await self.admin.ok("report.submit", year=NOW, sections={},
                                delegation=self.tokens["delegations"]["Japan"])
        self.assertEqual(r["report"]["delegation"]["name"], "Japan")
        await self.admin.err("report.submit", "bad_request", year=NOW, sections={},
                             delegation=self.tokens["delegations"]["African Union"])

    async def test_the_rotation_over_six_years_flags_and_reminds(self):
        # Brazil (first by name: even) reports every even year but this one;
        # Japan (second: odd) once, six years ago plus one; Kenya (third: even) never.
        for y in range(FIRST - FIRST % 2, NOW - 1, 2):
            await self.submit("brazil", y)
        await self.submit("japan", FIRST + 1 - (FIRST + 1) % 2 + 1)  # an odd year
        for c in self.c.values():
            c.drain()
        self.admin.drain()
        r = await self.admin.ok("report.rotation", first_year=FIRST)
        self.assertEqual(r["first_year"], FIRST)
        st = {s["delegation"]["name"]: s for s in r["states"]}
        self.assertEqual([st[n]["group"] for n in ("Brazil", "Japan", "Kenya")],
                         ["even", "odd", "even"])
        even_now = NOW % 2 == 0
        first_even = FIRST + FIRST % 2
        # Kenya: no report since the cycle began
        k = st["Kenya"]
        self.assertEqual(k["last_report"], None)
        self.assertEqual(k["due_year"], first_even)
        self.assertEqual(k["missed_cycles"], len(range(first_even, NOW, 2)))
        self.assertEqual(k["flagged"], len(range(first_even, NOW, 2)) >= 3)
        self.assertTrue(k["flagged"])
        self.assertEqual(k["reminder"], "overdue")
        # Brazil: due this year (if even) or next
        b = st["Brazil"]
        self.assertFalse(b["flagged"])
        self.assertEqual(b["due_year"], NOW if even_now else NOW + 1)
        self.assertEqual(b["reminder"], "due" if even_now else None)
        # Japan's one report leaves it short of three missed cycles
        self.assertFalse(st["Japan"]["flagged"])
        # the reminders: Kenya hears its own, not Japan's; each once
        ev = await self.c["kenya"].event("report.reminder")
        self.assertEqual((ev["delegation"], ev["kind"], ev["year"]),
                         (self.tokens["delegations"]["Kenya"], "overdue", first_even))
        await self.c["japan"].event("report.reminder",
                                    delegation=self.tokens["delegations"]["Japan"])
        await self.admin.event("report.reminder",
                               delegation=self.tokens["delegations"]["Kenya"])
        self.assertFalse([e for e in self.c["japan"].seen if e.get("ev") == "report.reminder"
                          and e["delegation"] != self.tokens["delegations"]["Japan"]])
        self.assertFalse([e for e in self.c["au"].seen if e.get("ev") == "report.reminder"])
        n = len([e for e in self.c["kenya"].seen if e.get("ev") == "report.reminder"])
        await self.admin.ok("report.rotation", first_year=FIRST)
        await self.c["kenya"].ok("report.status")
        self.assertEqual(len([e for e in self.c["kenya"].seen
                              if e.get("ev") == "report.reminder"]), n)
        # Kenya's home page reads its own line
        mine = (await self.c["kenya"].ok("report.status"))["mine"]
        self.assertEqual((mine["reminder"], mine["flagged"]), ("overdue", True))
        # a report lifts the flag
        await self.submit("kenya", NOW - NOW % 2)
        _, st = await self.status()
        self.assertFalse(st["Kenya"]["flagged"])
        self.assertEqual(st["Kenya"]["due_year"], NOW - NOW % 2 + 2)
        # the secretariat moves Japan to the even group
        r = await self.admin.ok("report.rotation",
                                groups={self.tokens["delegations"]["Japan"]: "even"})
        st = {s["delegation"]["name"]: s for s in r["states"]}
        self.assertEqual((st["Japan"]["group"], st["Japan"]["assigned"]), ("even", True))
        await self.admin.err("report.rotation", "not_found",
                             groups={self.tokens["delegations"]["African Union"]: "odd"})
        await self.admin.err("report.rotation", "bad_request",
                             groups={self.tokens["delegations"]["Kenya"]: "third"})
        await self.c["kenya"].err("report.rotation", "forbidden", first_year=FIRST)
        # statistics by group and year
        stats = {(s["year"], s["group"]): s for s in r["statistics"]}
        self.assertEqual(set(y for y, _ in stats), set(range(FIRST, NOW + 1)))
        s = stats[(first_even, "even")]
        self.assertEqual((s["states"], s["due"], s["submitted"]), (3, 3, 1))  # Brazil only
        self.assertEqual(stats[(first_even + 1, "even")]["due"], 0)

    async def test_synthesis_matches_a_need_with_an_offer(self):
        cycle = NOW - NOW % 2
        await self.submit("kenya", cycle, cb(needs=["Incident response", "Legal drafting"]))
        await self.submit("japan", cycle + 1, cb(offers=["incident  RESPONSE", "Forensics"]))
        # a States-only report is counted for States, not for an observer
        await self.submit("brazil", cycle, cb(needs=["Secret need"]))
        await self.submit("brazil", cycle, cb(needs=["incident response", "Secret need"],
                                              offers=["Legal drafting"]), visibility="states")
        r = await self.c["kenya"].ok("report.synthesis", cycle=cycle + 1)
        self.assertEqual((r["cycle"], r["years"]), (cycle, [cycle, cycle + 1]))
        pairs = {(m["theme"].lower().split()[0], m["needed_by"]["name"], m["offered_by"]["name"])
                 for m in r["matches"]}
        self.assertIn(("incident", "Kenya", "Japan"), pairs)
        self.assertIn(("incident", "Brazil", "Japan"), pairs)
        self.assertIn(("legal", "Kenya", "Brazil"), pairs)
        self.assertEqual(r["top_needs"][0]["count"], 2)
        self.assertEqual(r["top_needs"][0]["theme"].lower(), "incident response")
        self.assertEqual(sorted(s["name"] for s in r["states"]), ["Brazil", "Japan", "Kenya"])
        self.assertEqual(r["totals"], {"needs": 4, "offers": 3})
        # for an observer Brazil's latest readable report is its public one
        au = await self.c["au"].ok("report.synthesis", cycle=cycle)
        pairs = {(m["needed_by"]["name"], m["offered_by"]["name"]) for m in au["matches"]}
        self.assertEqual(pairs, {("Kenya", "Japan")})
        self.assertEqual(au["totals"], {"needs": 3, "offers": 2})
        empty = await self.c["kenya"].ok("report.synthesis", cycle=cycle - 10)
        self.assertEqual((empty["states"], empty["matches"]), ([], []))

    async def test_compare_three_states(self):
        await self.submit("kenya", NOW, {"cbm": {"measures": ["K1"]}})
        await self.submit("kenya", NOW, {"cbm": {"measures": ["K2"]}})
        await self.submit("japan", NOW, {"norms": {"implemented": ["J"]}}, visibility="states")
        d = self.tokens["delegations"]
        ids = [d["Kenya"], d["Japan"], d["Brazil"]]
        r = await self.c["kenya"].ok("report.compare", delegations=ids)
        got = {x["delegation"]["name"]: x["report"] for x in r["compare"]}
        self.assertEqual(got["Kenya"]["sections"]["cbm"]["measures"], ["K2"])
        self.assertEqual(got["Japan"]["sections"]["norms"]["implemented"], ["J"])
        self.assertIsNone(got["Brazil"])
        r = await self.c["au"].ok("report.compare", delegations=ids)
        self.assertIsNone({x["delegation"]["name"]: x["report"] for x in r["compare"]}["Japan"])
        await self.c["kenya"].err("report.compare", "bad_request", delegations=ids + ids[:1])
        await self.c["kenya"].err("report.compare", "not_found",
                                  delegations=[d["African Union"]])

    async def test_the_views_are_rebuilt_from_the_log(self):
        await self.submit("kenya", NOW, cb(needs=["x"]))
        await self.admin.ok("report.rotation", first_year=FIRST,
                            groups={self.tokens["delegations"]["Kenya"]: "odd"})
        await self.stop_and_replay()


if __name__ == "__main__":
    main()
