/*
 * loadgen: opens N WebSocket clients to a Plenary server (or to the bench peer or the
 * send() floor, which speak the same subset), has a chair make floor changes, and times
 * when every client receives each resulting event, against one CLOCK_MONOTONIC clock.
 *
 * Why a plain epoll client with hand-written framing rather than the lws client: the
 * generator shares a 2-core machine with the server it measures, so what it spends per
 * received frame is taken from the server and shows up as latency. The figures we
 * compare against (LIBRARY-NOTES section 8) were taken with an epoll client; measured
 * here against tools/floor at N = 1,000 and 2,000 (docs/PERFORMANCE.md), the lws 4.1.6
 * client, with libev or poll, spent 4-9.5 us of CPU per received frame against this
 * one's 3-4, and the floor looked up to twice as slow through it. Spreading 20,000
 * connections over 127.0.0.x is one setsockopt (IP_BIND_ADDRESS_NO_PORT) here. The
 * client side of RFC 6455 we need is small: one fixed upgrade request, masked text
 * frames out, unmasked frames in, pong. The generator prints its own CPU per receipt,
 * so its distortion is visible, not assumed.
 *
 * Replies and setup go through jansson (not timed); events on the timed path are
 * scanned for "ev" and "seq" only, so a receipt costs a recv() and two memmem()s.
 *
 * With --arrival the reads go through loadgen_arrival.c, which keeps the kernel's stamps.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void say_error(struct conn *c, const char *what)
{
	/* A few lines tell the story; ten thousand would bury it. */
	if (++g.errors <= 10)
		fprintf(stderr, "loadgen: %s %d: %s\n", (const char *[]){ "secretariat",
			"chair", "delegate", "viewer" }[c->role], c->vi, what);
}

static void conn_drop_tls(struct conn *c)
{
	SSL_free(c->ssl); /* no close_notify: the benchmark's end, or a failure */
	c->ssl = NULL;
}

static void conn_fail(struct conn *c, const char *why)
{
	if (c->st == S_DEAD)
		return;
	if (c->role == R_VIEWER) {
		if (c->st == S_READY)
			g.ready--;
		else
			g.inflight--;
		g.dead++;
	}
	say_error(c, why);
	conn_drop_tls(c);
	close(c->fd);
	c->st = S_DEAD;
	free(c->rbuf); free(c->msg); free(c->wbuf);
	c->rbuf = c->msg = c->wbuf = NULL;
	c->rlen = c->rcap = c->mlen = c->wlen = c->wcap = 0;
}

void conn_close(struct conn *c)
{
	if (c->st == S_DEAD)
		return;
	conn_drop_tls(c);
	close(c->fd);
	c->st = S_DEAD;
	free(c->rbuf); free(c->msg); free(c->wbuf);
	c->rbuf = c->msg = c->wbuf = NULL;
}

static void arm_out(struct conn *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.ptr = c };
	if (c->out_armed != on && epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->out_armed = on;
}

/*
 * One write of what is pending: bytes taken, 0 when the socket (or, under TLS,
 * the record being sent) must wait for POLLOUT, -1 with the connection failed.
 * A TLS record that could not go whole stays inside OpenSSL and is retried with
 * the same bytes, which are still at the head of wbuf (partial writes and a
 * moving buffer are allowed on the context).
 */
static ssize_t io_write(struct conn *c, const char *p, size_t len)
{
	if (!c->ssl) {
		ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL);
		if (w >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
			return w < 0 ? 0 : w;
		conn_fail(c, strerror(errno));
		return -1;
	}
	int w = SSL_write(c->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);
	if (w > 0)
		return w;
	int e = SSL_get_error(c->ssl, w);
	if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
		return 0;
	conn_fail(c, "TLS write failed");
	return -1;
}

static void flush_out(struct conn *c)
{
	while (c->wlen > 0 && c->st != S_CONNECTING && c->st != S_TLS) {
		ssize_t w = io_write(c, c->wbuf, c->wlen);
		if (w < 0)
			return;
		if (w == 0)
			break;
		memmove(c->wbuf, c->wbuf + w, c->wlen - (size_t)w);
		c->wlen -= (size_t)w;
	}
	arm_out(c, c->wlen > 0 || c->st == S_CONNECTING || c->st == S_TLS);
}

/* Drives the client handshake; once it is done the upgrade request (already in
 * wbuf) goes out. */
