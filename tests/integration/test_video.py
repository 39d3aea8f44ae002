"""Issue 17, video-conference coordination, against the real server: joins
signed for Jitsi and verified by an independent JWT library (Debian's
python3-jwt), and hooks in the published shapes of Jitsi's event_sync
(jitsi-contrib/prosody-plugins, event_sync/README.md) and the generic signed
hook, POSTed over real HTTP (plain and TLS)."""

import asyncio
import hashlib
import hmac
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
from datetime import timedelta

import jwt

sys.path.insert(0, os.path.dirname(__file__))
from harness import (PLENARYD, WEB, Client, ProgrammeTest, Server,  # noqa: E402
                     make_cert, main, seq_events)

SECRETS = tempfile.mkdtemp(prefix="plenary-video-")
JITSI_SECRET = "jitsi-shared-secret-of-the-test-0123456789"
HOOK_SECRET = "hook-shared-secret-of-the-test-9876543210"


def secret_file(name, text):
    path = os.path.join(SECRETS, name)
    with open(path, "w") as f:
        f.write(text + "\n")  # as an editor leaves it
    os.chmod(path, 0o600)
    return path


JITSI_ARGS = ("--jitsi-url", "https://Meet.Example.org/", "--jitsi-app-id", "plenary-test",
              "--jitsi-secret-file", secret_file("jitsi.secret", JITSI_SECRET),
              "--hook-secret-file", secret_file("hook.secret", HOOK_SECRET))


def post(server, path, body, headers=None):
    """POSTs raw bytes over a fresh connection: (status, body)."""
    if server.tls:
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5,
                                           context=server.ssl_context())
    else:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("POST", path, body=body, headers=dict(
            {"Content-Type": "application/json"}, **(headers or {})))
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def jitsi_event(server, kind, payload, secret=HOOK_SECRET, headers=None):
    """What event_sync POSTs to api_prefix + /events/...; api_prefix is
    https://PLENARY/hooks/jitsi and api_headers carry the bearer secret."""
    return post(server, "/hooks/jitsi/events/" + kind, json.dumps(payload).encode(),
                dict({"Authorization": "Bearer " + secret}, **(headers or {})))


def occupant(name, event_name, room, pid, display, count=1):
    """An occupant event exactly as the README's example has it."""
    o = {"name": display, "email": "%s@example.org" % pid, "id": pid,
         "occupant_jid": "14f01c40-5195-4a4d-8efb-f58b49d18741@meet.example.org/OWhl8jSh",
         "joined_at": int(time.time()) - 5}
    if event_name == "muc-occupant-left":
        o["left_at"] = int(time.time())
    return {"event_name": event_name, "room_name": room,
            "room_jid": room + "@conference.meet.example.org", "is_breakout": False,
            "active_occupants_count": count, "occupant": o}


def signed(server, payload, secret=HOOK_SECRET):
    body = json.dumps(payload).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return post(server, "/hooks/video", body, {"X-Plenary-Signature": "sha256=" + sig})


class VideoTest(ProgrammeTest):
    server_args = JITSI_ARGS

    async def asyncSetUp(self):
        await super().asyncSetUp()
        r = await self.admin.ok("meeting.update", meeting=self.mid,
                                video={"provider": "jitsi"})
        self.room = r["meeting"]["video"]["room"]
        self.ids = self.tokens["ids"]

    def decode(self, url, **kw):
        base, token = url.split("?jwt=")
        self.assertEqual(base, "https://Meet.Example.org/" + self.room)
        return jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi",
                          issuer="plenary-test", **kw)


