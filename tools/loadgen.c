/*
 * loadgen: the fan-out benchmark and its correctness check (issue 6).
 *
 * As the secretariat it creates two delegations, a chair, a delegate, a meeting and the
 * viewers' participants; the delegate takes the floor; then N viewer clients say hello
 * and join, and the chair makes warm-up + M floor changes (floor.pause / floor.resume
 * alternately, or floor.request by the delegate + floor.next with --op next). A change
 * is sent only when every viewer has the previous one, so each change's receipts are
 * timed alone: latency = receipt at a viewer - the chair's send, one CLOCK_MONOTONIC.
 *
 * The server's RSS and CPU come from /proc/PID (--pid, loadgen_server.c): RSS before and
 * after the viewers connect, CPU over the measured changes. --check makes it a test: every viewer
 * must get every event in order exactly once (consecutive seq), and no time is asserted.
 *
 * The bench peer (tools/bench/peer.mjs) and the send() floor (tools/floor.c) answer the
 * same setup ops with made-up ids, so one code path drives all three servers.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "loadgen.h"

struct loadgen g = { .host = "127.0.0.1", .op = "pause", .ev_name = "floor.changed",
	.label = "server", .port = 8443, .n = 1000, .m = 20, .warmup = 2, .window = 256,
	.timeout_s = 300 };

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((rlim_t)g.n + 16 > rl.rlim_cur) {
		fprintf(stderr, "loadgen: -n %d needs %d descriptors; the hard limit is %lu\n",
			g.n, g.n + 16, (unsigned long)rl.rlim_max);
		exit(2);
	}
}

static char *read_token(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof buf, f)) {
		fprintf(stderr, "loadgen: cannot read --token-file %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return strdup(buf);
}

static json_t *make_invite(int i, void *arg)
{
	char name[32];
	snprintf(name, sizeof name, "Viewer %d", i);
	return json_pack("{s:s, s:s, s:s, s:s}", "op", "participant.invite", "delegation",
			 (const char *)arg, "name", name, "role", "viewer");
}

static void got_invite(int i, json_t *r, void *arg)
{
	(void)arg;
	g.tokens[i] = take_str(json_incref(r), NULL, "token");
}

static void invite_viewers(const char *delegation)
{
	int retries = 0;
	g.tokens = calloc((size_t)g.participants, sizeof *g.tokens);
	if (!g.tokens) { perror("calloc"); exit(1); }
	double dt = pipelined(g.participants, g.admin_tok, make_invite, got_invite,
			      (void *)delegation, &retries);
	printf("%s: invited %d viewer participants in %.2f s (%.0f/s, %d rate-limited "
	       "retries)\n", g.label, g.participants, dt, g.participants / dt, retries);
}

/* The meeting and its people; returns after the delegate holds the floor (pause mode). */
static void setup(void)
{
	struct conn *adm = &g.ctl[0], *chair = &g.ctl[1], *dlg = &g.ctl[2];
	char *d_state, *d_org, *chair_pid, *chair_tok, *dlg_tok;

	conn_open(adm, R_ADMIN, -1, g.admin_tok);
	wait_ctl_ready(adm);
	d_state = take_str(rpc(adm, json_pack("{s:s, s:s, s:s, s:s, s:s}", "op", "delegation.create",
		"name", "Benchland", "kind", "state", "tz", "Europe/Zurich",
		"group", "western_european_other"), "delegation.create"), "delegation", "id");
	d_org = take_str(rpc(adm, json_pack("{s:s, s:s, s:s, s:s}", "op", "delegation.create",
		"name", "Bench Secretariat", "kind", "secretariat", "tz", "Europe/Zurich"),
		"delegation.create"), "delegation", "id");
	json_t *r = rpc(adm, json_pack("{s:s, s:s, s:s, s:s}", "op", "participant.invite",
		"delegation", d_org, "name", "Bench Chair", "role", "chair"), "invite chair");
	chair_tok = take_str(json_incref(r), NULL, "token");
	g.chair_feed = take_str(json_incref(r), NULL, "feed");
	chair_pid = take_str(r, "participant", "id");
	dlg_tok = take_str(rpc(adm, json_pack("{s:s, s:s, s:s, s:s}", "op", "participant.invite",
		"delegation", d_state, "name", "Bench Delegate", "role", "delegate"),
		"invite delegate"), NULL, "token");
	g.meeting = take_str(rpc(adm, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		"op", "meeting.create", "title", "Fan-out benchmark", "kind", "other",
		"format", "hybrid", "tz", "Europe/Zurich", "start", "2027-03-09T10:00",
		"end", "2027-03-09T18:00", "chair", chair_pid), "meeting.create"), "meeting", "id");

	invite_viewers(d_org);

	conn_open(chair, R_CHAIR, -1, chair_tok);
	conn_open(dlg, R_DELEGATE, -1, dlg_tok);
	wait_ctl_ready(chair);
	wait_ctl_ready(dlg);
	r = rpc(chair, json_pack("{s:s, s:s, s:s}", "op", "meeting.join", "meeting", g.meeting,
				 "presence", "room"), "chair meeting.join");
	g.chair_seq = json_integer_value(json_object_get(json_object_get(r, "state"), "seq"));
	json_decref(r);
	json_decref(rpc(dlg, json_pack("{s:s, s:s, s:s}", "op", "meeting.join", "meeting",
				       g.meeting, "presence", "room"), "delegate meeting.join"));
	if (strcmp(g.op, "pause") == 0) {
		json_decref(rpc(dlg, json_pack("{s:s, s:s, s:s}", "op", "floor.request", "meeting",
			g.meeting, "kind", "statement"), "floor.request"));
		json_decref(rpc(chair, json_pack("{s:s, s:s}", "op", "floor.next", "meeting",
			g.meeting), "floor.next"));
	}
	g.chair_id = chair_pid; /* kept for the extra measurements (loadgen_extra.c) */
	g.chair_tok = chair_tok;
	free(d_state); free(d_org); free(dlg_tok);
}

