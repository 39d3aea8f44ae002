/*
 * The cluster's link to JetStream (server/cluster/jetstream.h) against a
 * real nats-server -js started here on a free loopback port with a
 * temporary store: two nodes, "a" and "b", in one process.
 *  - a lease is one node's at a time, renewed by its holder, free to take
 *    once it has aged out, and a late holder's renewal then fails;
 *  - the fencing: a change appended against an older last sequence than
 *    the subject's is refused, so a deposed owner cannot write; its own
 *    retry is stored once; another node's change with the same seq is not
 *    mistaken for that retry.
 * Skipped (not passed) when nats-server is not installed.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cluster/jetstream.h"

#define LEASE_MS 1000

static pid_t server;
static char dir[64], url[64];

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &len);
  close(fd);
  return ntohs(a.sin_port);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static pl_js *node(const char *name) {
  pl_js_config cfg = {.url = url, .node = name, .replicas = 1, .lease_ms = LEASE_MS,
                      .wait_ms = 5000};
  char err[256];
  pl_js *j = NULL;
  for (int i = 0; i < 100 && !j; i++) { /* the server may still be starting */
    j = pl_js_open(&cfg, err, sizeof err);
    if (!j)
      sleep_ms(50);
  }
  if (!j)
    fail_msg("%s", err);
  return j;
}

static int start_server(void **state) {
  (void)state;
  if (system("command -v nats-server >/dev/null 2>&1") != 0)
    return 0;
  snprintf(dir, sizeof dir, "/tmp/plenary-nats-XXXXXX");
  assert_non_null(mkdtemp(dir));
  const int port = free_port();
  char port_s[16];
  snprintf(port_s, sizeof port_s, "%d", port);
  snprintf(url, sizeof url, "nats://127.0.0.1:%d", port);
  server = fork();
  if (server == 0) {
    execlp("nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p", port_s, "-sd", dir,
           "-l", "/dev/null", (char *)NULL);
    _exit(127);
  }
  return server > 0 ? 0 : -1;
}

static int stop_server(void **state) {
  (void)state;
  if (server > 0) {
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
      return -1;
  }
  return 0;
}

static void needs_server(void) {
  if (server <= 0)
    skip();
}

static void test_lease_is_one_nodes_and_ages_out(void **state) {
  (void)state;
  needs_server();
  pl_js *a = node("a"), *b = node("b");
  uint64_t ra = 0, rb = 0;
  char holder[64];
  assert_int_equal(pl_lease_take(a, "m1", &ra, holder, sizeof holder), PL_LEASE_OURS);
  assert_int_equal(pl_lease_take(b, "m1", &rb, holder, sizeof holder), PL_LEASE_THEIRS);
  assert_string_equal(holder, "a");
  /* renewed, it outlives its age */
  for (int i = 0; i < 4; i++) {
    sleep_ms(LEASE_MS / 2);
    assert_int_equal(pl_lease_renew(a, "m1", &ra, holder, sizeof holder), PL_LEASE_OURS);
  }
  assert_int_equal(pl_lease_take(b, "m1", &rb, holder, sizeof holder), PL_LEASE_THEIRS);
  /* a stops renewing (paused, dead): past its age, b takes it, and a's late
   * renewal says whose it is now */
  sleep_ms(LEASE_MS * 3 / 2);
  assert_int_equal(pl_lease_take(b, "m1", &rb, holder, sizeof holder), PL_LEASE_OURS);
  assert_int_equal(pl_lease_renew(a, "m1", &ra, holder, sizeof holder), PL_LEASE_THEIRS);
  assert_string_equal(holder, "b");
  /* b restarted (a new link, the same name) has it back at once */
  pl_js *b2 = node("b");
  assert_int_equal(pl_lease_take(b2, "m1", &rb, holder, sizeof holder), PL_LEASE_OURS);
  pl_js_close(b2);
  /* given up, it is free at once */
  pl_lease_release(b, "m1");
  assert_int_equal(pl_lease_take(a, "m1", &ra, holder, sizeof holder), PL_LEASE_OURS);
  pl_js_close(a);
  pl_js_close(b);
}

