/*
 * floor: the send() floor of the fan-out benchmark (issue 6).
 *
 * A WebSocket server that does nothing but the least a broadcast must do: it answers the
 * subset of the Plenary contract that tools/loadgen speaks (hello, the setup ops with
 * made-up ids, meeting.join, floor.*) and, for each floor op, frames the event once and
 * write()s the same bytes to every joined socket in one loop of send() calls. No event
 * library, no per-client queue, no writeable callbacks: what a real server adds on top
 * of this is its own overhead, so plenaryd's and the Node peer's receipt times are read
 * against this one's, measured by the same generator on the same machine.
 *
 * It also prints the time its send() loop took, per broadcast, when it stops (SIGTERM):
 * that is the server-side floor, without the receiving side's scheduling.
 */
#define _GNU_SOURCE /* memmem, strcasestr, accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

struct client {
	bool up;          /* the upgrade is done */
	bool joined;      /* receives broadcasts */
	bool bad;         /* a reply failed: drop once parsing is over */
	int idx;          /* position in g_joined while joined */
	char *in;         /* owned: bytes not parsed yet */
	size_t inlen;
};

static struct client *g_cl;   /* owned: indexed by fd */
static int *g_joined;         /* owned: fds of joined clients */
static int g_njoined, g_maxfd, g_ep;
static long g_seq, g_ids, g_bcasts, g_short, g_sends;
static double g_loop_ms, g_loop_max;
static size_t g_payload = 200;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void drop(int fd)
{
	struct client *c = &g_cl[fd];
	if (c->joined) {
		int last = g_joined[--g_njoined];
		g_joined[c->idx] = last;
		g_cl[last].idx = c->idx;
	}
	free(c->in);
	memset(c, 0, sizeof *c);
	close(fd);
}

/* Server frames are unmasked: a header and the payload. Returns the frame length. */
static size_t frame(unsigned char *out, const char *p, size_t len)
{
	size_t hl = 2;
	out[0] = 0x81;
	if (len < 126) {
		out[1] = (unsigned char)len;
	} else {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		hl = 4;
	}
	memcpy(out + hl, p, len);
	return hl + len;
}

/* Small replies: a failed or short send of one is a dead client, not a case to queue. */
static void reply(int fd, const char *json)
{
	unsigned char buf[1024];
	size_t n = frame(buf, json, strlen(json));
	if (send(fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
		g_cl[fd].bad = true;
}

static void broadcast(const char *ev)
{
	static char pad[65536];
	static unsigned char fr[65536 + 8];
	char json[66000];
	long seq = ++g_seq;
	int n = snprintf(json, sizeof json, "{\"ev\":\"%s\",\"meeting\":\"m1\",\"seq\":%ld,"
			 "\"floor\":{\"paused\":%s,\"pad\":\"", ev, seq,
			 seq % 2 ? "true" : "false");
	size_t want = g_payload > (size_t)n + 3 ? g_payload - (size_t)n - 3 : 0;
	memset(pad, 'x', want < sizeof pad ? want : sizeof pad - 1);
	pad[want < sizeof pad ? want : sizeof pad - 1] = '\0';
	snprintf(json + n, sizeof json - (size_t)n, "%s\"}}", pad);
	size_t flen = frame(fr, json, strlen(json));
	double t = now_ms();
	/* The floor itself: the same bytes, one send() per client, nothing else. */
	for (int i = 0; i < g_njoined; i++)
		if (send(g_joined[i], fr, flen, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)flen)
			g_short++;
	t = now_ms() - t;
	g_sends += g_njoined;
	g_loop_ms += t;
	g_loop_max = t > g_loop_max ? t : g_loop_max;
	g_bcasts++;
}

/* Copies the raw JSON value of key (a number or a string, quotes kept) into out. */
static void raw_value(const char *p, size_t len, const char *qkey, char *out, size_t cap)
{
	const char *v = memmem(p, len, qkey, strlen(qkey)), *end = p + len, *e;
	snprintf(out, cap, "null");
	if (!v)
		return;
	for (v += strlen(qkey); v < end && (*v == ' ' || *v == ':'); v++)
		;
	if (v < end && *v == '"') {
		e = memchr(v + 1, '"', (size_t)(end - v - 1));
		e = e ? e + 1 : NULL;
	} else {
		for (e = v; e < end && *e != ',' && *e != '}' && *e != ' '; e++)
			;
	}
	if (e && (size_t)(e - v) < cap)
		snprintf(out, cap, "%.*s", (int)(e - v), v);
}

static void on_request(int fd, const char *p, size_t len)
{
	char id[64], op[64], out[512];
	raw_value(p, len, "\"id\"", id, sizeof id);
	raw_value(p, len, "\"op\"", op, sizeof op);
	if (strcmp(op, "\"hello\"") == 0) {
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true,\"participant\":{\"id\":\"p0\","
			 "\"role\":\"viewer\"},\"server_time\":0}", id);
	} else if (strcmp(op, "\"delegation.create\"") == 0) {
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true,\"delegation\":{\"id\":\"d%ld\"}}",
			 id, ++g_ids);
	} else if (strcmp(op, "\"participant.invite\"") == 0) {
		g_ids++;
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true,\"participant\":{\"id\":\"p%ld\"},"
			 "\"token\":\"t%ld\",\"feed\":\"f%ld\"}", id, g_ids, g_ids, g_ids);
	} else if (strcmp(op, "\"meeting.create\"") == 0) {
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true,\"meeting\":{\"id\":\"m1\"}}", id);
	} else if (strcmp(op, "\"meeting.join\"") == 0) {
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true,\"state\":{\"meeting\":{\"id\":"
			 "\"m1\"},\"seq\":%ld,\"floor\":null}}", id, g_seq);
		if (!g_cl[fd].joined) {
			g_cl[fd].joined = true;
			g_cl[fd].idx = g_njoined;
			g_joined[g_njoined++] = fd;
		}
	} else {
		snprintf(out, sizeof out, "{\"re\":%s,\"ok\":true}", id);
	}
	reply(fd, out);
	if (strncmp(op, "\"floor.", 7) == 0)
		broadcast(strcmp(op, "\"floor.request\"") == 0 ? "queue.added" : "floor.changed");
}

