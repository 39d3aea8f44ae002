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
	/* g.window handshakes at a time, as the viewers open: under TLS, 500 at once
	 * outlast the door's header deadline on a busy machine. */
	for (int from = 0; from < r; from += g.window) {
		int to = from + g.window < r ? from + g.window : r;
		for (int j = from; j < to; j++)
			conn_open(&rush.d[j], R_DELEGATE, j, rush.toks[j]);
		for (int j = from; j < to; j++) {
			wait_ctl_ready(&rush.d[j]);
			ids[j] = send_req(&rush.d[j], json_pack("{s:s, s:s, s:s}", "op",
				"meeting.join", "meeting", g.meeting, "presence", "room"));
		}
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

/* The join storm: each change's send time, the seq the chair heard it as, and every
 * viewer's receipt of a change (matched to the change by seq afterwards). */
#define STORM_CHANGE_MS 100
#define STORM_MAX_CHANGES 4096

struct storm_rx {
	int vi;
	int64_t seq;
	uint64_t at;
};

static struct {
	uint64_t t0[STORM_MAX_CHANGES];
	uint32_t id[STORM_MAX_CHANGES];
	int64_t seq[STORM_MAX_CHANGES];
	uint64_t heard_at[STORM_MAX_CHANGES];
	int sent, heard;
	struct storm_rx *rx; /* owned */
	size_t nrx, rxcap;
} storm;

static void storm_viewer(struct conn *c, int64_t seq, uint64_t now)
{
	if (storm.nrx == storm.rxcap) {
		size_t cap = storm.rxcap ? storm.rxcap * 2 : 65536;
		struct storm_rx *nr = realloc(storm.rx, cap * sizeof *nr);
		if (!nr) { perror("realloc"); exit(1); }
		storm.rx = nr;
		storm.rxcap = cap;
	}
	storm.rx[storm.nrx++] = (struct storm_rx){ c->vi, seq, now };
}

static void storm_chair(int64_t seq)
{
	if (storm.heard < STORM_MAX_CHANGES) {
		storm.heard_at[storm.heard] = now_ns();
		storm.seq[storm.heard++] = seq;
	}
}

/* The change a seq belongs to (the chair heard them in order), or -1. */
static int change_of(int64_t seq)
{
	int lo = 0, hi = storm.heard - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (storm.seq[mid] == seq)
			return mid;
		if (storm.seq[mid] < seq)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void storm_run(void)
{
	struct conn *chair = &g.ctl[1];
	int next = 0;
	g.v = calloc((size_t)g.n, sizeof *g.v);
	if (!g.v) { perror("calloc"); exit(1); }
	for (uint64_t end = now_ns() + 200000000u; now_ns() < end;)
		pump(5); /* the setup's own floor events (the peer sends them after its reply) */
	g.ev_name = "floor.changed";
	g.on_viewer_event = storm_viewer;
	g.on_chair_event = storm_chair;
	uint64_t t_start = now_ns(), next_change = t_start, until = t_start + 120000000000u;
	/* Both sides' CPU over the storm: on one machine the generator's own TLS
	 * handshakes (OpenSSL 3.0 as a client costs more than as a server) bound
	 * the rate any server can show. */
	double srv_cpu0 = proc_cpu_us(), gen_cpu0 = self_cpu_us();
	/* Every client starts within the first second, as if all came at ten o'clock. */
	while (g.ready + g.dead < g.n && now_ns() < until) {
		uint64_t now = now_ns();
		uint64_t due = (now - t_start) * (uint64_t)g.n / 1000000000u + 1;
		for (; next < g.n && (uint64_t)next < due; next++, g.inflight++)
			conn_open(&g.v[next], R_VIEWER, next, g.tokens[next % g.participants]);
		if (now >= next_change && storm.sent < STORM_MAX_CHANGES) {
			/* From the send itself: the connects just made took their time */
			storm.t0[storm.sent] = now_ns();
			storm.id[storm.sent] = send_req(chair, json_pack("{s:s, s:s}", "op",
				storm.sent % 2 ? "floor.resume" : "floor.pause", "meeting", g.meeting));
			storm.sent++;
			next_change += STORM_CHANGE_MS * 1000000u;
		}
		pump(1);
	}
	uint64_t t_done = now_ns();
	double srv_cpu_s = srv_cpu0 >= 0 ? (proc_cpu_us() - srv_cpu0) / 1e6 : -1;
	double gen_cpu = self_cpu_us() - gen_cpu0;
	for (uint64_t end = now_ns() + 500000000u; now_ns() < end;)
		pump(5); /* the last change reaches everyone */
	for (int k = 0; k < storm.sent; k++) {
		json_t *r = wait_reply(storm.id[k]);
		if (!json_is_true(json_object_get(r, "ok"))) {
			char *txt = json_dumps(r, JSON_COMPACT);
			fprintf(stderr, "loadgen: change %d refused: %s\n", k, txt ? txt : "?");
			free(txt);
		}
		json_decref(r);
	}
	uint64_t *lat = malloc((storm.nrx + 1) * sizeof *lat);
	size_t nl = 0, missing = 0;
	if (!lat) { perror("malloc"); exit(1); }
	for (size_t i = 0; i < storm.nrx; i++) {
		int k = change_of(storm.rx[i].seq);
		uint64_t ready = g.v[storm.rx[i].vi].ready_ns;
		if (k >= 0 && ready && ready < storm.t0[k] && storm.rx[i].at >= storm.t0[k]) {
			lat[nl++] = storm.rx[i].at - storm.t0[k];
			if (getenv("LOADGEN_PER_CHANGE")) /* which changes were slow */
				fprintf(stderr, "change %d (seq %lld) to viewer %d: %.1f ms\n", k,
					(long long)storm.rx[i].seq, storm.rx[i].vi,
					(double)lat[nl - 1] / 1e6);
		}
	}
	if (getenv("LOADGEN_PER_CHANGE"))
		for (int k = 0; k < storm.heard; k++)
			fprintf(stderr, "the chair heard change %d after %.1f ms\n", k,
				(double)(storm.heard_at[k] - storm.t0[k]) / 1e6);
	/* What should have arrived: each change to every viewer joined before it was sent. */
	for (int k = 0; k < storm.heard; k++)
		for (int i = 0; i < g.n; i++)
			missing += g.v[i].ready_ns && g.v[i].ready_ns < storm.t0[k];
	missing = missing > nl ? missing - nl : 0;
	qsort(lat, nl, sizeof *lat, cmp_u64);
	double storm_s = (double)(t_done - t_start) / 1e9;
	double p99 = pct_ms(lat, nl, 0.99);
	double mx = nl ? (double)lat[nl - 1] / 1e6 : -1;
	printf("%s: join storm of %d clients (%d failed): all joined in %.2f s (%.0f/s); %d chair "
	       "changes meanwhile, to the already joined: p99 %.1f ms, max %.1f ms over %zu "
	       "receipts (%zu missing)\n", g.label, g.n, g.dead, storm_s, g.ready / storm_s,
	       storm.sent, p99, mx, nl, missing);
	printf("%s: CPU over the storm: the server %.2f s, the generator %.2f s (%.0f us a client)\n",
	       g.label, srv_cpu_s, gen_cpu / 1e6, gen_cpu / g.n);
	printf("RESULT_STORM label=%s n=%d held=%d storm_s=%.2f open_per_s=%.0f chair_p99_ms=%.1f "
	       "chair_max_ms=%.1f changes=%d receipts=%zu missing=%zu server_cpu_s=%.2f "
	       "gen_cpu_s=%.2f\n", g.label, g.n, g.ready, storm_s, g.ready / storm_s, p99, mx,
	       storm.sent, nl, missing, srv_cpu_s, gen_cpu / 1e6);
	g.errors += (long)missing;
	free(lat);
}

/*
 * Many meetings (--meetings K): the N viewers spread over K meetings (viewer i in
 * meeting i % K), each meeting's chair (a session of its own) alternating queue.close
 * and queue.open twice a second, the meetings' beats staggered over the half second.
 * All viewers are joined before the first change and each meeting logs nothing else,
 * so a viewer's j-th event is its meeting's j-th change.
 */
#define MEETING_CHANGE_MS 500

static struct {
	struct conn *chair; /* owned: one per meeting */
	uint64_t *t0;       /* owned: [meeting * nchanges + change] */
} mm;

static void got_meeting_id(int i, json_t *r, void *arg)
{
	(void)arg;
	g.meetings[i + 1] = take_str(json_incref(r), "meeting", "id");
}

void meetings_setup(int k)
{
	int retries = 0;
	uint32_t *ids = calloc((size_t)k, sizeof *ids);
	g.meetings = calloc((size_t)k, sizeof *g.meetings);
	mm.chair = calloc((size_t)k, sizeof *mm.chair);
	if (!ids || !g.meetings || !mm.chair) { perror("calloc"); exit(1); }
	g.meetings[0] = strdup(g.meeting);
	if (k > 1)
		pipelined(k - 1, g.admin_tok, make_meeting, got_meeting_id, NULL, &retries);
	for (int m = 0; m < k; m++)
		conn_open(&mm.chair[m], R_CHAIR, m, g.chair_tok);
	for (int m = 0; m < k; m++) {
		wait_ctl_ready(&mm.chair[m]);
		ids[m] = send_req(&mm.chair[m], json_pack("{s:s, s:s, s:s}", "op", "meeting.join",
			"meeting", g.meetings[m], "presence", "remote"));
	}
	for (int m = 0; m < k; m++)
		json_decref(wait_reply(ids[m]));
	g.n_meetings = k;
	free(ids);
	printf("%s: %d meetings, a chair session joined to each\n", g.label, k);
}

static void meetings_viewer(struct conn *c, int64_t seq, uint64_t now)
{
	(void)seq;
	if (c->got < (uint32_t)g.nchanges) {
		g.rx_ns[(size_t)c->got * (size_t)g.n + (size_t)c->vi] = now;
		g.recv_count[c->got]++;
	}
	c->got++;
}

void meetings_run(int seconds)
{
	int k = g.n_meetings, nc = seconds * 1000 / MEETING_CHANGE_MS;
	g.nchanges = nc;
	g.recv_count = calloc((size_t)nc, sizeof *g.recv_count);
	g.rx_ns = calloc((size_t)nc * (size_t)g.n, sizeof *g.rx_ns);
	mm.t0 = calloc((size_t)k * (size_t)nc, sizeof *mm.t0);
	int *sent = calloc((size_t)k, sizeof *sent);
	if (!g.recv_count || !g.rx_ns || !mm.t0 || !sent) { perror("calloc"); exit(1); }
	for (uint64_t end = now_ns() + 300000000u; now_ns() < end;)
		pump(5); /* whatever the joins started */
	g.on_viewer_event = meetings_viewer;
	double cpu0 = proc_cpu_us();
	uint64_t start = now_ns(), total = 0;
	while (total < (uint64_t)k * (uint64_t)nc) {
		uint64_t now = now_ns();
		for (int m = 0; m < k; m++) {
			uint64_t due = start + ((uint64_t)sent[m] * MEETING_CHANGE_MS * 1000000u) +
				       (uint64_t)m * MEETING_CHANGE_MS * 1000000u / (uint64_t)k;
			if (sent[m] >= nc || now < due)
				continue;
			mm.t0[(size_t)m * (size_t)nc + (size_t)sent[m]] = now_ns();
			send_req(&mm.chair[m], json_pack("{s:s, s:s}", "op", sent[m] % 2 ?
				"queue.open" : "queue.close", "meeting", g.meetings[m]));
			sent[m]++;
			total++;
		}
		pump(1);
	}
	uint64_t until = now_ns() + 5000000000u;
	while (g.recv_count[nc - 1] < (uint32_t)g.ready && now_ns() < until)
		pump(5);
	double busy_s = (double)(now_ns() - start) / 1e9, cpu = proc_cpu_us() - cpu0;
	/* Per meeting: its viewers' latencies; then the spread of the meetings' p99s. */
	uint64_t *lat = malloc(((size_t)g.n / (size_t)k + 1) * (size_t)nc * sizeof *lat);
	double *p99 = calloc((size_t)k, sizeof *p99);
	size_t missing = 0, all = 0;
	if (!lat || !p99) { perror("malloc"); exit(1); }
	for (int m = 0; m < k; m++) {
		size_t nl = 0;
		for (int i = m; i < g.n; i += k)
			for (int j = 0; j < nc; j++) {
				uint64_t rx = g.rx_ns[(size_t)j * (size_t)g.n + (size_t)i];
				if (!rx) {
					missing++;
					continue;
				}
				lat[nl++] = rx - mm.t0[(size_t)m * (size_t)nc + (size_t)j];
			}
		qsort(lat, nl, sizeof *lat, cmp_u64);
		p99[m] = pct_ms(lat, nl, 0.99);
		all += nl;
	}
	qsort(p99, (size_t)k, sizeof *p99, cmp_dbl);
	double cpu_pct = cpu0 >= 0 ? cpu / (busy_s * 1e4) : -1;
	printf("%s: %d meetings of %d viewers, %d changes each over %d s: p99 per meeting "
	       "median %.1f ms, worst %.1f ms; %zu receipts, %zu missing; server %.1f%% of a core\n",
	       g.label, k, g.n / k, nc, seconds, p99[k / 2], p99[k - 1], all, missing, cpu_pct);
	printf("RESULT_MEETINGS label=%s n=%d meetings=%d changes=%d median_p99_ms=%.1f "
	       "worst_p99_ms=%.1f missing=%zu cpu_pct=%.1f\n", g.label, g.n, k, nc, p99[k / 2],
	       p99[k - 1], missing, cpu_pct);
	g.errors += (long)missing;
	free(lat);
	free(p99);
	free(sent);
}
