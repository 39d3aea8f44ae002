/*
 * loadgen_moments: the moments that load a real meeting most (issue 20), on the same
 * clients and clock as the fan-out.
 *
 * - The inscription rush (--rush R): R delegates of R States, joined, ask for the floor
 *   within --rush-ms (1,000 by default; 0 sends every request at once) while N viewers
 *   watch. Each request is committed and broadcast to everyone, so the viewers must get
 *   R queue.added events, in order; the figures are the time from the last request to
 *   the last viewer having all of them, and the server's CPU over the whole rush.
 * - The join storm (--storm): the N viewers open, say hello and join all at once (no
 *   window), while the chair makes a floor change every 100 ms; the figures are the time
 *   until every viewer has its state, the opening rate, and each change's latency to the
 *   viewers that had joined before it was sent.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

static struct {
	int r;
	char **states, **toks; /* owned */
	struct conn *d;        /* owned: the rush's delegates */
} rush;

static json_t *make_state(int i, void *arg)
{
	char name[32];
	(void)arg;
	snprintf(name, sizeof name, "Rushland %d", i);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "op", "delegation.create", "name", name,
			 "kind", "state", "tz", "Europe/Zurich", "group", "western_european_other");
}

static void got_state(int i, json_t *r, void *arg)
{
	(void)arg;
	rush.states[i] = take_str(json_incref(r), "delegation", "id");
}

static json_t *make_delegate(int i, void *arg)
{
	char name[32];
	(void)arg;
	snprintf(name, sizeof name, "Rush delegate %d", i);
	return json_pack("{s:s, s:s, s:s, s:s}", "op", "participant.invite", "delegation",
			 rush.states[i], "name", name, "role", "delegate");
}

static void got_delegate(int i, json_t *r, void *arg)
{
	(void)arg;
	rush.toks[i] = take_str(json_incref(r), NULL, "token");
}

void rush_setup(int r)
{
	int retries = 0;
	rush.r = r;
	rush.states = calloc((size_t)r, sizeof *rush.states);
	rush.toks = calloc((size_t)r, sizeof *rush.toks);
	rush.d = calloc((size_t)r, sizeof *rush.d);
	uint32_t *ids = calloc((size_t)r, sizeof *ids);
	if (!rush.states || !rush.toks || !rush.d || !ids) { perror("calloc"); exit(1); }
	pipelined(r, g.admin_tok, make_state, got_state, NULL, &retries);
	pipelined(r, g.admin_tok, make_delegate, got_delegate, NULL, &retries);
	for (int j = 0; j < r; j++)
		conn_open(&rush.d[j], R_DELEGATE, j, rush.toks[j]);
	for (int j = 0; j < r; j++) {
		wait_ctl_ready(&rush.d[j]);
		ids[j] = send_req(&rush.d[j], json_pack("{s:s, s:s, s:s}", "op", "meeting.join",
			"meeting", g.meeting, "presence", "room"));
	}
	for (int j = 0; j < r; j++)
		json_decref(wait_reply(ids[j]));
	free(ids);
	printf("%s: %d delegates of %d States joined for the rush\n", g.label, r, r);
}

void rush_run(int spread_ms)
{
	int r = rush.r;
	uint32_t *ids = calloc((size_t)r, sizeof *ids);
	if (!ids) { perror("calloc"); exit(1); }
	g.ev_name = "queue.added";
	g.nchanges = r;
	g.recv_count = calloc((size_t)r, sizeof *g.recv_count);
	g.rx_ns = calloc((size_t)r * (size_t)g.n, sizeof *g.rx_ns);
	g.measuring = true;
	settle();
	double cpu0 = proc_cpu_us();
	uint64_t t_first = now_ns(), t_last = t_first;
	for (int j = 0; j < r; j++) {
		uint64_t due = t_first + (uint64_t)spread_ms * 1000000u * (uint64_t)j / (uint64_t)r;
		while (now_ns() < due)
			pump(0);
		ids[j] = send_req(&rush.d[j], json_pack("{s:s, s:s, s:s}", "op", "floor.request",
			"meeting", g.meeting, "kind", "statement"));
		t_last = now_ns();
	}
	uint64_t until = now_ns() + 120000000000u;
	while (g.recv_count[r - 1] < (uint32_t)g.ready && now_ns() < until)
		pump(2);
	double cpu = proc_cpu_us() - cpu0;
	uint64_t last = 0;
	for (size_t i = 0; i < (size_t)r * (size_t)g.n; i++)
		last = g.rx_ns[i] > last ? g.rx_ns[i] : last;
	int refused = 0;
	for (int j = 0; j < r; j++) {
		json_t *rep = wait_reply(ids[j]);
		refused += !json_is_true(json_object_get(rep, "ok"));
		json_decref(rep);
	}
	if (refused) {
		g.errors += refused;
		fprintf(stderr, "loadgen: %d of %d floor.request refused\n", refused, r);
	}
	settle();
	double last_ms = last > t_last ? (double)(last - t_last) / 1e6 : 0;
	printf("%s: rush of %d requests over %.0f ms to %d viewers: every viewer had every "
	       "event %.1f ms after the last request (%u had the last); server CPU %.1f ms\n",
	       g.label, r, (double)(t_last - t_first) / 1e6, g.ready, last_ms,
	       g.recv_count[r - 1], cpu0 >= 0 ? cpu / 1e3 : -1);
	printf("RESULT_RUSH label=%s n=%d requests=%d spread_ms=%d last_ms=%.1f cpu_ms=%.1f\n",
	       g.label, g.ready, r, spread_ms, last_ms, cpu0 >= 0 ? cpu / 1e3 : -1);
	free(ids);
}
