/*
 * loadgen_extra: the measurements of issue 6 besides the fan-out, and the pipelined
 * setup they share with it.
 *
 * - pipelined(): plenaryd allows a session a burst of 60 requests, then 30 a second
 *   (server/ops/dispatch.c), so bulk setup is spread over several sessions, 50 requests each,
 *   pipelined; a rate_limited reply is simply sent again.
 * - extra_ical(): an iCalendar feed of K meetings: creates them, then times GET
 *   /calendar/{feed}.ics with the chair's feed key (the chair may attend all of them).
 * - extra_events() and extra_join_time(): a restart that loads E logged events. The
 *   first logs E events (queue.close / queue.open) over 200 meetings and saves one
 *   meeting and the chair's token; the second, started right after the server is
 *   restarted on the same database, times how long the server takes to accept, to
 *   answer hello and to return that meeting's state.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

#define PER_SESSION 50
#define MAX_SESSIONS 512

double pipelined(int k, const char *tok, json_t *(*make)(int i, void *arg),
		 void (*done)(int i, json_t *r, void *arg), void *arg, int *retries)
{
	int ns = (k + PER_SESSION - 1) / PER_SESSION, got = 0, next = 0;
	uint64_t t = now_ns();
	ns = ns > MAX_SESSIONS ? MAX_SESSIONS : ns < 1 ? 1 : ns;
	struct conn *s = calloc((size_t)ns, sizeof *s);
	uint32_t *ids = calloc((size_t)k, sizeof *ids);
	if (!s || !ids) { perror("calloc"); exit(1); }
	for (int i = 0; i < ns; i++)
		conn_open(&s[i], R_ADMIN, i, tok);
	for (int i = 0; i < ns; i++)
		wait_ctl_ready(&s[i]);
	while (got < k) {
		while (next < k && next - got < 64 * ns) {
			ids[next] = send_req(&s[next % ns], make(next, arg));
			next++;
		}
		json_t *r = wait_reply(ids[got]);
		const char *code = json_string_value(json_object_get(json_object_get(r, "error"), "code"));
		if (code && strcmp(code, "rate_limited") == 0) {
			/* Another session may have tokens left; a short pause lets buckets refill. */
			json_decref(r);
			(*retries)++;
			pump(*retries % 64 == 0 ? 20 : 0);
			ids[got] = send_req(&s[(got + *retries) % ns], make(got, arg));
			continue;
		}
		if (!json_is_true(json_object_get(r, "ok"))) {
			char *txt = json_dumps(r, JSON_COMPACT);
			fprintf(stderr, "loadgen: request %d refused: %s\n", got, txt ? txt : "?");
			exit(1);
		}
		if (done)
			done(got, r, arg);
		json_decref(r);
		got++;
	}
	for (int i = 0; i < ns; i++)
		conn_close(&s[i]);
	free(ids);
	free(s);
	return (double)(now_ns() - t) / 1e9;
}

json_t *make_meeting(int i, void *arg)
{
	char title[48], start[32], end[32];
	(void)arg;
	/* One a day from 2027-01-04, weekday or not: the feed lists them all. */
	struct tm tm = { .tm_year = 127, .tm_mon = 0, .tm_mday = 4 + i, .tm_hour = 12 };
	timegm(&tm);
	snprintf(title, sizeof title, "Bench meeting %d", i);
	strftime(start, sizeof start, "%Y-%m-%dT10:00", &tm);
	strftime(end, sizeof end, "%Y-%m-%dT13:00", &tm);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "op", "meeting.create",
			 "title", title, "kind", "thematic", "format", "hybrid", "tz",
			 i % 2 ? "America/New_York" : "Europe/Zurich", "start", start, "end", end,
			 "chair", g.chair_id);
}

/* A blocking HTTP/1.0 GET; returns the body's length, or -1. */
static long http_get(const char *path, int *status)
{
	static char buf[1 << 22];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	struct timeval tv = { 10, 0 };
	char req[512];
	size_t len = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, g.host, &a.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
			 path, g.host);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return -1;
	}
	long clen = -1;
	char *body = NULL;
	while (len < sizeof buf - 1 && (r = recv(fd, buf + len, sizeof buf - 1 - len, 0)) > 0) {
		len += (size_t)r;
		buf[len] = '\0';
		if (!body && (body = strstr(buf, "\r\n\r\n")) != NULL) {
			char *cl = strcasestr(buf, "\r\ncontent-length:");
			body += 4;
			clen = cl && cl < body ? strtol(cl + 17, NULL, 10) : -1;
			*status = (int)strtol(buf + 9, NULL, 10);
		}
		if (body && clen >= 0 && (long)(len - (size_t)(body - buf)) >= clen)
			break;
	}
	close(fd);
	return body ? (long)(len - (size_t)(body - buf)) : -1;
}

void extra_ical(int k)
{
	int retries = 0, status = 0;
	char path[256];
	double ms[7];
	long bytes = 0;
	double dt = pipelined(k, g.admin_tok, make_meeting, NULL, NULL, &retries);
	printf("%s: created %d meetings in %.2f s (%.0f/s)\n", g.label, k, dt, k / dt);
	snprintf(path, sizeof path, "/calendar/%s.ics", g.chair_feed);
	for (int i = 0; i < 7; i++) {
		uint64_t t = now_ns();
		bytes = http_get(path, &status);
		ms[i] = (double)(now_ns() - t) / 1e6;
	}
	qsort(ms, 7, sizeof ms[0], cmp_dbl);
	printf("%s: iCalendar feed of %d meetings: HTTP %d, %ld bytes, median %.1f ms, "
	       "min %.1f, max %.1f (7 fetches)\n", g.label, k + 1, status, bytes, ms[3], ms[0], ms[6]);
	printf("RESULT_ICAL label=%s meetings=%d bytes=%ld median_ms=%.1f\n", g.label, k + 1,
	       bytes, ms[3]);
}