static void open_viewers(void)
{
	int next = 0;
	g.v = calloc((size_t)g.n, sizeof *g.v);
	while (g.ready + g.dead < g.n) {
		/* A bounded number of handshakes in flight keeps the listen backlog from overflowing. */
		while (next < g.n && g.inflight < g.window) {
			conn_open(&g.v[next], R_VIEWER, next, g.tokens[next % g.participants]);
			g.inflight++;
			next++;
		}
		pump(5);
	}
}

/* Every viewer caught up (loadgen.h). */
void settle(void)
{
	uint64_t until = now_ns() + 5000000000u;
	for (;;) {
		int behind = 0;
		for (int i = 0; i < g.n; i++)
			if (g.v[i].st == S_READY && g.v[i].last_seq < g.chair_seq)
				behind++;
		if (!behind || now_ns() > until) {
			if (behind)
				fprintf(stderr, "loadgen: %d viewers behind seq %lld\n", behind,
					(long long)g.chair_seq);
			return;
		}
		pump(2);
	}
}

static void one_change(int k)
{
	struct conn *chair = &g.ctl[1];
	const char *op;
	int64_t before = g.chair_seq;
	uint64_t until;
	if (strcmp(g.op, "next") == 0) {
		json_decref(rpc(&g.ctl[2], json_pack("{s:s, s:s, s:s}", "op", "floor.request",
			"meeting", g.meeting, "kind", "statement"), "floor.request"));
		while (g.chair_seq == before)
			pump(2);
		settle();
		before = g.chair_seq;
		op = "floor.next";
	} else {
		op = k % 2 == 0 ? "floor.pause" : "floor.resume";
	}
	/* plenaryd allows a session 30 requests a second after a burst of 60: keep the
	 * chair under it, so that a long run at small N is not refused. */
	while (k > 0 && now_ns() - g.t0[k - 1] < 36000000u)
		pump(1);
	g.t0[k] = now_ns();
	json_decref(rpc(chair, json_pack("{s:s, s:s}", "op", op, "meeting", g.meeting), op));
	until = now_ns() + 10000000000u;
	while (g.recv_count[k] < (uint32_t)g.ready && now_ns() < until)
		pump(2);
	if (g.recv_count[k] < (uint32_t)g.ready)
		fprintf(stderr, "loadgen: change %d reached %u of %d viewers in 10 s\n", k,
			g.recv_count[k], g.ready);
	while (g.chair_seq == before && now_ns() < until)
		pump(2);
	settle();
}

