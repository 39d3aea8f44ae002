"""Reading on under TLS (server/app/read_on.c): requests a client sent
together are all handled in the loop turn they arrived in, as on a plain
socket, not one TLS record a turn.

The client here is a raw socket under an ssl.SSLObject, so that the test
decides what goes in one TCP write and sees each TLS record that comes back.
Replies made in one turn leave in one write (the coalescing of issue 20), so
"handled in one turn" is seen from outside as "answered in one record"."""

import base64
import json
import os
import socket
import ssl
import struct
import time

from harness import Server, ServerTest, make_cert, main

APPLICATION_DATA = 23


class TlsWire:
    """A WebSocket client whose TLS records are written and read by hand."""

    def __init__(self, server):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = server.ssl_context().wrap_bio(self.inc, self.out, server_side=False)
        self.raw = b""  # bytes read from the socket and not yet split into records
        self.plain = b""  # decrypted bytes not yet split into frames
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.flush()
                self.feed_one_read()
        self.flush()
        key = base64.b64encode(os.urandom(16)).decode()
        self.send_plain(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: plenary.v1\r\n\r\n"
                         % key).encode())
        while b"\r\n\r\n" not in self.plain:
            self.read_records()
        head, self.plain = self.plain.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def flush(self):
        data = self.out.read()
        if data:
            self.sock.sendall(data)

    def feed_one_read(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.inc.write(data)

    def send_plain(self, data):
        self.tls.write(data)
        self.flush()

    def read_records(self):
        """Reads from the socket once; decrypts every whole record and returns
        how many application-data records there were."""
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.raw += data
        count = 0
        while len(self.raw) >= 5:
            kind, _, length = struct.unpack("!BHH", self.raw[:5])
            if len(self.raw) < 5 + length:
                break
            record, self.raw = self.raw[:5 + length], self.raw[5 + length:]
            count += kind == APPLICATION_DATA
            self.inc.write(record)
        while True:
            try:
                self.plain += self.tls.read(65536)
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                break
        return count

    @staticmethod
    def frame(obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + struct.pack("!H", n))
        return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

    def burst(self, requests):
        """Each request its own TLS record, all of them in one TCP write."""
        for r in requests:
            self.tls.write(self.frame(r))
        self.flush()

    def take_frames(self):
        """(opcode, payload) of each whole frame received."""
        frames = []
        while len(self.plain) >= 2:
            n = self.plain[1] & 0x7F
            at = 2
            if n == 126:
                n, at = struct.unpack("!H", self.plain[2:4])[0], 4
            elif n == 127:
                n, at = struct.unpack("!Q", self.plain[2:10])[0], 10
            if len(self.plain) < at + n:
                break
            frames.append((self.plain[0] & 0x0F, self.plain[at:at + n]))
            self.plain = self.plain[at + n:]
        return frames

    def take_messages(self):
        return [json.loads(p) for op, p in self.take_frames() if op == 1]

    def answers(self, n, timeout=10):
        """The next n replies, and the application-data records they came in."""
        got, records = [], 0
        deadline = time.monotonic() + timeout
        while len(got) < n:
            if time.monotonic() > deadline:
                raise AssertionError("%d of %d replies" % (len(got), n))
            records += self.read_records()
            got += [m for m in self.take_messages() if "re" in m]
        return got, records

    def close(self):
        self.sock.close()


class ReadOnTest(ServerTest):
    def setUp(self):
        self.server = Server(tls=make_cert()).start()
        self.wire = TlsWire(self.server)
        self.wire.burst([{"op": "hello", "id": 1, "token": self.server.admin_token}])
        (hello,), _ = self.wire.answers(1)
        self.assertTrue(hello["ok"], hello)
        # TLS 1.3 tickets and the like are behind us: what comes next is replies
        time.sleep(0.2)

    def tearDown(self):
        self.wire.close()
        super().tearDown()

    def burst_answered(self, n, first_id):
        """n delegation.list in one write, each answered, in order: the
        application-data records the answers came in."""
        asks = [{"op": "delegation.list", "id": first_id + i} for i in range(n)]
        self.wire.burst(asks)
        replies, records = self.wire.answers(n)
        self.assertEqual([r["re"] for r in replies], [a["id"] for a in asks])
        self.assertTrue(all(r["ok"] for r in replies), replies)
        return records

    def test_a_burst_is_answered_in_the_turn_it_came(self):
        records = self.burst_answered(5, 10)
        # one record: the five were read in one turn, and their replies left in
        # that turn's one write (one record a turn, five records, without it)
        self.assertEqual(records, 1)

    def test_a_longer_burst_is_all_answered_in_order(self):
        # past the rounds one turn reads: the rest waits for the next turn,
        # nothing is lost or reordered
        self.assertLess(self.burst_answered(30, 100), 30)

    def test_a_bad_frame_in_a_burst_closes_only_that_connection(self):
        other = TlsWire(self.server)
        try:
            self.wire.tls.write(self.wire.frame({"op": "delegation.list", "id": 7}))
            self.wire.tls.write(bytes([0x82, 0x80, 0, 0, 0, 0]))  # binary: refused with 1003
            self.wire.tls.write(self.wire.frame({"op": "delegation.list", "id": 8}))
            self.wire.flush()
            frames = []
            deadline = time.monotonic() + 10
            while 8 not in [op for op, _ in frames] and time.monotonic() < deadline:
                self.wire.read_records()
                frames += self.wire.take_frames()
            close = [p for op, p in frames if op == 8]
            self.assertTrue(close, "the connection that sent a binary frame stays open")
            self.assertEqual(struct.unpack("!H", close[0][:2])[0], 1003)
            # the request before the bad frame was answered, the one after it not
            answered = [json.loads(p)["re"] for op, p in frames if op == 1]
            self.assertEqual(answered, [7])
            other.burst([{"op": "hello", "id": 1, "token": self.server.admin_token}])
            (hello,), _ = other.answers(1)
            self.assertTrue(hello["ok"], hello)
        finally:
            other.close()


if __name__ == "__main__":
    main()
