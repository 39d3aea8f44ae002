/*
 * loadgen --arrival: a receipt is timed when it reached the client's socket (the
 * kernel's SO_TIMESTAMPNS stamp of the last segment read), not when the generator's one
 * thread came to read it. On a real network every client is a machine of its own; here
 * one thread decrypting 10,000 records, or doing the handshakes of a join storm, reads
 * the last socket tens of milliseconds after its bytes came. That lag is kept and
 * printed beside (RESULT_LAG), so it stays visible.
 *
 * Plain reads are recvmsg() with the stamp; TLS reads go through a BIO of our own that
 * reads one record's header, then exactly its body (a read that took the next record
 * too would be dated by it). Stamps are moved onto CLOCK_MONOTONIC by one offset taken
 * at the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "loadgen.h"

void arrival_init(void)
{
	struct timespec r, m;
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	g.real_minus_mono = ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000 +
			    ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
}

/* The stamp a recvmsg() brought, on the monotonic clock. */
static void note_arrival(struct conn *c, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		struct timespec ts;
		memcpy(&ts, CMSG_DATA(cm), sizeof ts);
		int64_t real = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		if (real > g.real_minus_mono)
			c->arrival_ns = (uint64_t)(real - g.real_minus_mono);
	}
}

ssize_t recv_stamped(struct conn *c, void *buf, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof ctl };
	ssize_t r = recvmsg(c->fd, &mh, 0);
	if (r > 0)
		note_arrival(c, &mh);
	return r;
}

/* Under TLS with --arrival, OpenSSL reads through this BIO, so that the stamp of
 * each segment it takes is kept; it writes through a plain socket BIO. A read never
 * goes past the end of a record: the kernel stamps a read with its newest segment,
 * and a read that took the next change's record too would date this one by it. */
static int stamped_read(BIO *b, char *out, int len)
{
	struct conn *c = BIO_get_data(b);
	BIO_clear_retry_flags(b);
	bool in_hdr = c->rec_left == 0;
	size_t want = in_hdr ? sizeof c->rec_hdr - c->rec_hdr_got : c->rec_left;
	ssize_t r = recv_stamped(c, out, (size_t)len < want ? (size_t)len : want);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	if (r <= 0)
		return (int)r;
	if (!in_hdr) {
		c->rec_left -= (uint32_t)r;
	} else {
		memcpy(c->rec_hdr + c->rec_hdr_got, out, (size_t)r);
		c->rec_hdr_got += (uint8_t)r;
		if (c->rec_hdr_got == sizeof c->rec_hdr) { /* type, version, length */
			c->rec_left = (uint32_t)c->rec_hdr[3] << 8 | c->rec_hdr[4];
			c->rec_hdr_got = 0;
		}
	}
	return (int)r;
}

static long stamped_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b; (void)num; (void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static BIO_METHOD *stamped_method(void)
{
	static BIO_METHOD *m;
	if (!m) {
		m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "stamped socket");
		if (!m || !BIO_meth_set_read(m, stamped_read) || !BIO_meth_set_ctrl(m, stamped_ctrl)) {
			fprintf(stderr, "loadgen: cannot make the stamped BIO\n");
			exit(1);
		}
	}
	return m;
}

bool tls_attach(struct conn *c)
{
	if (!g.arrival)
		return SSL_set_fd(c->ssl, c->fd) == 1;
	BIO *rb = BIO_new(stamped_method()), *wb = BIO_new_socket(c->fd, BIO_NOCLOSE);
	if (!rb || !wb) {
		BIO_free(rb);
		BIO_free(wb);
		return false;
	}
	BIO_set_data(rb, c);
	BIO_set_init(rb, 1);
	SSL_set_bio(c->ssl, rb, wb);
	return true;
}

void lag_add(uint64_t lag)
{
	if (g.nlag == g.caplag) {
		size_t cap = g.caplag ? g.caplag * 2 : 65536;
		uint64_t *nl = realloc(g.lag_ns, cap * sizeof *nl);
		if (!nl) { perror("realloc"); exit(1); }
		g.lag_ns = nl;
		g.caplag = cap;
	}
	g.lag_ns[g.nlag++] = lag;
}

void arrival_report(void)
{
	if (!g.arrival || !g.nlag)
		return;
	qsort(g.lag_ns, g.nlag, sizeof *g.lag_ns, cmp_u64);
	double p50 = pct_ms(g.lag_ns, g.nlag, 0.5), p99 = pct_ms(g.lag_ns, g.nlag, 0.99);
	printf("%s: receipts timed at their arrival; the generator read them p50 %.2f ms, "
	       "p99 %.2f ms later (%zu reads)\n", g.label, p50, p99, g.nlag);
	printf("RESULT_LAG label=%s n=%d lag_p50_ms=%.2f lag_p99_ms=%.2f\n", g.label, g.n, p50, p99);
}