int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double pct_ms(const uint64_t *s, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return n ? (double)s[i] / 1e6 : -1;
}

/* The flags of the parts other than the fan-out (parse_flags). */
static int g_in_rate, g_in_seconds = 5, g_ical, g_idle_seconds, g_rush, g_rush_ms = 1000;
static long g_events;
static const char *g_save, *g_join_file;
static bool g_storm;
static int g_meetings, g_meetings_s = 10;

/*
 * With --ports, the same receipts split by the server each viewer is on: in a cluster
 * the chair's node fans out what it decided, the others what their consumer brought,
 * so the difference is the latency of the NATS hop alone, on the same run.
 */
static void per_port_stats(void)
{
	uint64_t *pool = malloc((size_t)g.m * (size_t)g.n * sizeof *pool);
	uint64_t *firsts = calloc((size_t)g.m, sizeof *firsts);
	if (!pool || !firsts) { perror("malloc"); exit(1); }
	for (int j = 0; j < g.n_ports; j++) {
		size_t np = 0, nf = 0;
		for (int k = g.warmup; k < g.nchanges; k++) {
			uint64_t lo = UINT64_MAX;
			for (int i = j; i < g.n; i += g.n_ports) {
				uint64_t rx = g.rx_ns[(size_t)k * (size_t)g.n + (size_t)i];
				if (!rx)
					continue;
				pool[np++] = rx - g.t0[k];
				lo = rx - g.t0[k] < lo ? rx - g.t0[k] : lo;
			}
			if (lo != UINT64_MAX)
				firsts[nf++] = lo;
		}
		qsort(pool, np, sizeof *pool, cmp_u64);
		qsort(firsts, nf, sizeof *firsts, cmp_u64);
		printf("%s: viewers on port %d: first %.2f ms (median of per-change), p50 %.2f ms, "
		       "p99 %.2f ms over %zu receipts\n", g.label, g.ports[j], pct_ms(firsts, nf, 0.5),
		       pct_ms(pool, np, 0.5), pct_ms(pool, np, 0.99), np);
		printf("RESULT_PORT label=%s-port%d n=%d first_ms=%.2f p50_ms=%.2f p99_ms=%.2f\n",
		       g.label, j, g.n, pct_ms(firsts, nf, 0.5), pct_ms(pool, np, 0.5),
		       pct_ms(pool, np, 0.99));
	}
	free(pool);
	free(firsts);
}

static void usage(FILE *to)
{
	fprintf(to, "usage: loadgen [--host IP] --port PORT [-n N] [-m M] [--warmup W]\n"
		"  [--participants K] [--token-file FILE] [--pid SERVER_PID] [--op pause|next]\n"
		"  [--event NAME] [--window W] [--timeout S] [--label NAME] [--check] [--tls]\n"
		"  [--in-rate FRAMES_PER_S] [--in-seconds S] [--idle S]\n"
		"  [--ical MEETINGS] [--events E --save FILE] [--join-time FILE]\n"
		"  [--rush R [--rush-ms MS]] [--storm] [--meetings K [--meetings-s S]]\n"
		"  [--ports P1,P2,...] [--arrival]\n");
}

