/*
 * ssl_mem: what OpenSSL itself keeps for one server TLS session once the handshake is
 * over, the floor under plenaryd's memory per TLS connection (issue 20, part 1).
 *
 * N server sessions live in this process and their clients in a child, over socket
 * pairs; each completes its handshake and one small record each way, as a joined
 * viewer has. The heap in use (glibc's mallinfo2) before and after, divided by N, is
 * OpenSSL's own per-session state: no lws, no plenaryd, no socket buffers. The server
 * context is made as plenaryd's is (server/app/tls.c), once
 * for TLS 1.3 and once for TLS 1.2.
 *
 * It also prints the CPU of one full handshake on each side: this process's for the
 * server's half, the child's (from wait4) for an OpenSSL client's. The join storm's
 * generator is such a client on the same cores as the server, so its half bounds the
 * rate at which any server can be seen to take connections (docs/PERFORMANCE.md).
 *
 * usage: ssl_mem CERT KEY [N]   (N sessions, default 1000)
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_clients(int n, int (*fds)[2], int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || !SSL_CTX_set_max_proto_version(ctx, max_version))
		return 1;
	for (int i = 0; i < n; i++) {
		SSL *c = SSL_new(ctx);
		char b[64];
		close(fds[i][0]);
		if (!c || !SSL_set_fd(c, fds[i][1]) || SSL_connect(c) != 1 ||
		    SSL_write(c, "hello", 5) != 5 || SSL_read(c, b, sizeof b) <= 0)
			return 1;
	}
	pause(); /* until the parent has counted */
	return 0;
}

struct cost {
	double kib;       /* OpenSSL's heap per server session */
	double server_us; /* CPU per handshake (and one record each way), server side */
	double client_us; /* the same, client side */
	const char *version;
};

static double cpu_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double tv_us(struct timeval t)
{
	return (double)t.tv_sec * 1e6 + (double)t.tv_usec;
}

/* The costs of n server sessions for clients of at most max_version; kib -1 on failure. */
static struct cost per_session(const char *cert, const char *key, int n, int max_version)
{
	struct cost c = { .kib = -1, .version = "?" };
	int (*fds)[2] = calloc((size_t)n, sizeof *fds);
	SSL **ss = calloc((size_t)n, sizeof *ss);
	if (!fds || !ss)
		return c;
	for (int i = 0; i < n; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds[i]) < 0)
			return c;
	pid_t child = fork();
	if (child == 0)
		_exit(run_clients(n, fds, max_version));
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		goto out;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	struct mallinfo2 before = mallinfo2();
	double cpu0 = cpu_us();
	for (int i = 0; i < n; i++) {
		char b[64];
		close(fds[i][1]);
		ss[i] = SSL_new(ctx);
		if (!ss[i] || !SSL_set_fd(ss[i], fds[i][0]) || SSL_accept(ss[i]) != 1 ||
		    SSL_read(ss[i], b, sizeof b) <= 0 || SSL_write(ss[i], "a frame", 7) != 7) {
			ERR_print_errors_fp(stderr);
			goto out;
		}
	}
	c.server_us = (cpu_us() - cpu0) / n;
	struct mallinfo2 after = mallinfo2();
	c.version = SSL_get_version(ss[0]);
	c.kib = (double)(after.uordblks - before.uordblks) / n / 1024;
out:
	kill(child, SIGKILL); /* it waits in pause(), its handshakes done */
	struct rusage ru;
	if (wait4(child, NULL, 0, &ru) == child)
		c.client_us = (tv_us(ru.ru_utime) + tv_us(ru.ru_stime)) / n;
	for (int i = 0; i < n; i++) {
		SSL_free(ss[i]);
		close(fds[i][0]);
	}
	SSL_CTX_free(ctx);
	free(ss);
	free(fds);
	return c;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ssl_mem CERT KEY [N]\n");
		return 2;
	}
	int n = argc > 3 ? atoi(argv[3]) : 1000;
	struct rlimit rl;
	if (n < 1 || getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		fprintf(stderr, "ssl_mem: N must be at least 1\n");
		return 2;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if ((rlim_t)(2 * n + 16) > rl.rlim_cur) {
		fprintf(stderr, "ssl_mem: the file limit allows %ld sessions\n",
			(long)(rl.rlim_cur - 16) / 2);
		return 2;
	}
	struct cost c13 = per_session(argv[1], argv[2], n, TLS1_3_VERSION);
	struct cost c12 = per_session(argv[1], argv[2], n, TLS1_2_VERSION);
	if (c13.kib < 0 || c12.kib < 0) {
		fprintf(stderr, "ssl_mem: a session failed\n");
		return 1;
	}
	printf("ssl_mem: %s, OpenSSL's own heap per server session after the handshake: "
	       "%.2f KiB (%s %.2f KiB), %d sessions, %s\n", c13.version, c13.kib, c12.version,
	       c12.kib, n, OpenSSL_version(OPENSSL_VERSION));
	printf("ssl_mem: CPU of one full %s handshake: the server %.0f us, an OpenSSL client "
	       "%.0f us (%s: %.0f / %.0f us)\n", c13.version, c13.server_us, c13.client_us,
	       c12.version, c12.server_us, c12.client_us);
	printf("RESULT_SSL_MEM n=%d tls13_kib=%.2f tls12_kib=%.2f tls13_server_us=%.0f "
	       "tls13_client_us=%.0f\n", n, c13.kib, c12.kib, c13.server_us, c13.client_us);
	return 0;
}
