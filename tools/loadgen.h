/*
 * loadgen.h: what the two halves of the load generator share. loadgen_ws.c is the
 * WebSocket client machinery (connect, upgrade, frames, the epoll pump); loadgen.c is
 * the benchmark (setup of the meeting, the floor changes, the statistics).
 */
#ifndef PLENARY_LOADGEN_H
#define PLENARY_LOADGEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

enum role { R_ADMIN, R_CHAIR, R_DELEGATE, R_VIEWER };
/* S_TLS: the TCP connection is up and, with --tls, the TLS handshake is under way. */
enum cstate { S_CONNECTING, S_TLS, S_UPGRADING, S_HELLO, S_JOIN, S_READY, S_DEAD };

struct conn {
	int fd;
	SSL *ssl;                     /* owned: with --tls, the client side of the session */
	enum role role;
	enum cstate st;
	int vi;                       /* viewer index, -1 for the control clients */
	const char *tok;              /* borrowed: g.tokens or g.admin_tok */
	char *rbuf;                   /* owned: an incomplete frame carried between reads */
	size_t rlen, rcap;
	char *msg;                    /* owned: a fragmented message being reassembled */
	size_t mlen;
	char *wbuf;                   /* owned: output the socket has not taken yet */
	size_t wlen, wcap;
	bool out_armed;
	int64_t last_seq;             /* -1 until a state gives the meeting's seq */
	uint32_t got;                 /* measured events received so far */
	uint32_t hello_id, join_id;
	uint64_t ready_ns;            /* when the join reply came */
	uint64_t arrival_ns;          /* with --arrival: the kernel's stamp of the last read */
	uint8_t rec_hdr[5];           /* with --arrival and --tls: where reads are in the */
	uint8_t rec_hdr_got;          /* stream of TLS records, so that none reads past */
	uint32_t rec_left;            /* the end of one (the header, then its body) */
	const char *meeting;          /* borrowed: the meeting a viewer joins (NULL: g.meeting) */
	int port;                     /* the server's: g.port, or with --ports one of them */
};

struct loadgen {
	/* flags */
	const char *host, *token_file, *op, *ev_name, *label;
	int port, n, m, warmup, participants, window, pid;
	double timeout_s;
	bool check;
	bool tls;                     /* --tls: every client speaks TLS (wss://) */
	bool arrival;                 /* --arrival: receipts timed when they reach the socket */
	/* run state */
	int ep;
	SSL_CTX *tls_ctx;             /* owned: with --tls */
	uint64_t deadline;
	const char *admin_tok, *meeting;
	char *chair_id, *chair_tok, *chair_feed; /* owned: from setup */
	struct conn ctl[3];           /* admin, chair, delegate */
	struct conn *v;               /* owned: N viewers */
	char **tokens;                /* owned: viewer tokens, g.participants of them */
	json_t **replies;             /* owned: control replies by request id */
	uint32_t nreplies, next_id;
	uint64_t *rx_ns, *t0;         /* owned: [change * n + viewer], [change] */
	uint32_t *recv_count;         /* owned: per change, viewers that have it */
	int ready, dead, inflight, nchanges;
	bool measuring;
	long errors;
	uint32_t pings;               /* pings answered, by every client */
	int64_t chair_seq;
	size_t ev_bytes;
	/* When set (the join storm), a viewer's or the chair's g.ev_name event goes
	 * here instead of to the per-change counts. */
	void (*on_viewer_event)(struct conn *c, int64_t seq, uint64_t now);
	void (*on_chair_event)(int64_t seq);
	/* --meetings: viewer i joins meetings[i % n_meetings] */
	char **meetings;
	int n_meetings;
	/* --ports: viewer i connects to ports[i % n_ports] (the nodes of a cluster); the
	 * control clients stay on g.port */
	int ports[16];
	int n_ports;
	/* --arrival: CLOCK_REALTIME - CLOCK_MONOTONIC, and how long after its arrival
	 * each viewer's read was made (the generator's own lag; owned) */
	int64_t real_minus_mono;
	uint64_t *lag_ns;
	size_t nlag, caplag;
};

extern struct loadgen g;