static void tls_step(struct conn *c)
{
	int r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->st = S_UPGRADING;
		flush_out(c);
		return;
	}
	int e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		arm_out(c, e == SSL_ERROR_WANT_WRITE);
		return;
	}
	char why[160] = "TLS handshake failed: ";
	ERR_error_string_n(ERR_get_error(), why + strlen(why), sizeof why - strlen(why));
	ERR_clear_error();
	conn_fail(c, why);
}

void tls_client_init(void)
{
	/* The generator is not what is measured: a test certificate is taken as is,
	 * and buffers are released when idle so that 20,000 clients stay small. */
	g.tls_ctx = SSL_CTX_new(TLS_client_method());
	if (!g.tls_ctx) {
		fprintf(stderr, "loadgen: cannot create a TLS context\n");
		exit(1);
	}
	SSL_CTX_set_verify(g.tls_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(g.tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(g.tls_ctx, SSL_SESS_CACHE_OFF);
}

static void out_append(struct conn *c, const void *p, size_t len)
{
	if (c->wlen + len > c->wcap) {
		size_t cap = (c->wlen + len) * 2;
		char *nb = realloc(c->wbuf, cap);
		if (!nb) { perror("realloc"); exit(1); }
		c->wbuf = nb;
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, p, len);
	c->wlen += len;
}

/* Client frames must be masked (RFC 6455 5.3); the key is random per frame. */
static void ws_send(struct conn *c, unsigned opcode, const char *p, size_t len)
{
	unsigned char h[14];
	size_t hl = 2;
	uint32_t key = (uint32_t)random();
	unsigned char *k;
	h[0] = (unsigned char)(0x80u | opcode);
	if (len < 126) {
		h[1] = (unsigned char)(0x80u | len);
	} else if (len < 65536) {
		h[1] = 0x80 | 126;
		h[2] = (unsigned char)(len >> 8); h[3] = (unsigned char)len;
		hl = 4;
	} else {
		h[1] = 0x80 | 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
		hl = 10;
	}
	memcpy(h + hl, &key, 4);
	k = h + hl;
	hl += 4;
	out_append(c, h, hl);
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)(p[i] ^ k[i & 3]);
		out_append(c, &b, 1);
	}
	flush_out(c);
}

void ws_send_text(struct conn *c, const char *p, size_t len)
{
	ws_send(c, 0x1, p, len);
}

/* Sends a request; steals req; returns the id its reply will carry. */
uint32_t send_req(struct conn *c, json_t *req)
{
	uint32_t id = ++g.next_id;
	char *s;
	json_object_set_new(req, "id", json_integer(id));
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!s) { fprintf(stderr, "loadgen: json_dumps failed\n"); exit(1); }
	ws_send(c, 0x1, s, strlen(s));
	free(s);
	return id;
}

/* Finds `"key":` in a compact or spaced JSON text and returns the value's first byte. */
static const char *scan_key(const char *p, size_t len, const char *qkey)
{
	const char *end = p + len, *q = p;
	size_t kl = strlen(qkey);
	while (q < end && (q = memmem(q, (size_t)(end - q), qkey, kl)) != NULL) {
		const char *r = q + kl;
		while (r < end && *r == ' ')
			r++;
		if (r < end && *r == ':') {
			for (r++; r < end && *r == ' '; r++)
				;
			return r;
		}
		q += kl;
	}
	return NULL;
}

static void on_event_fast(struct conn *c, const char *p, size_t len, uint64_t now)
{
	const char *sv = scan_key(p, len, "\"seq\""), *ev = scan_key(p, len, "\"ev\"");
	size_t el = strlen(g.ev_name);
	if (sv && g.on_viewer_event) { /* the storm or many meetings: every logged event */
		g.on_viewer_event(c, strtoll(sv, NULL, 10), now);
		return;
	}
	if (sv) {
		int64_t seq = strtoll(sv, NULL, 10);
		if (c->last_seq >= 0 && seq != c->last_seq + 1) {
			char why[96];
			snprintf(why, sizeof why, "seq %lld after %lld", (long long)seq,
				 (long long)c->last_seq);
			say_error(c, why);
		}
		c->last_seq = seq;
	}
	if (ev && (size_t)(p + len - ev) > el + 1 && ev[0] == '"' &&
	    memcmp(ev + 1, g.ev_name, el) == 0 && ev[el + 1] == '"') {
		if (!g.measuring || c->got >= (uint32_t)g.nchanges) {
			say_error(c, "measured event outside a change");
			return;
		}
		g.rx_ns[(size_t)c->got * (size_t)g.n + (size_t)c->vi] = now;
		g.recv_count[c->got]++;
		c->got++;
		g.ev_bytes = len;
	}
}

