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
 *  - a document's file, put in chunks, is got back whole, also after an
 *    earlier put was cut short (its first chunks are on the subject) and
 *    after a run that does not hash to the name.
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
#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cluster/files.h"
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

/* A chunk as a put that was cut short left it: no message id, so that the
 * put after it stores every chunk again, as one outside the duplicate
 * window does. */
static void publish_bare_chunk(const char *sha, int i, int n, const char *data, size_t len) {
  natsConnection *nc = NULL;
  jsCtx *js = NULL;
  natsMsg *m = NULL;
  char subject[128], idx[8], count[8];
  snprintf(subject, sizeof subject, "plenary.file.%s", sha);
  snprintf(idx, sizeof idx, "%d", i);
  snprintf(count, sizeof count, "%d", n);
  assert_int_equal(natsConnection_ConnectTo(&nc, url), NATS_OK);
  assert_int_equal(natsConnection_JetStream(&js, nc, NULL), NATS_OK);
  assert_int_equal(natsMsg_Create(&m, subject, NULL, data, (int)len), NATS_OK);
  natsMsgHeader_Set(m, "Plenary-Chunk", idx);
  natsMsgHeader_Set(m, "Plenary-Chunks", count);
  assert_int_equal(js_PublishMsg(NULL, js, m, NULL, NULL), NATS_OK);
  natsMsg_Destroy(m);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
}

static void sha_hex(const unsigned char *p, size_t len, char out[65]) {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(p, len, h, &n, EVP_sha256(), NULL);
  for (unsigned i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void test_a_file_comes_back_whole(void **state) {
  (void)state;
  needs_server();
  pl_js *a = node("a"), *b = node("b");
  char err[256], sha[65], path[96], got_path[96];
  /* two chunks and a part of a third, bytes that are not text */
  const size_t len = 2 * PL_JS_CHUNK + 1000;
  unsigned char *data = malloc(len);
  assert_non_null(data);
  for (size_t i = 0; i < len; i++)
    data[i] = (unsigned char)((i * 2654435761u) >> 13);
  sha_hex(data, len, sha);
  snprintf(path, sizeof path, "%s/file", dir);
  snprintf(got_path, sizeof got_path, "%s/got", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);

  int fd = open(got_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  assert_int_equal(pl_js_file_get(b, sha, fd, err, sizeof err), 1); /* nothing yet */
  /* a whole run of other bytes (no upload makes one: passed over), then an
   * earlier put that got two chunks of three in */
  publish_bare_chunk(sha, 0, 1, "other bytes", 11);
  publish_bare_chunk(sha, 0, 3, (const char *)data, PL_JS_CHUNK);
  publish_bare_chunk(sha, 1, 3, (const char *)data + PL_JS_CHUNK, PL_JS_CHUNK);
  assert_int_equal(ftruncate(fd, 0), 0);
  assert_int_equal(pl_js_file_get(b, sha, fd, err, sizeof err), 1); /* still no whole copy */
  if (pl_js_file_put(a, sha, path, err, sizeof err))
    fail_msg("%s", err);
  assert_int_equal(ftruncate(fd, 0), 0);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  if (pl_js_file_get(b, sha, fd, err, sizeof err))
    fail_msg("%s", err);
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  assert_int_equal((size_t)st.st_size, len);
  unsigned char *back = malloc(len);
  assert_non_null(back);
  assert_int_equal(pread(fd, back, len, 0), (ssize_t)len);
  assert_memory_equal(back, data, len);
  /* stored whole now: a second put sends nothing and succeeds */
  if (pl_js_file_put(b, sha, path, err, sizeof err))
    fail_msg("%s", err);
  close(fd);
  free(back);
  free(data);
  pl_js_close(a);
  pl_js_close(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lease_is_one_nodes_and_ages_out),
      cmocka_unit_test(test_append_is_fenced),
      cmocka_unit_test(test_follow_delivers_in_order),
      cmocka_unit_test(test_a_file_comes_back_whole),
  };
  return cmocka_run_group_tests(tests, start_server, stop_server);
}