uint64_t now_ns(void);
/* Makes g.tls_ctx, the client context every --tls connection is made from. */
void tls_client_init(void);
void say_error(struct conn *c, const char *what);
/* Starts connecting c (the struct is reset); hello and, for viewers, join follow. */
void conn_open(struct conn *c, enum role role, int vi, const char *tok);
/* Closes a control client without counting it as a failure. */
void conn_close(struct conn *c);
/* Runs one epoll_wait pass over every client; exits when --timeout passes. */
void pump(int timeout_ms);
/* Sends one text frame as it is. */
void ws_send_text(struct conn *c, const char *p, size_t len);
/* Sends a request on c, stealing req; returns the id its reply will carry. */
uint32_t send_req(struct conn *c, json_t *req);
/* Waits (30 s at most, else exit) for the reply to id on a control client; caller owns it. */
json_t *wait_reply(uint32_t id);
/* send_req + wait_reply, exiting with the reply printed unless it is ok; caller owns it. */
json_t *rpc(struct conn *c, json_t *req, const char *what);
/* Copies r.obj.key (or r.key when obj is NULL) as a string, exiting if absent; frees r. */
char *take_str(json_t *r, const char *obj, const char *key);
void wait_ctl_ready(struct conn *c);

/* loadgen_server.c */
/* The server's CPU time in microseconds (all threads), or -1 without --pid. */
double proc_cpu_us(void);
/* The server's VmRSS in KiB, or -1 without --pid. */
long proc_rss_kib(void);
/* The generator's own CPU time in microseconds. */
double self_cpu_us(void);
/* plenaryd's plenary_fanout_seconds from GET /metrics (plain ports only). */
#define HIST_MAX 40
struct hist {
	double le[HIST_MAX], cum[HIST_MAX], sum, count;
	int n;
};
bool scrape(struct hist *h);
/* Prints what happened between two scrapes: mean and bucket bounds. */
void print_hist_delta(const struct hist *a, const struct hist *b);
/* The server's CPU idle, then with `rate` incoming frames a second, `seconds` each. */
void measure_incoming(int rate, int seconds);
/* The server's CPU over `seconds` with every client joined and silent. */
void measure_idle(int seconds);

/* loadgen.c */
/* Pumps until every live viewer's seq has caught up with the chair's, or 5 s pass. */
void settle(void);
/* qsort's comparisons of uint64_t and of double. */
int cmp_u64(const void *a, const void *b);
int cmp_dbl(const void *a, const void *b);
/* The p-quantile (0..1) of n sorted nanosecond figures, in ms; -1 for none. */
double pct_ms(const uint64_t *sorted, size_t n, double p);

/* loadgen_moments.c */
/* R States and a delegate of each, joined to the meeting (before the viewers open). */
void rush_setup(int r);
/* Each of them asks for the floor, spread over spread_ms; prints RESULT_RUSH. */
void rush_run(int spread_ms);
/* The N viewers open within a second while the chair changes the floor; RESULT_STORM. */
void storm_run(void);
/* k meetings (the bench meeting among them), each with a chair session joined. */
void meetings_setup(int k);
/* Each chair makes two changes a second for `seconds`; RESULT_MEETINGS. */
void meetings_run(int seconds);

/* loadgen_arrival.c: with --arrival */
/* Takes the offset between the kernel's stamps and CLOCK_MONOTONIC. */
void arrival_init(void);
/* recv() that keeps the stamp of what it read in c->arrival_ns. */
ssize_t recv_stamped(struct conn *c, void *buf, size_t len);
/* Gives c->ssl its socket: with --arrival through the stamping BIO. */
bool tls_attach(struct conn *c);
/* How long after its arrival a viewer's read was made; printed by arrival_report. */
void lag_add(uint64_t lag);
void arrival_report(void);

/* loadgen_extra.c */
/*
 * Sends k requests, make(i, arg) each (stolen), over ceil(k/50) sessions opened with
 * token tok, pipelined, and calls done(i, reply, arg) for each ok reply (borrowed).
 * A rate_limited reply is sent again; any other refusal exits. Returns the seconds
 * taken; *retries counts the resends.
 */
double pipelined(int k, const char *tok, json_t *(*make)(int i, void *arg),
		 void (*done)(int i, json_t *r, void *arg), void *arg, int *retries);
/* The request for the i-th of a batch of meetings chaired by the bench chair. */
json_t *make_meeting(int i, void *arg);
/* Creates k meetings chaired by the bench chair and times GET /calendar/{feed}.ics. */
void extra_ical(int k);
/* Logs e events over 200 meetings; writes "meeting chair-token" to save. */
void extra_events(long e, const char *save);
/* Against a server that is starting: time to accept, hello and join, from save's line. */
int extra_join_time(const char *save);

#endif