static void test_append_is_fenced(void **state) {
  (void)state;
  needs_server();
  pl_js *a = node("a"), *b = node("b");
  char err[256], *body = NULL;
  uint64_t s1 = 0, s2 = 0, seen = 0, last = 0;
  size_t len = 0;
  assert_int_equal(pl_js_last(a, "m7", &last, NULL, NULL, err, sizeof err), 0);
  assert_true(last == 0);
  assert_int_equal(pl_js_append(a, "m7", 1, "one", 3, 0, &s1, err, sizeof err), PL_JS_OK);
  /* b, believing the subject empty, is refused */
  assert_int_equal(pl_js_append(b, "m7", 1, "uno", 3, 0, &seen, err, sizeof err),
                   PL_JS_FENCED);
  /* a's retry of the same change is stored once */
  assert_int_equal(pl_js_append(a, "m7", 1, "one", 3, 0, &seen, err, sizeof err),
                   PL_JS_DUPLICATE);
  assert_true(seen == s1);
  /* b takes over: it reads where the subject is, and goes on from there */
  assert_int_equal(pl_js_last(b, "m7", &last, &body, &len, err, sizeof err), 0);
  assert_true(last == s1);
  assert_memory_equal(body, "one", 3);
  free(body);
  assert_int_equal(pl_js_append(b, "m7", 2, "two", 3, s1, &s2, err, sizeof err), PL_JS_OK);
  assert_true(s2 > s1);
  /* a, deposed and unaware, writes its own seq 2 against s1: refused, and
   * not taken for a retry of b's seq 2 */
  assert_int_equal(pl_js_append(a, "m7", 2, "dos", 3, s1, &seen, err, sizeof err),
                   PL_JS_FENCED);
  assert_non_null(strstr(err, "another node has written"));
  assert_int_equal(pl_js_last(a, "m7", &last, &body, &len, err, sizeof err), 0);
  assert_true(last == s2);
  assert_memory_equal(body, "two", 3);
  free(body);
  /* other subjects are not fenced by this one */
  assert_int_equal(pl_js_append(a, "programme", 1, "p", 1, 0, &seen, err, sizeof err),
                   PL_JS_OK);
  pl_js_close(a);
  pl_js_close(b);
}

static int woken;
static void on_wake(void *arg) {
  (void)arg;
  __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
}

/* What one node appends, another's consumer delivers: every message, in
 * order, with its place in the log. */
static void test_follow_delivers_in_order(void **state) {
  (void)state;
  needs_server();
  pl_js *a = node("a"), *b = node("b");
  char err[256];
  uint64_t last = 0, s = 0;
  assert_int_equal(pl_js_last(a, "log", &last, NULL, NULL, err, sizeof err), 0);
  if (pl_js_follow(b, 1, on_wake, NULL, err, sizeof err))
    fail_msg("%s", err);
  for (uint64_t i = 1; i <= 5; i++) {
    char body[16];
    snprintf(body, sizeof body, "change %llu", (unsigned long long)i);
    assert_int_equal(pl_js_append(a, "log", i, body, strlen(body), last, &s, err, sizeof err),
                     PL_JS_OK);
    last = s;
  }
  /* the stream's other subjects (the tests before) come first: the log's
   * changes are its last five messages */
  pl_js_item *items = NULL;
  size_t n = 0, got = 0;
  uint64_t want = last - 4;
  for (int i = 0; i < 100 && got < 5; i++) {
    sleep_ms(20);
    n = pl_js_take(b, &items);
    for (size_t k = 0; k < n; k++) {
      if (items[k].js_seq >= want) {
        char body[16];
        snprintf(body, sizeof body, "change %zu", got + 1);
        assert_true(items[k].js_seq == want + got);
        assert_string_equal(items[k].body, body);
        got++;
      }
      free(items[k].body);
    }
    free(items);
  }
  assert_int_equal(got, 5);
  assert_true(__atomic_load_n(&woken, __ATOMIC_SEQ_CST) >= 1);
  pl_js_close(a);
  pl_js_close(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lease_is_one_nodes_and_ages_out),
      cmocka_unit_test(test_append_is_fenced),
      cmocka_unit_test(test_follow_delivers_in_order),
  };
  return cmocka_run_group_tests(tests, start_server, stop_server);
}