class SignedJoins(VideoTest):
    async def test_room_is_kept_and_named_once(self):
        self.assertRegex(self.room, r"^plenary[0-9a-f]{40}$")
        # updated again, the meeting keeps its room; it survives a restart
        r = await self.admin.ok("meeting.update", meeting=self.mid, title="Renamed",
                                video={"provider": "jitsi"})
        self.assertEqual(r["meeting"]["video"], {"provider": "jitsi", "room": self.room})
        await self.admin.err("meeting.update", "bad_request", meeting=self.mid,
                             video={"provider": "jitsi", "room": "mine"})
        await self.admin.err("meeting.update", "bad_request", meeting=self.mid,
                             video={"provider": "zoom"})
        for c in list(self.c.values()) + [self.admin]:
            await c.close()
        self.server.stop()
        self.server.start()
        admin = await Client.connect(self.server, self.server.admin_token)
        ms = (await admin.ok("meeting.list"))["meetings"]
        self.assertEqual([m["video"] for m in ms if m["id"] == self.mid],
                         [{"provider": "jitsi", "room": self.room}])
        # taken away, the meeting has no conference to join
        await admin.ok("meeting.update", meeting=self.mid, video={"provider": "none"})
        await admin.err("video.join", "conflict", meeting=self.mid)
        await admin.close()
        self.c = {}
        self.admin = None

    async def test_token_claims_verified_by_pyjwt(self):
        now = time.time()
        r = await self.c["kenya"].ok("video.join", meeting=self.mid)
        self.assertFalse(r["moderator"])
        self.assertEqual(r["room"], self.room)
        claims = self.decode(r["url"])
        header = jwt.get_unverified_header(r["url"].split("?jwt=")[1])
        self.assertEqual(header, {"alg": "HS256", "typ": "JWT"})
        self.assertEqual(claims["room"], self.room)
        self.assertEqual(claims["sub"], "meet.example.org")
        self.assertEqual(claims["context"]["user"],
                         {"id": self.ids["kenya"], "name": "Kenya"})
        self.assertIs(claims["moderator"], False)
        self.assertLessEqual(claims["nbf"], now)
        # a meeting in 2027: the link is good for a day, not until then
        self.assertAlmostEqual(claims["exp"], now + 86400, delta=5)
        self.assertEqual(r["expires_at"], claims["exp"] * 1000)
        # the signature is the secret's: another key, audience or issuer fails
        token = r["url"].split("?jwt=")[1]
        with self.assertRaises(jwt.InvalidSignatureError):
            jwt.decode(token, "another secret", algorithms=["HS256"], audience="jitsi")
        with self.assertRaises(jwt.InvalidAudienceError):
            jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="other")
        with self.assertRaises(jwt.InvalidIssuerError):
            jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi",
                       issuer="someone-else")
        # tampered: Kenya makes itself moderator
        head, body, sig = token.split(".")
        forged = jwt.utils.base64url_encode(json.dumps(dict(claims, moderator=True)).encode())
        with self.assertRaises(jwt.InvalidSignatureError):
            jwt.decode(head + "." + forged.decode() + "." + sig, JITSI_SECRET,
                       algorithms=["HS256"], audience="jitsi")
        # a day and a bit later it has expired
        with self.assertRaises(jwt.ExpiredSignatureError):
            self.decode(r["url"], leeway=timedelta(seconds=-(86400 + 10)),
                        options={"verify_iat": False, "verify_nbf": False})

    async def test_moderator_only_for_presiding_sessions(self):
        got = {}
        for who in ["chair", "kenya", "japan", "au"]:
            got[who] = self.decode((await self.c[who].ok("video.join", meeting=self.mid))["url"])
        got["secretariat"] = self.decode(
            (await self.admin.ok("video.join", meeting=self.mid))["url"])
        self.assertEqual({k: v["moderator"] for k, v in got.items()},
                         {"chair": True, "secretariat": True, "kenya": False,
                          "japan": False, "au": False})
        # the name the list of speakers knows: the delegation, then the person
        self.assertEqual(got["au"]["context"]["user"]["name"], "African Union (Au)")
        self.assertEqual(got["au"]["context"]["user"]["id"], self.ids["au"])
        await self.c["viewer"].err("video.join", "forbidden", meeting=self.mid)
        await self.c["kenya"].err("video.join", "not_found", meeting="m999")

    async def test_short_meeting_link_lasts_an_hour_past_its_end(self):
        now_local = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 1800))
        end_local = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 7200))
        r = await self.admin.ok("meeting.update", meeting=self.mid, tz="UTC",
                                start=now_local, end=end_local)
        end_at = r["meeting"]["end_at"] / 1000
        claims = self.decode((await self.c["kenya"].ok("video.join",
                                                       meeting=self.mid))["url"])
        self.assertAlmostEqual(claims["exp"], end_at + 3600, delta=2)

    async def test_secret_never_in_the_log(self):
        await self.c["chair"].ok("video.join", meeting=self.mid)
        jitsi_event(self.server, "occupant/joined",
                          occupant("x", "muc-occupant-joined", self.room, self.ids["kenya"],
                                   "Kenya"))
        log = self.server.read_log()
        self.assertNotIn(JITSI_SECRET, log)
        self.assertNotIn(HOOK_SECRET, log)


