"""Issue 14, point 6, against the real server: a meeting's interpretation
channels (channels: [{language, url}], https only), kept with the meeting,
replaced by meeting.update, listed in the calendar feed's description."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import ProgrammeTest, Server, join_programme, main  # noqa: E402

FR = {"language": "fr", "url": "https://interpret.example.org/fr"}
ZH = {"language": "zh-Hans", "url": "https://interpret.example.org/zh"}


class Channels(ProgrammeTest):
    who = ["kenya"]

    async def test_channels_kept_and_listed(self):
        admin, m = self.admin, self.mid
        self.assertNotIn("channels", self.meeting)
        for bad, why in [([{"language": "fr", "url": "http://x.example.org/fr"}], "https"),
                         ([{"language": "French", "url": FR["url"]}], "language"),
                         ([FR, FR], "twice"),
                         ([FR] * 9, "at most 8"),
                         ([{"language": "fr"}], "url"),
                         ([{"language": "fr", "url": "https://x.example.org/a b"}], "https")]:
            r = await admin.err("meeting.update", "bad_request", meeting=m, channels=bad)
            self.assertIn(why, r["error"]["message"], bad)
        got = (await admin.ok("meeting.update", meeting=m, channels=[FR, ZH]))["meeting"]
        self.assertEqual(got["channels"], [FR, ZH])
        st = (await self.c["kenya"].ok("meeting.join", meeting=m, presence="remote"))["state"]
        self.assertEqual(st["meeting"]["channels"], [FR, ZH])
        # the feed's description lists them
        feed = self.tokens["kenya_feed"]
        status, _, body = self.server.http_get("/meetings/%s.ics?feed=%s" % (m, feed))
        self.assertEqual(status, 200)
        text = body.decode().replace("\r\n ", "")
        self.assertIn("Interpretation channels:\\nfr: https://interpret.example.org/fr\\n"
                      "zh-Hans: https://interpret.example.org/zh", text)
        # kept across a restart; an empty list takes them away
        self.server.kill9()
        self.server = Server(folder=self.server.dir).start()
        c = await join_programme(self.server, self.meeting, self.tokens, who=["kenya"])
        self.assertEqual(c["kenya"].state["meeting"]["channels"], [FR, ZH])
        from harness import Client
        admin = await Client.connect(self.server, self.server.admin_token)
        got = (await admin.ok("meeting.update", meeting=m, channels=[]))["meeting"]
        self.assertNotIn("channels", got)


if __name__ == "__main__":
    main()