static bool upgrade(int fd, char *p, size_t len, size_t *used)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	char *e = memmem(p, len, "\r\n\r\n", 4), *k, keybuf[128], acc[64], resp[256];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (!e)
		return len < 8192;
	*e = '\0';
	k = strcasestr(p, "\r\nSec-WebSocket-Key:");
	if (!k)
		return false;
	k += 20;
	k += strspn(k, " ");
	int kl = (int)strcspn(k, "\r\n ");
	snprintf(keybuf, sizeof keybuf, "%.*s%s", kl, k, guid);
	EVP_Digest(keybuf, strlen(keybuf), md, &mdlen, EVP_sha1(), NULL);
	lws_b64_encode_string((const char *)md, (int)mdlen, acc, sizeof acc);
	int n = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
			 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
			 "Sec-WebSocket-Protocol: plenary.v1\r\n\r\n", acc);
	if (send(fd, resp, (size_t)n, MSG_NOSIGNAL) != n)
		return false;
	g_cl[fd].up = true;
	*used = (size_t)(e + 4 - p);
	return true;
}

/* Parses client frames (always masked); returns false when the client must go. */
static bool parse(int fd, char *p, size_t len, size_t *used)
{
	size_t off = 0;
	if (!g_cl[fd].up) {
		if (!upgrade(fd, p, len, &off))
			return false;
		if (!g_cl[fd].up) {
			*used = 0;
			return true;
		}
	}
	while (len - off >= 6) {
		unsigned char *h = (unsigned char *)p + off;
		size_t plen = h[1] & 0x7fu, hl = 6;
		if (plen == 126) {
			if (len - off < 8)
				break;
			plen = (size_t)h[2] << 8 | h[3];
			hl = 8;
		} else if (plen == 127) {
			return false; /* no request of this subset is that large */
		}
		if (len - off < hl + plen)
			break;
		char *pl = p + off + hl;
		for (size_t i = 0; i < plen; i++)
			pl[i] ^= (char)h[hl - 4 + (i & 3)];
		if ((h[0] & 0x0f) == 0x8)
			return false;
		if ((h[0] & 0x0f) == 0x1)
			on_request(fd, pl, plen);
		if (g_cl[fd].bad)
			return false;
		off += hl + plen;
	}
	*used = off;
	return true;
}

static void on_readable(int fd)
{
	char buf[16384];
	ssize_t r = recv(fd, buf, sizeof buf, 0);
	struct client *c = &g_cl[fd];
	size_t used = 0;
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			drop(fd);
		return;
	}
	char *nb = realloc(c->in, c->inlen + (size_t)r);
	if (!nb) { perror("realloc"); exit(1); }
	c->in = nb;
	memcpy(c->in + c->inlen, buf, (size_t)r);
	c->inlen += (size_t)r;
	if (!parse(fd, c->in, c->inlen, &used)) {
		drop(fd);
		return;
	}
	memmove(c->in, c->in + used, c->inlen - used);
	c->inlen -= used;
	if (c->inlen == 0) {
		free(c->in);
		c->in = NULL;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rlimit rl;
	int port = 0, one = 1, ch, lfd;
	while ((ch = getopt(argc, argv, "p:s:")) != -1) {
		if (ch == 'p')
			port = atoi(optarg);
		else if (ch == 's')
			g_payload = (size_t)strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: floor -p PORT [-s EVENT_BYTES]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || g_payload > 60000) {
		fprintf(stderr, "floor: -p PORT is required; -s at most 60000\nusage: floor -p PORT [-s EVENT_BYTES]\n");
		return 2;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	g_maxfd = (int)rl.rlim_cur;
	g_cl = calloc((size_t)g_maxfd, sizeof *g_cl);
	g_joined = calloc((size_t)g_maxfd, sizeof *g_joined);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_port = htons((uint16_t)port);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4096) < 0) {
		perror("floor: bind/listen");
		return 1;
	}
	g_ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN, .data.fd = lfd };
	epoll_ctl(g_ep, EPOLL_CTL_ADD, lfd, &lev);
	printf("floor: listening on 127.0.0.1:%d, pid %d\n", port, (int)getpid());
	fflush(stdout);

	while (!g_stop) {
		struct epoll_event evs[256];
		int n = epoll_wait(g_ep, evs, 256, 200);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd != lfd) {
				on_readable(fd);
				continue;
			}
			for (int cfd; (cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
				struct epoll_event ev = { .events = EPOLLIN, .data.fd = cfd };
				setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				if (cfd >= g_maxfd || epoll_ctl(g_ep, EPOLL_CTL_ADD, cfd, &ev) < 0)
					close(cfd);
			}
		}
	}
	printf("floor: %ld broadcasts, %ld sends, send() loop mean %.2f ms max %.2f ms "
	       "(%.2f us per send), %ld short sends\n", g_bcasts, g_sends,
	       g_bcasts ? g_loop_ms / (double)g_bcasts : 0, g_loop_max,
	       g_sends ? g_loop_ms * 1e3 / (double)g_sends : 0, g_short);
	return 0;
}