class WithoutJitsi(ProgrammeTest):
    async def test_join_refused_when_not_configured(self):
        await self.admin.ok("meeting.update", meeting=self.mid, video={"provider": "jitsi"})
        r = await self.c["kenya"].err("video.join", "conflict", meeting=self.mid)
        self.assertIn("jitsi-url", r["error"]["message"])
        # and hooks are not taken without their secret
        status, _ = signed(self.server, {"meeting": self.mid, "participant": "p1",
                                         "event": "joined"})
        self.assertEqual(status, 404)


class Configuration(unittest.TestCase):
    def run_check(self, *args):
        return subprocess.run([PLENARYD, "--config", "/dev/null", "--check-config", "--plain",
                               "--web", WEB, "--db", os.path.join(SECRETS, "c.db")] +
                              list(args), capture_output=True, text=True)

    def test_secret_is_read_from_a_file_only(self):
        self.assertEqual(self.run_check(*JITSI_ARGS).returncode, 0)
        r = self.run_check("--jitsi-url", "https://meet.example.org", "--jitsi-app-id", "x",
                           "--jitsi-secret", JITSI_SECRET)
        self.assertEqual(r.returncode, 2)
        r = self.run_check("--jitsi-url", "https://meet.example.org", "--jitsi-app-id", "x",
                           "--jitsi-secret-file", os.path.join(SECRETS, "missing"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing", r.stderr)
        short = secret_file("short.secret", "tiny")
        r = self.run_check("--jitsi-url", "https://meet.example.org", "--jitsi-app-id", "x",
                           "--jitsi-secret-file", short)
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("tiny", r.stderr)
        r = self.run_check("--jitsi-url", "https://meet.example.org")
        self.assertEqual(r.returncode, 2)
        self.assertIn("go together", r.stderr)
        r = self.run_check("--jitsi-url", "file:///etc/passwd", "--jitsi-app-id", "x",
                           "--jitsi-secret-file", os.path.join(SECRETS, "jitsi.secret"))
        self.assertEqual(r.returncode, 2)


class JitsiHooks(VideoTest):
    async def speaking_japan(self):
        """Japan (remote) has the floor and its clock runs; returns the seq."""
        chair = self.c["chair"]
        await self.c["japan"].ok("floor.request", meeting=self.mid, kind="statement")
        await chair.ok("floor.next", meeting=self.mid)
        await self.c["japan"].ok("floor.ready", meeting=self.mid)
        ev = await chair.wait_for(lambda: [e for e in seq_events(chair)
                                           if e["ev"] == "floor.changed"
                                           and e["floor"]["phase"] == "speaking"])
        return ev[-1]["seq"]

    async def presence_of(self, pid, **match):
        chair = self.c["chair"]
        return await chair.wait_for(lambda: [e for e in chair.seen if e["ev"] == "presence"
                                             and e["participant"] == pid and
                                             all(e.get(k) == v for k, v in match.items())])

    async def test_presence_shown_and_speaker_leaving_pauses(self):
        jp = self.ids["japan"]
        status, body = jitsi_event(self.server, "room/created", {
            "event_name": "muc-room-created", "room_name": self.room,
            "room_jid": self.room + "@conference.meet.example.org", "is_breakout": False,
            "created_at": int(time.time())})
        self.assertEqual((status, json.loads(body)), (200, {"ok": True, "applied": "ignored"}))
        status, body = jitsi_event(self.server, "occupant/joined",
                                   occupant("j", "muc-occupant-joined", self.room, jp, "Japan"))
        self.assertEqual((status, json.loads(body)["applied"]), (200, "presence"))
        p = await self.presence_of(jp, video=True)
        self.assertTrue(p[-1]["online"])
        # the chair's attendance shows it beside the Plenary connection
        r = await self.c["chair"].ok("meeting.sync", meeting=self.mid, since=0)
        att = {a["participant"]: a for a in r["attendance"]}
        self.assertEqual((att[jp]["video"], att[jp]["online"]), (True, True))
        self.assertFalse(att[self.ids["kenya"]]["video"])
        # someone only in the conference, never connected to Plenary, shows too
        brazil = self.ids["brazil"]
        await self.c.pop("brazil").close()
        jitsi_event(self.server, "occupant/joined",
                    occupant("b", "muc-occupant-joined", self.room, brazil, "Brazil", 2))
        p = await self.presence_of(brazil, video=True, online=False)
        self.assertEqual(p[-1]["presence"], "remote")
        # Japan speaks, then leaves the conference: the floor pauses
        last = await self.speaking_japan()
        status, body = jitsi_event(self.server, "occupant/left",
                                   occupant("j", "muc-occupant-left", self.room, jp, "Japan"))
        self.assertEqual((status, json.loads(body)["applied"]), (200, "paused"))
        chair = self.c["chair"]
        ev = await chair.wait_for(lambda: [e for e in seq_events(chair)
                                           if e["ev"] == "floor.changed" and e["seq"] > last])
        f = ev[0]["floor"]
        self.assertEqual((f["paused"], f["pause_reason"]), (True, "disconnected"))
        self.assertIsNone(f["running_since"])
        await self.presence_of(jp, video=False)
        # the pause is an event like any other: everyone saw it, in order
        await self.c["viewer"].wait_for(lambda: any(e.get("seq") == ev[0]["seq"]
                                                    for e in self.c["viewer"].seen))
        # a second leave (event_sync retries) changes nothing more
        jitsi_event(self.server, "occupant/left",
                    occupant("j", "muc-occupant-left", self.room, jp, "Japan"))
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertEqual(st["seq"], ev[0]["seq"])

    async def test_wrong_secret_is_401_and_changes_nothing(self):
        jp = self.ids["japan"]
        last = await self.speaking_japan()
        left = occupant("j", "muc-occupant-left", self.room, jp, "Japan")
        for headers in [{"Authorization": "Bearer wrong"}, {},
                        {"Authorization": "Basic " + HOOK_SECRET},
                        {"Authorization": "Bearer " + HOOK_SECRET[:-1]}]:
            status, _ = post(self.server, "/hooks/jitsi/events/occupant/left",
                             json.dumps(left).encode(), headers)
            self.assertEqual(status, 401, headers)
        status, _ = signed(self.server, {"meeting": self.mid, "participant": jp,
                                         "event": "left"}, secret="not the secret at all")
        self.assertEqual(status, 401)
        body = json.dumps({"meeting": self.mid, "participant": jp, "event": "left"}).encode()
        self.assertEqual(post(self.server, "/hooks/video", body)[0], 401)
        # the bearer secret is not a signature either
        self.assertEqual(post(self.server, "/hooks/video", body,
                              {"Authorization": "Bearer " + HOOK_SECRET})[0], 401)
        await asyncio.sleep(0.2)
        st = (await self.c["chair"].ok("meeting.join", meeting=self.mid,
                                       presence="room"))["state"]
        self.assertEqual(st["seq"], last)
        self.assertFalse(st["floor"]["paused"])
        self.assertFalse([e for e in self.c["chair"].seen if e["ev"] == "presence"
                          and e.get("video")])

    async def test_bad_hooks_get_clear_errors(self):
        status, body = jitsi_event(self.server, "occupant/joined",
                                   occupant("x", "muc-occupant-joined", "nosuchroom",
                                            self.ids["kenya"], "Kenya"))
        self.assertEqual(status, 404)
        self.assertIn(b"nosuchroom", body)
        status, _ = jitsi_event(self.server, "occupant/joined",
                                occupant("x", "muc-occupant-joined", self.room, "p999", "X"))
        self.assertEqual(status, 404)
        # a guest without a token's id, and a breakout room, are none of ours
        guest = occupant("g", "muc-occupant-joined", self.room, "x", "Guest")
        del guest["occupant"]["id"]
        self.assertEqual(jitsi_event(self.server, "occupant/joined", guest)[0], 200)
        br = occupant("x", "muc-occupant-joined", self.room, self.ids["kenya"], "Kenya")
        br.update(is_breakout=True, breakout_room_id="b1")
        self.assertEqual(json.loads(jitsi_event(self.server, "occupant/joined", br)[1]),
                         {"ok": True, "applied": "ignored"})
        self.assertEqual(post(self.server, "/hooks/jitsi/events/x", b"not json",
                              {"Authorization": "Bearer " + HOOK_SECRET})[0], 400)
        self.assertEqual(signed(self.server, {"meeting": self.mid, "participant": "p1",
                                              "event": "shouted"})[0], 400)
        self.assertEqual(signed(self.server, {"meeting": self.mid})[0], 400)
        self.assertEqual(post(self.server, "/elsewhere", b"{}")[0], 405)
        self.assertEqual(self.server.http_get("/hooks/video")[0], 405)
        # a body over the bound is refused before it is read
        self.assertEqual(post(self.server, "/hooks/video", b"x" * (300 * 1024))[0], 413)
        # the server serves on
        self.assertEqual(self.server.http_get("/healthz")[0], 200)

    async def test_room_destroyed_with_a_large_body(self):
        """event_sync's room-destroyed lists every occupant since the room
        was made: 20 KB and more must get through the door (early.c)."""
        jp = self.ids["japan"]
        jitsi_event(self.server, "occupant/joined",
                    occupant("j", "muc-occupant-joined", self.room, jp, "Japan"))
        await self.presence_of(jp, video=True)
        last = await self.speaking_japan()
        everyone = [dict(occupant("o", "muc-occupant-left", self.room, "p%d" % i,
                                  "Occupant %d" % i)["occupant"]) for i in range(150)]
        status, body = jitsi_event(self.server, "room/destroyed", {
            "event_name": "muc-room-destroyed", "room_name": self.room,
            "room_jid": self.room + "@conference.meet.example.org", "is_breakout": False,
            "created_at": int(time.time()) - 60, "destroyed_at": int(time.time()),
            "all_occupants": everyone}, headers={"Expect": "100-continue"})
        self.assertGreater(len(json.dumps(everyone)), 20000)
        self.assertEqual(status, 200, body)
        await self.presence_of(jp, video=False)
        chair = self.c["chair"]
        ev = await chair.wait_for(lambda: [e for e in seq_events(chair)
                                           if e["ev"] == "floor.changed" and e["seq"] > last])
        self.assertEqual(ev[0]["floor"]["pause_reason"], "disconnected")


class GenericHook(VideoTest):
    async def test_audio_on_from_the_called_speaker_is_ready(self):
        chair, jp = self.c["chair"], self.ids["japan"]
        await self.c["japan"].ok("floor.request", meeting=self.mid, kind="statement")
        await self.c["kenya"].ok("floor.request", meeting=self.mid, kind="statement")
        await chair.ok("floor.next", meeting=self.mid)
        # Kenya's microphone is nothing to Japan's floor
        status, body = signed(self.server, {"meeting": self.mid, "participant":
                                            self.ids["kenya"], "event": "audio_on"})
        self.assertEqual((status, json.loads(body)["applied"]), (200, "ignored"))
        status, body = signed(self.server, {"meeting": self.mid, "participant": jp,
                                            "event": "audio_on"})
        self.assertEqual((status, json.loads(body)["applied"]), (200, "ready"))
        ev = await chair.wait_for(lambda: [e for e in seq_events(chair)
                                           if e["ev"] == "floor.changed"
                                           and e["floor"]["phase"] == "speaking"])
        self.assertIsNotNone(ev[-1]["floor"]["running_since"])
        # audio_on again while speaking: no second start
        status, body = signed(self.server, {"meeting": self.mid, "participant": jp,
                                            "event": "audio_on"})
        self.assertEqual(json.loads(body)["applied"], "ignored")
        # joined and left, signed: presence, then the pause
        self.assertEqual(signed(self.server, {"meeting": self.mid, "participant": jp,
                                              "event": "joined"})[0], 200)
        status, body = signed(self.server, {"meeting": self.mid, "participant": jp,
                                            "event": "left"})
        self.assertEqual(json.loads(body)["applied"], "paused")
        st = (await chair.ok("meeting.join", meeting=self.mid, presence="room"))["state"]
        self.assertEqual(st["floor"]["pause_reason"], "disconnected")


class HooksOverTLS(VideoTest):
    """The same hooks through TLS, where lws reads the request itself."""

    def setUp(self):
        self.server = Server(*self.server_args, tls=make_cert()).start()

    async def test_jitsi_hook_and_large_body_over_tls(self):
        jp = self.ids["japan"]
        pad = "x" * 30000
        payload = occupant("j", "muc-occupant-joined", self.room, jp, "Japan")
        payload["occupant"]["name"] = pad  # what event_sync sends beyond ours is ignored
        status, body = jitsi_event(self.server, "occupant/joined", payload)
        self.assertEqual((status, json.loads(body)["applied"]), (200, "presence"))
        chair = self.c["chair"]
        await chair.wait_for(lambda: [e for e in chair.seen if e["ev"] == "presence"
                                      and e["participant"] == jp and e["video"]])
        body = json.dumps({"meeting": self.mid, "participant": jp, "event": "left"}).encode()
        sig = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.assertEqual(post(self.server, "/hooks/video", body,
                              {"X-Plenary-Signature": "sha256=" + sig.upper()})[0], 200)
        self.assertEqual(post(self.server, "/hooks/video", body,
                              {"X-Plenary-Signature": "sha256=" + "0" * 64})[0], 401)


if __name__ == "__main__":
    main()