static void on_message(struct conn *c, const char *p, size_t len, uint64_t now)
{
	json_t *j, *re;
	json_error_t err;
	if (c->role == R_VIEWER && c->st == S_READY) {
		on_event_fast(c, p, len, now);
		return;
	}
	/* The rush's delegates (vi >= 0) need their replies only: every event of the
	 * rush reaches each of them too, and parsing them would cost the server time. */
	if (c->role == R_DELEGATE && c->vi >= 0 && c->st == S_READY && !memmem(p, len, "\"re\"", 4))
		return;
	j = json_loadb(p, len, 0, &err);
	if (!j || !json_is_object(j)) {
		say_error(c, "a frame that is not a JSON object");
		json_decref(j);
		return;
	}
	re = json_object_get(j, "re");
	if (!re) {
		json_t *seq = json_object_get(j, "seq");
		if (c->role == R_CHAIR && json_is_integer(seq) && json_integer_value(seq) > g.chair_seq)
			g.chair_seq = json_integer_value(seq);
		const char *ev = json_string_value(json_object_get(j, "ev"));
		if (c->role == R_CHAIR && g.on_chair_event && ev && strcmp(ev, g.ev_name) == 0)
			g.on_chair_event(json_integer_value(seq));
		if (c->role == R_VIEWER && json_is_integer(seq))
			say_error(c, "an event before the join reply");
		json_decref(j);
		return;
	}
	uint32_t id = (uint32_t)json_integer_value(re);
	bool ok = json_is_true(json_object_get(j, "ok"));
	if (c->st == S_HELLO && id == c->hello_id) {
		if (!ok) {
			conn_fail(c, "hello refused");
		} else if (c->role == R_VIEWER) {
			c->st = S_JOIN;
			c->join_id = send_req(c, json_pack("{s:s, s:s, s:s}", "op", "meeting.join",
							   "meeting", c->meeting ? c->meeting : g.meeting,
							   "presence", "remote"));
		} else {
			c->st = S_READY;
		}
	} else if (c->st == S_JOIN && id == c->join_id) {
		json_t *seq = json_object_get(json_object_get(j, "state"), "seq");
		if (!ok || !json_is_integer(seq)) {
			conn_fail(c, "meeting.join refused or no state.seq");
		} else {
			c->last_seq = json_integer_value(seq);
			c->st = S_READY;
			c->ready_ns = now;
			g.inflight--;
			g.ready++;
		}
	} else if (c->role != R_VIEWER) {
		if (id >= g.nreplies) {
			uint32_t nn = id * 2 + 64;
			json_t **nr = realloc(g.replies, nn * sizeof *nr);
			if (!nr) { perror("realloc"); exit(1); }
			memset(nr + g.nreplies, 0, (nn - g.nreplies) * sizeof *nr);
			g.replies = nr;
			g.nreplies = nn;
		}
		g.replies[id] = json_incref(j);
	}
	json_decref(j);
}

