/*
 * loadgen_check: the ctest wrapper of `loadgen --check` (test it.loadgen_check).
 *
 * usage: loadgen_check PLENARYD LOADGEN [N [FLAG...]]
 *
 * Starts the real plenaryd on a free loopback port with a fresh database in a temporary
 * folder, waits for its secretariat token file and its port, runs loadgen --check with
 * N clients (default 200) against it, stops the server with SIGTERM and removes the
 * folder. Flags after N go to plenaryd (the split fan-out runs with
 * --fanout-threads 2 --fanout-split 16), except two: --tls makes a throwaway
 * certificate with the openssl command (as tests/integration/harness.py does) and runs
 * both sides over TLS, and --lg ARG passes ARG to loadgen. Its exit status is loadgen's. It asserts no time: the deadlines below only
 * keep a hung server from hanging the test run.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH|FTW_PHYS */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int can_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (log) {
			FILE *f = freopen(log, "w", stdout);
			if (!f || dup2(fileno(stdout), 2) < 0)
				_exit(127);
		}
		execv(argv[0], argv);
		fprintf(stderr, "loadgen_check: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* Waits up to ms for pid; returns its wait status, or -1 if it is still running. */
static int wait_for(pid_t pid, long ms)
{
	int status;
	for (long t = 0; t <= ms; t += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(20);
	}
	return -1;
}

/* A self-signed P-256 pair for 127.0.0.1; 0 when both files were written. */
static int make_cert(const char *crt, const char *key)
{
	char *const argv[] = { "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
			       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
			       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
			       "-keyout", (char *)key, "-out", (char *)crt, NULL };
	int status;
	pid_t pid = spawn(argv, "/dev/null");
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "loadgen_check: openssl req could not make a certificate\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/plenary-lgcheck.XXXXXX", db[128], tok[160], log[160], listen[32],
	     portarg[16], pidarg[16];
	const char *n = argc > 3 ? argv[3] : "200";
	struct stat st;
	int port, rc = 1, status;
	pid_t srv = -1, lg;

	if (argc < 3) {
		fprintf(stderr, "usage: loadgen_check PLENARYD LOADGEN [N [PLENARYD_FLAG...]]\n");
		return 2;
	}
	if (!mkdtemp(dir) || (port = free_port()) < 0) {
		perror("loadgen_check: mkdtemp or free port");
		return 1;
	}
	snprintf(db, sizeof db, "%s/p.db", dir);
	snprintf(tok, sizeof tok, "%s.admin-token", db);
	snprintf(log, sizeof log, "%s/plenaryd.log", dir);
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(portarg, sizeof portarg, "%d", port);
	char crt[160], key[160], *lgx[8];
	int nlgx = 0;
	bool tls = false;
	snprintf(crt, sizeof crt, "%s/t.crt", dir);
	snprintf(key, sizeof key, "%s/t.key", dir);
	char *sargv[32] = { argv[1], "--listen", listen, "--db", db };
	int sargc = 5;
	for (int i = 4; i < argc && sargc < 31; i++) {
		if (strcmp(argv[i], "--tls") == 0)
			tls = true;
		else if (strcmp(argv[i], "--lg") == 0 && i + 1 < argc && nlgx < 7)
			lgx[nlgx++] = argv[++i];
		else
			sargv[sargc++] = argv[i];
	}
	if (tls && make_cert(crt, key))
		goto out_log;
	if (sargc + 6 < 32) {
		/* 200 handshakes at once under ASan on 2 shared cores can take longer
		 * than the 3 s the door gives a request's headers: not what is checked. */
		char *const sec[] = { "--cert", crt, "--key", key, "--header-timeout", "30" };
		if (tls) {
			memcpy(sargv + sargc, sec, sizeof sec);
			sargc += 6;
		} else {
			sargv[sargc++] = "--plain";
		}
	}
	sargv[sargc] = NULL;
	srv = spawn(sargv, log);
	snprintf(pidarg, sizeof pidarg, "%d", (int)srv);

	/* The server is up when its token file has content and its port accepts. */
	for (int t = 0; t < 500; t++) {
		if (stat(tok, &st) == 0 && st.st_size > 0 && can_connect(port))
			break;
		if (waitpid(srv, &status, WNOHANG) == srv) {
			fprintf(stderr, "loadgen_check: plenaryd exited during start-up\n");
			srv = -1;
			goto out_log;
		}
		sleep_ms(20);
	}
	char *largv[32] = { argv[2], "--port", portarg, "-n", (char *)n, "-m", "10",
			    "--token-file", tok, "--pid", pidarg, "--label", "plenaryd",
			    "--timeout", "120", "--check" };
	int largc = 16;
	if (tls)
		largv[largc++] = "--tls";
	for (int i = 0; i < nlgx; i++)
		largv[largc++] = lgx[i];
	largv[largc] = NULL;
	lg = spawn(largv, NULL);
	status = wait_for(lg, 150000);
	if (status < 0) {
		fprintf(stderr, "loadgen_check: loadgen still running after 150 s; killing it\n");
		kill(lg, SIGKILL);
		waitpid(lg, NULL, 0);
	} else {
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
out_log:
	if (srv > 0) {
		kill(srv, SIGTERM);
		if (wait_for(srv, 10000) < 0) {
			fprintf(stderr, "loadgen_check: plenaryd ignored SIGTERM for 10 s\n");
			kill(srv, SIGKILL);
			waitpid(srv, NULL, 0);
			rc = 1;
		}
	}
	if (rc != 0) {
		/* The server's own account of the failure, for whoever reads the test log. */
		char line[512];
		FILE *f = fopen(log, "r");
		fprintf(stderr, "loadgen_check: plenaryd log follows\n");
		while (f && fgets(line, sizeof line, f))
			fputs(line, stderr);
		if (f)
			fclose(f);
	}
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return rc;
}