/*
 * E events over EV_SESSIONS meetings, one chair session joined to each, alternating
 * queue.close and queue.open: each is an event, each session's requests are processed
 * in order so the alternation never conflicts, and each event goes to one session only.
 * Sessions are paced under the server's 30 requests a second, so nothing is refused.
 */
#define EV_SESSIONS 200
#define EV_PER_S 25

static json_t *make_ev_meeting(int i, void *arg)
{
	json_t *m = make_meeting(i, arg);
	json_object_set_new(m, "title", json_string("Bench event log"));
	return m;
}

static void got_meeting(int i, json_t *r, void *arg)
{
	((char **)arg)[i] = take_str(json_incref(r), "meeting", "id");
}

void extra_events(long e, const char *save)
{
	int retries = 0, ns = EV_SESSIONS;
	char **ids = calloc(EV_SESSIONS, sizeof *ids);
	struct conn *s = calloc(EV_SESSIONS, sizeof *s);
	long *sent = calloc(EV_SESSIONS, sizeof *sent), total = 0, per = (e + ns - 1) / ns;
	uint32_t *last = calloc(EV_SESSIONS, sizeof *last);
	if (!ids || !s || !sent || !last) { perror("calloc"); exit(1); }
	pipelined(ns, g.admin_tok, make_ev_meeting, got_meeting, ids, &retries);
	for (int j = 0; j < ns; j++)
		conn_open(&s[j], R_CHAIR, j, g.chair_tok);
	for (int j = 0; j < ns; j++) {
		wait_ctl_ready(&s[j]);
		json_decref(rpc(&s[j], json_pack("{s:s, s:s, s:s}", "op", "meeting.join",
			"meeting", ids[j], "presence", "remote"), "meeting.join"));
	}
	uint64_t t = now_ns();
	while (total < e) {
		/* Each session may be EV_PER_S a second ahead of the start, never more. */
		long allowed = 1 + (long)((double)(now_ns() - t) / 1e9 * EV_PER_S);
		for (int j = 0; j < ns && total < e; j++) {
			if (sent[j] >= per || sent[j] >= allowed)
				continue;
			last[j] = send_req(&s[j], json_pack("{s:s, s:s}", "op", sent[j] % 2 ?
				"queue.open" : "queue.close", "meeting", ids[j]));
			sent[j]++;
			total++;
		}
		pump(2);
	}
	for (int j = 0; j < ns; j++) {
		json_t *r = wait_reply(last[j]);
		if (!json_is_true(json_object_get(r, "ok")))
			fprintf(stderr, "loadgen: a queue.open/close was refused\n");
		json_decref(r);
	}
	double dt = (double)(now_ns() - t) / 1e9;
	printf("%s: logged %ld events over %d meetings in %.2f s (%.0f/s)\n", g.label, total, ns,
	       dt, (double)total / dt);
	FILE *f = save ? fopen(save, "w") : NULL;
	if (f) {
		fprintf(f, "%s %s\n", ids[0], g.chair_tok);
		fclose(f);
	}
	for (int j = 0; j < ns; j++) {
		conn_close(&s[j]);
		free(ids[j]);
	}
	free(ids); free(s); free(sent); free(last);
}

int extra_join_time(const char *save)
{
	char meeting[128], tok[256];
	uint64_t t0 = now_ns(), t_acc, t_hello;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	FILE *f = fopen(save, "r");
	if (!f || fscanf(f, "%127s %255s", meeting, tok) != 2) {
		fprintf(stderr, "loadgen: cannot read %s\n", save);
		return 2;
	}
	fclose(f);
	inet_pton(AF_INET, g.host, &a.sin_addr);
	for (;;) { /* until the server accepts; --timeout bounds it */
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		close(fd);
		if (ok)
			break;
		if (now_ns() > g.deadline) {
			fprintf(stderr, "loadgen: the server did not accept before --timeout\n");
			return 1;
		}
		usleep(2000);
	}
	t_acc = now_ns();
	struct conn *c = &g.ctl[1];
	conn_open(c, R_CHAIR, -1, tok);
	wait_ctl_ready(c);
	t_hello = now_ns();
	json_t *r = rpc(c, json_pack("{s:s, s:s, s:s}", "op", "meeting.join", "meeting", meeting,
				     "presence", "remote"), "meeting.join");
	json_int_t seq = json_integer_value(json_object_get(json_object_get(r, "state"), "seq"));
	json_decref(r);
	printf("%s: restart: accepting after %.1f ms, hello after %.1f ms, meeting.join "
	       "(state at seq %lld) after %.1f ms\n", g.label, (double)(t_acc - t0) / 1e6,
	       (double)(t_hello - t0) / 1e6, (long long)seq, (double)(now_ns() - t0) / 1e6);
	printf("RESULT_RESTART label=%s seq=%lld accept_ms=%.1f join_ms=%.1f\n", g.label,
	       (long long)seq, (double)(t_acc - t0) / 1e6, (double)(now_ns() - t0) / 1e6);
	return 0;
}