/* Parses what arrived; returns how many bytes were used (the rest waits for more). */
static size_t conn_parse(struct conn *c, char *p, size_t len, uint64_t now)
{
	size_t off = 0;
	if (c->st == S_UPGRADING) {
		char *e = memmem(p, len, "\r\n\r\n", 4);
		if (!e)
			return len > 8192 ? (conn_fail(c, "upgrade response too long"), len) : 0;
		if (len < 12 || memcmp(p, "HTTP/1.1 101", 12) != 0) {
			conn_fail(c, "upgrade refused");
			return len;
		}
		off = (size_t)(e + 4 - p);
		c->st = S_HELLO;
		c->hello_id = send_req(c, json_pack("{s:s, s:s}", "op", "hello", "token", c->tok));
	}
	while (c->st != S_DEAD && len - off >= 2) {
		unsigned char *h = (unsigned char *)p + off;
		unsigned opcode = h[0] & 0x0fu;
		bool fin = h[0] & 0x80u, masked = h[1] & 0x80u;
		uint64_t plen = h[1] & 0x7fu;
		size_t hl = 2;
		if (plen == 126) {
			if (len - off < 4) break;
			plen = (uint64_t)h[2] << 8 | h[3];
			hl = 4;
		} else if (plen == 127) {
			if (len - off < 10) break;
			plen = 0;
			for (int i = 0; i < 8; i++)
				plen = plen << 8 | h[2 + i];
			hl = 10;
		}
		if (masked)
			hl += 4;
		if (plen > (1u << 24)) { conn_fail(c, "frame too large"); return len; }
		if (len - off < hl + plen)
			break;
		char *pl = p + off + hl;
		if (masked)
			for (size_t i = 0; i < plen; i++)
				pl[i] ^= (char)h[hl - 4 + (i & 3)];
		if (opcode == 0x1 || opcode == 0x0) {
			if (fin && c->mlen == 0) {
				on_message(c, pl, (size_t)plen, now);
			} else {
				char *nm = realloc(c->msg, c->mlen + (size_t)plen + 1);
				if (!nm) { perror("realloc"); exit(1); }
				memcpy(nm + c->mlen, pl, (size_t)plen);
				c->msg = nm;
				c->mlen += (size_t)plen;
				if (fin) {
					on_message(c, c->msg, c->mlen, now);
					free(c->msg);
					c->msg = NULL;
					c->mlen = 0;
				}
			}
		} else if (opcode == 0x8) {
			char why[200];
			unsigned code = plen >= 2 ? (unsigned)((unsigned char)pl[0] << 8 | (unsigned char)pl[1]) : 0;
			int rl = plen > 2 ? (int)(plen - 2 < 120 ? plen - 2 : 120) : 0;
			snprintf(why, sizeof why, "server closed the connection (%u %.*s)", code, rl,
				 plen > 2 ? pl + 2 : "");
			conn_fail(c, why);
			return len;
		} else if (opcode == 0x9) {
			ws_send(c, 0xA, pl, (size_t)plen);
			g.pings++;
		}
		off += hl + (size_t)plen;
	}
	return off;
}

static void conn_read(struct conn *c, uint64_t now)
{
	static char buf[65536];
	if (c->st == S_TLS) {
		tls_step(c);
		if (c->st != S_UPGRADING)
			return;
	}
	/* Under TLS, OpenSSL may hold decrypted records the socket no longer shows
	 * as readable: read until it wants more, not a fixed number of rounds. */
	for (int round = 0; (c->ssl || round < 8) && c->st != S_DEAD; round++) {
		ssize_t r;
		if (c->ssl) {
			int n = SSL_read(c->ssl, buf, (int)sizeof buf);
			int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, n);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				return;
			if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && n == 0)) {
				conn_fail(c, "server closed the socket");
				return;
			}
			if (e != SSL_ERROR_NONE) {
				ERR_clear_error();
				conn_fail(c, "TLS read failed");
				return;
			}
			r = n;
		} else {
			r = g.arrival ? recv_stamped(c, buf, sizeof buf) : recv(c->fd, buf, sizeof buf, 0);
			if (r == 0) { conn_fail(c, "server closed the socket"); return; }
			if (r < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					conn_fail(c, strerror(errno));
				return;
			}
		}
		/* With --arrival: the stamp of the newest segment read so far, which
		 * brought these bytes or came after them. Under TLS a read is one
		 * record; a plain read takes what the socket holds, so frames that
		 * waited together are dated by the newest (the fan-out sends one
		 * change at a time; the rush's and the meetings' figures may be late
		 * by that much, never early). */
		uint64_t at = now;
		if (g.arrival && c->arrival_ns && c->arrival_ns <= now) {
			at = c->arrival_ns;
			if (c->role == R_VIEWER && c->st == S_READY)
				lag_add(now - at);
		}
		if (c->rlen == 0) {
			/* The usual case: whole frames in the stack buffer, no heap copy. */
			size_t used = conn_parse(c, buf, (size_t)r, at);
			if (c->st != S_DEAD && used < (size_t)r) {
				c->rcap = (size_t)r - used + 4096;
				c->rbuf = malloc(c->rcap);
				if (!c->rbuf) { perror("malloc"); exit(1); }
				c->rlen = (size_t)r - used;
				memcpy(c->rbuf, buf + used, c->rlen);
			}
		} else {
			if (c->rlen + (size_t)r > c->rcap) {
				size_t cap = (c->rlen + (size_t)r) * 2;
				char *nb = realloc(c->rbuf, cap);
				if (!nb) { perror("realloc"); exit(1); }
				c->rbuf = nb;
				c->rcap = cap;
			}
			memcpy(c->rbuf + c->rlen, buf, (size_t)r);
			c->rlen += (size_t)r;
			size_t used = conn_parse(c, c->rbuf, c->rlen, at);
			if (c->st == S_DEAD)
				return;
			memmove(c->rbuf, c->rbuf + used, c->rlen - used);
			c->rlen -= used;
			if (c->rlen == 0) {
				free(c->rbuf);
				c->rbuf = NULL;
				c->rcap = 0;
			}
		}
		if (!c->ssl && (size_t)r < sizeof buf)
			return;
	}
}

