/*
 * loadgen: what the server costs, seen from outside it: its RSS and CPU from /proc
 * (--pid), the generator's own CPU, plenaryd's own fan-out histogram from GET /metrics,
 * and its CPU under incoming frames and while idle with every client joined.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "loadgen.h"

long proc_rss_kib(void)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;
	if (g.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", g.pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/*
 * The server's CPU time, in microseconds: the sum over its threads of the scheduler's
 * run time (/proc/PID/task/TID/schedstat, nanoseconds), because utime + stime in
 * /proc/PID/stat counts 10 ms ticks, too coarse for 1,000 frames a second. Falls back
 * to utime + stime where schedstat is missing.
 */
double proc_cpu_us(void)
{
	char path[300], buf[2048];
	double total = 0;
	unsigned long ut = 0, st = 0;
	bool any = false;
	FILE *f;
	DIR *d;
	size_t n;
	if (g.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/task", g.pid);
	if ((d = opendir(path)) != NULL) {
		for (struct dirent *e; (e = readdir(d)) != NULL;) {
			unsigned long long ns;
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%d/task/%.32s/schedstat", g.pid, e->d_name);
			if ((f = fopen(path, "r")) != NULL) {
				if (fscanf(f, "%llu", &ns) == 1) {
					total += (double)ns / 1e3;
					any = true;
				}
				fclose(f);
			}
		}
		closedir(d);
		if (any)
			return total;
	}
	snprintf(path, sizeof path, "/proc/%d/stat", g.pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: fields are counted from the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

double self_cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/*
 * The server's own view of the fan-out: plenary_fanout_seconds from GET /metrics,
 * read before and after the measured changes so the two can be compared (issue 6 asks
 * that they agree). Only plenaryd has it; elsewhere the scrape finds nothing.
 */
bool scrape(struct hist *h)
{
	static char buf[1 << 18];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	struct timeval tv = { 2, 0 };
	size_t len = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(h, 0, sizeof *h);
	if (g.tls) /* /metrics is served over the same TLS port: not read here */
		return false;
	inet_pton(AF_INET, g.host, &a.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return false;
	}
	while (len < sizeof buf - 1 && (r = recv(fd, buf + len, sizeof buf - 1 - len, 0)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		const char *b = "plenary_fanout_seconds_bucket{le=\"";
		if (strncmp(line, b, strlen(b)) == 0 && h->n < HIST_MAX) {
			char *q = line + strlen(b), *e = strchr(q, '}');
			h->le[h->n] = strncmp(q, "+Inf", 4) == 0 ? 1e9 : strtod(q, NULL);
			h->cum[h->n++] = e ? strtod(e + 1, NULL) : 0;
		} else if (strncmp(line, "plenary_fanout_seconds_sum ", 27) == 0) {
			h->sum = strtod(line + 27, NULL);
		} else if (strncmp(line, "plenary_fanout_seconds_count ", 29) == 0) {
			h->count = strtod(line + 29, NULL);
		}
	}
	return h->n > 0;
}

/* Prints the histogram of what happened between two scrapes: mean and bucket bounds. */
void print_hist_delta(const struct hist *a, const struct hist *b)
{
	double cnt = b->count - a->count, q50 = -1, q99 = -1;
	if (a->n != b->n || cnt <= 0)
		return;
	for (int i = 0; i < b->n; i++) {
		double c = b->cum[i] - a->cum[i];
		if (q50 < 0 && c >= 0.5 * cnt)
			q50 = b->le[i];
		if (q99 < 0 && c >= 0.99 * cnt)
			q99 = b->le[i];
	}
	printf("%s: server /metrics plenary_fanout_seconds over the measured changes: %.0f writes, "
	       "mean %.2f ms, p50 <= %g ms, p99 <= %g ms (bucket bounds)\n", g.label, cnt,
	       (b->sum - a->sum) * 1e3 / cnt, q50 * 1e3, q99 * 1e3);
}

/*
 * Incoming load (issue 6: "at 19,000 clients, 1,000 incoming frames a second take under
 * 5% of a core"): the server's CPU while idle for S seconds, then while the viewers,
 * round-robin, send g_in_rate requests a second for S seconds. The request is an unknown
 * op: a frame in, a JSON parse and an error reply out, no database, and it does not
 * count against anyone's rate limit more than once every N/rate seconds.
 */
static double server_cpu_pct(int rate, int seconds)
{
	static const char req[] = "{\"op\":\"bench.noop\",\"id\":0}";
	uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000000000u;
	double c0 = proc_cpu_us(), sent = 0;
	int next = 0;
	while (now_ns() < end) {
		/* Catch up to rate * elapsed, so a slow pass does not lower the rate. */
		double due = (double)rate * (double)(now_ns() - start) / 1e9;
		for (int tries = 0; sent < due && tries < g.n; tries++) {
			struct conn *c = &g.v[next];
			next = (next + 1) % g.n;
			if (c->st != S_READY)
				continue;
			ws_send_text(c, req, sizeof req - 1);
			sent++;
		}
		pump(1);
	}
	return (proc_cpu_us() - c0) / ((double)(now_ns() - start) / 1e4);
}

void measure_incoming(int rate, int seconds)
{
	double idle = server_cpu_pct(0, seconds), busy = server_cpu_pct(rate, seconds);
	printf("%s: incoming %d frames/s to %d clients for %d s: server %.2f%% of a core "
	       "(idle %.2f%%)\n", g.label, rate, g.ready, seconds, busy, idle);
	printf("RESULT_IN label=%s n=%d in_rate=%d cpu_pct=%.2f idle_pct=%.2f\n", g.label,
	       g.ready, rate, busy, idle);
}

/*
 * Keepalive cost: the server's CPU over S seconds with every client joined and silent
 * but for answering the server's pings. Over 30 s or more it covers a whole ping round.
 */
void measure_idle(int seconds)
{
	uint32_t pings0 = g.pings;
	double pct = server_cpu_pct(0, seconds);
	printf("%s: idle %d clients for %d s: server %.3f%% of a core, %u pings answered\n",
	       g.label, g.ready, seconds, pct, g.pings - pings0);
	printf("RESULT_IDLE label=%s n=%d seconds=%d cpu_pct=%.3f pings=%u\n", g.label, g.ready,
	       seconds, pct, g.pings - pings0);
}