/* --ports 8001,8002,8003: the viewers spread over several servers (a cluster's nodes). */
static void parse_ports(const char *list)
{
	for (const char *p = list; *p && g.n_ports < (int)(sizeof g.ports / sizeof *g.ports);) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v <= 0 || v > 65535 || (*end && *end != ',')) {
			fprintf(stderr, "loadgen: --ports takes ports separated by commas\n");
			exit(2);
		}
		g.ports[g.n_ports++] = (int)v;
		p = *end ? end + 1 : end;
	}
}

static void parse_flags(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", 1, 0, 'h' }, { "port", 1, 0, 'p' }, { "warmup", 1, 0, 'w' },
		{ "participants", 1, 0, 'k' }, { "token-file", 1, 0, 't' }, { "pid", 1, 0, 'P' },
		{ "op", 1, 0, 'o' }, { "event", 1, 0, 'e' }, { "window", 1, 0, 'W' },
		{ "timeout", 1, 0, 'T' }, { "label", 1, 0, 'l' }, { "check", 0, 0, 'c' },
		{ "in-rate", 1, 0, 'r' }, { "in-seconds", 1, 0, 's' }, { "ical", 1, 0, 'i' },
		{ "events", 1, 0, 'E' }, { "save", 1, 0, 'S' }, { "join-time", 1, 0, 'J' },
		{ "idle", 1, 0, 'I' }, { "tls", 0, 0, 'L' }, { "rush", 1, 0, 'R' },
		{ "rush-ms", 1, 0, 'M' }, { "storm", 0, 0, 'Y' }, { "meetings", 1, 0, 'G' },
		{ "meetings-s", 1, 0, 'g' }, { "ports", 1, 0, 'N' }, { "arrival", 0, 0, 'A' },
		{ "help", 0, 0, 'H' },
		{ 0, 0, 0, 0 } };
	int ch;
	while ((ch = getopt_long(argc, argv, "n:m:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': g.host = optarg; break;
		case 'p': g.port = atoi(optarg); break;
		case 'n': g.n = atoi(optarg); break;
		case 'm': g.m = atoi(optarg); break;
		case 'w': g.warmup = atoi(optarg); break;
		case 'k': g.participants = atoi(optarg); break;
		case 't': g.token_file = optarg; break;
		case 'P': g.pid = atoi(optarg); break;
		case 'o': g.op = optarg; break;
		case 'e': g.ev_name = optarg; break;
		case 'W': g.window = atoi(optarg); break;
		case 'T': g.timeout_s = atof(optarg); break;
		case 'l': g.label = optarg; break;
		case 'c': g.check = true; break;
		case 'r': g_in_rate = atoi(optarg); break;
		case 's': g_in_seconds = atoi(optarg); break;
		case 'i': g_ical = atoi(optarg); break;
		case 'E': g_events = atol(optarg); break;
		case 'S': g_save = optarg; break;
		case 'J': g_join_file = optarg; break;
		case 'I': g_idle_seconds = atoi(optarg); break;
		case 'L': g.tls = true; break;
		case 'A': g.arrival = true; break;
		case 'R': g_rush = atoi(optarg); break;
		case 'M': g_rush_ms = atoi(optarg); break;
		case 'Y': g_storm = true; break;
		case 'G': g_meetings = atoi(optarg); break;
		case 'g': g_meetings_s = atoi(optarg); break;
		case 'N': parse_ports(optarg); break;
		case 'H': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc || g.port <= 0 || g.port > 65535 || g.n < 1 || g.m < 1 || g.warmup < 0 ||
	    g.window < 1 || (strcmp(g.op, "pause") && strcmp(g.op, "next"))) {
		fprintf(stderr, "loadgen: bad or missing flag (--port, -n, -m, --warmup, --window, --op)\n");
		usage(stderr);
		exit(2);
	}
	if (g.participants <= 0 || g.participants > g.n)
		g.participants = g.n;
}

static int finish_check(void);

int main(int argc, char **argv)
{
	parse_flags(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines reach a pipe or a file as they happen */
	raise_nofile();
	srandom((unsigned)now_ns());
	g.deadline = now_ns() + (uint64_t)(g.timeout_s * 1e9);
	g.admin_tok = g.token_file ? read_token(g.token_file) : "bench";
	if (g.tls)
		tls_client_init();
	if (g.arrival) {
		arrival_init();
		atexit(arrival_report); /* after whichever part ran */
	}
	signal(SIGPIPE, SIG_IGN); /* OpenSSL writes without MSG_NOSIGNAL */
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	if (g.ep < 0) { perror("epoll_create1"); return 1; }
	if (g_join_file)
		return extra_join_time(g_join_file);
	setup();
	if (g_rush > 0)
		rush_setup(g_rush);
	if (g_meetings > 0)
		meetings_setup(g_meetings);
	if (g_ical > 0)
		extra_ical(g_ical);
	if (g_events > 0) {
		extra_events(g_events, g_save);
		return 0;
	}

	if (g_storm) {
		storm_run();
		return g.ready == g.n && g.errors == 0 ? 0 : 1;
	}
	long rss0 = proc_rss_kib();
	uint64_t t = now_ns();
	open_viewers();
	double open_s = (double)(now_ns() - t) / 1e9;
	for (int i = 0; i < 50; i++)
		pump(10); /* let the server finish what the joins started before reading RSS */
	long rss1 = proc_rss_kib();
	int held_open = g.ready;
	printf("%s: n=%d held %d (%d failed) opened+joined in %.2f s (%.0f/s); "
	       "server RSS %ld -> %ld KiB\n", g.label, g.n, g.ready, g.dead, open_s,
	       g.ready / open_s, rss0, rss1);

	if (g_rush > 0) {
		rush_run(g_rush_ms);
		return finish_check();
	}
	if (g_meetings > 0) {
		meetings_run(g_meetings_s);
		return g.ready == g.n && g.errors == 0 ? 0 : 1;
	}
	g.nchanges = g.warmup + g.m;
	g.t0 = calloc((size_t)g.nchanges, sizeof *g.t0);
	g.recv_count = calloc((size_t)g.nchanges, sizeof *g.recv_count);
	g.rx_ns = calloc((size_t)g.nchanges * (size_t)g.n, sizeof *g.rx_ns);
	g.measuring = true;
	settle();
	double cpu0 = 0, self0 = 0;
	struct hist h0, h1;
	bool have_hist = false;
	for (int k = 0; k < g.nchanges; k++) {
		if (k == g.warmup) {
			have_hist = scrape(&h0);
			cpu0 = proc_cpu_us();
			self0 = self_cpu_us();
		}
		one_change(k);
	}
	double cpu = proc_cpu_us() - cpu0, self = self_cpu_us() - self0;
	if (have_hist && scrape(&h1))
		print_hist_delta(&h0, &h1);

	/* Statistics over the measured changes: pooled p50/p99, per-change first/last. */
	size_t np = 0, nm = (size_t)g.m;
	uint64_t *pool = malloc((size_t)g.m * (size_t)g.n * sizeof *pool);
	uint64_t *firsts = calloc(nm, sizeof *firsts), *lasts = calloc(nm, sizeof *lasts);
	for (int k = g.warmup; k < g.nchanges; k++) {
		uint64_t lo = UINT64_MAX, hi = 0;
		for (int i = 0; i < g.n; i++) {
			uint64_t rx = g.rx_ns[(size_t)k * (size_t)g.n + (size_t)i];
			if (!rx)
				continue;
			uint64_t d = rx - g.t0[k];
			pool[np++] = d;
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		firsts[k - g.warmup] = lo == UINT64_MAX ? 0 : lo;
		lasts[k - g.warmup] = hi;
		if (getenv("LOADGEN_PER_CHANGE")) /* which changes are slow, for a profile */
			printf("%s: change %d: first %.2f ms, last %.2f ms\n", g.label, k,
			       (double)firsts[k - g.warmup] / 1e6, (double)hi / 1e6);
	}
	qsort(pool, np, sizeof *pool, cmp_u64);
	qsort(firsts, nm, sizeof *firsts, cmp_u64);
	qsort(lasts, nm, sizeof *lasts, cmp_u64);
	double bcasts = (double)g.m * (double)g.ready;
	double kib = rss0 >= 0 && rss1 >= 0 && held_open ? (double)(rss1 - rss0) / held_open : -1;
	printf("%s: %d measured changes: first %.2f ms, p50 %.2f, p99 %.2f, last %.2f "
	       "(median of per-change), worst last %.2f; event %zu bytes\n", g.label, g.m,
	       pct_ms(firsts, nm, 0.5), pct_ms(pool, np, 0.5), pct_ms(pool, np, 0.99),
	       pct_ms(lasts, nm, 0.5), pct_ms(lasts, nm, 1.0), g.ev_bytes);
	printf("%s: server %.2f KiB RSS per connection, %.2f us CPU per client per broadcast; "
	       "generator %.2f us CPU per receipt\n", g.label, kib,
	       cpu0 >= 0 ? cpu / bcasts : -1, self / bcasts);
	printf("RESULT label=%s n=%d held=%d open_per_s=%.0f kib_per_conn=%.2f cpu_us_per_client=%.2f "
	       "first_ms=%.2f p50_ms=%.2f p99_ms=%.2f last_ms=%.2f max_ms=%.2f ev_bytes=%zu "
	       "gen_us_per_rx=%.2f\n", g.label, g.n, g.ready, g.ready / open_s, kib,
	       cpu0 >= 0 ? cpu / bcasts : -1, pct_ms(firsts, nm, 0.5), pct_ms(pool, np, 0.5),
	       pct_ms(pool, np, 0.99), pct_ms(lasts, nm, 0.5), pct_ms(lasts, nm, 1.0), g.ev_bytes,
	       self / bcasts);

	free(pool);
	free(firsts);
	free(lasts);
	per_port_stats();
	if (g_in_rate > 0 && g.pid > 0)
		measure_incoming(g_in_rate, g_in_seconds);
	if (g_idle_seconds > 0 && g.pid > 0)
		measure_idle(g_idle_seconds);
	return finish_check();
}

/* Without --check: whether every client held and nothing went wrong. With it, the
 * check: everyone held, every change (or rush event) to everyone once, seq
 * consecutive and equal. */
static int finish_check(void)
{
	if (!g.check)
		return g.ready == g.n && g.errors == 0 ? 0 : 1;
	long bad = g.errors;
	for (int k = 0; k < g.nchanges; k++)
		if (g.recv_count[k] != (uint32_t)g.n)
			bad++;
	for (int i = 0; i < g.n; i++)
		if (g.v[i].st != S_READY || g.v[i].got != (uint32_t)g.nchanges ||
		    g.v[i].last_seq != g.chair_seq)
			bad++;
	/* With --arrival, no receipt can have reached its socket before its change
	 * was sent (the stamp is on another clock than t0, offset once). */
	long early = 0;
	for (int k = 0; g.arrival && g.rx_ns && k < g.nchanges; k++)
		for (int i = 0; i < g.n; i++) {
			uint64_t rx = g.rx_ns[(size_t)k * (size_t)g.n + (size_t)i];
			early += rx && rx < g.t0[k];
		}
	if (early)
		printf("check: %ld receipts stamped before their change was sent\n", early);
	bad += early;
	printf("check: %d clients x %d changes, every event in order exactly once: %s\n", g.n,
	       g.nchanges, bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
