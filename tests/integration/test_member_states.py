"""The Member States file the console loads (web/data/member-states.json, written by
tools/member-states): 193 States, each with a name in the six languages, a regional
group and a zone the server knows, so that every one of them can be created as a
delegation; and the programme's first start names its administrator clearly.
"""

import asyncio
import json
import os

from harness import Client, ServerTest, main

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "data",
                    "member-states.json")
GROUPS = {"african", "asia_pacific", "eastern_european", "latin_american_caribbean",
          "western_european_other"}


class MemberStates(ServerTest):
    async def test_every_state_can_be_created(self):
        with open(DATA, encoding="utf-8") as f:
            data = json.load(f)
        states = data["states"]
        self.assertEqual(len(states), 193)
        self.assertEqual(len({s["iso2"] for s in states}), 193)
        self.assertEqual(set(data["columns"]), {"iso2", "iso3", "name", "group", "tz"})
        by = {s["iso2"]: s for s in states}
        self.assertEqual(by["TR"]["group"], "western_european_other")
        self.assertEqual(by["IL"]["group"], "western_european_other")
        self.assertIn("group_note", by["KI"])
        self.assertEqual(by["RU"]["tz"], "Europe/Moscow")
        self.assertEqual(by["BR"]["tz"], "America/Sao_Paulo")
        self.assertEqual(by["AU"]["tz"], "Australia/Sydney")
        self.assertEqual(by["FR"]["name"]["fr"], "France")
        admin = await Client.connect(self.server, self.server.admin_token)
        # the first start's participant says what it is
        self.assertEqual(admin.hello["participant"]["name"], "Programme administrator")
        for i, s in enumerate(states):
            self.assertIn(s["group"], GROUPS)
            self.assertEqual(set(s["name"]), {"en", "fr", "es", "ru", "zh", "ar"})
            await admin.ok("delegation.create", name=s["name"]["en"], kind="state", tz=s["tz"],
                           group=s["group"])
            if i % 25 == 24:
                await asyncio.sleep(1)  # under the 30 requests a second
        r = await admin.ok("delegation.list")
        self.assertEqual(len(r["delegations"]), 194)  # and the secretariat's own


if __name__ == "__main__":
    main()