void conn_open(struct conn *c, enum role role, int vi, const char *tok)
{
	static char req[512];
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	int one = 1, n;
	memset(c, 0, sizeof *c);
	c->role = role; c->vi = vi; c->tok = tok; c->last_seq = -1;
	if (role == R_VIEWER && g.n_meetings > 0)
		c->meeting = g.meetings[vi % g.n_meetings];
	c->port = role == R_VIEWER && g.n_ports > 0 ? g.ports[vi % g.n_ports] : g.port;
	c->st = S_CONNECTING;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) { perror("loadgen: socket"); exit(1); }
	/* Spread over 127.0.0.2..9: one source address has only ~28k ephemeral ports. */
	src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)((vi < 0 ? 0 : vi) % 8));
	setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (g.arrival)
		setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	if (bind(c->fd, (struct sockaddr *)&src, sizeof src) < 0) { perror("loadgen: bind"); exit(1); }
	dst.sin_port = htons((uint16_t)c->port);
	if (inet_pton(AF_INET, g.host, &dst.sin_addr) != 1) {
		fprintf(stderr, "loadgen: --host must be an IPv4 loopback address\n");
		exit(2);
	}
	if (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) {
		perror("loadgen: connect");
		exit(1);
	}
	n = snprintf(req, sizeof req,
		     "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
		     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: plenary.v1\r\n\r\n",
		     g.host, c->port);
	out_append(c, req, (size_t)n);
	if (g.tls) {
		c->ssl = SSL_new(g.tls_ctx);
		if (!c->ssl || !tls_attach(c)) {
			fprintf(stderr, "loadgen: SSL_new failed\n");
			exit(1);
		}
		SSL_set_connect_state(c->ssl);
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	c->out_armed = true;
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) { perror("epoll_ctl"); exit(1); }
}

void pump(int timeout_ms)
{
	struct epoll_event evs[512];
	int n = epoll_wait(g.ep, evs, 512, timeout_ms);
	for (int i = 0; i < n; i++) {
		struct conn *c = evs[i].data.ptr;
		if (c->st == S_DEAD)
			continue;
		if (evs[i].events & EPOLLIN) {
			conn_read(c, now_ns());
		} else if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
			int e = 0;
			socklen_t el = sizeof e;
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
			conn_fail(c, e ? strerror(e) : "hang-up");
			continue;
		}
		if (c->st != S_DEAD && (evs[i].events & EPOLLOUT)) {
			if (c->st == S_CONNECTING)
				c->st = c->ssl ? S_TLS : S_UPGRADING;
			if (c->st == S_TLS)
				tls_step(c);
			else
				flush_out(c);
		}
	}
	if (now_ns() > g.deadline) {
		fprintf(stderr, "loadgen: --timeout reached\n");
		exit(1);
	}
}

/* Waits for the reply to request id on a control client; the caller owns the result. */
json_t *wait_reply(uint32_t id)
{
	uint64_t until = now_ns() + 30000000000u;
	while (id >= g.nreplies || !g.replies[id]) {
		if (now_ns() > until) {
			fprintf(stderr, "loadgen: no reply to request %u within 30 s\n", id);
			exit(1);
		}
		pump(10);
	}
	json_t *r = g.replies[id];
	g.replies[id] = NULL;
	return r;
}

/* One request, one checked reply: for setup, where a refusal means nothing else works. */
json_t *rpc(struct conn *c, json_t *req, const char *what)
{
	json_t *r = wait_reply(send_req(c, req));
	if (!json_is_true(json_object_get(r, "ok"))) {
		char *s = json_dumps(r, JSON_COMPACT);
		fprintf(stderr, "loadgen: %s refused: %s\n", what, s ? s : "?");
		exit(1);
	}
	return r;
}

char *take_str(json_t *r, const char *obj, const char *key)
{
	json_t *v = obj ? json_object_get(json_object_get(r, obj), key) : json_object_get(r, key);
	if (!json_is_string(v)) {
		fprintf(stderr, "loadgen: reply has no %s%s%s\n", obj ? obj : "", obj ? "." : "", key);
		exit(1);
	}
	char *s = strdup(json_string_value(v));
	json_decref(r);
	return s;
}

void wait_ctl_ready(struct conn *c)
{
	while (c->st != S_READY) {
		if (c->st == S_DEAD)
			exit(1);
		pump(10);
	}
}
