/*
 * The configuration (app/config.c) on real files: the file read, flags over
 * it (origins replaced, not added; --plain over the file's TLS pair), every
 * bad value exit 2 naming its key and line, and the first pass's own flags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/config.h"
#include "base/log.h"
#include "capture.h"

static char conf[64];

static void write_conf(const char *text) {
  snprintf(conf, sizeof conf, "/tmp/plenary-conf-XXXXXX");
  int fd = mkstemp(conf);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

/* Loads argv (after the program name) over the file; returns the status and
 * what went to stderr (caller frees). */
static int load(pl_options *o, char **err, int n, ...) {
  char *argv[16] = {"plenaryd", "--config", conf, "--web", PLENARY_SOURCE_WEB};
  int argc = 5;
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    argv[argc++] = va_arg(ap, char *);
  va_end(ap);
  capture c;
  capture_begin(&c);
  int rc = pl_options_load(o, argc, argv);
  *err = capture_end(&c);
  return rc;
}

static void file_then_flags(void **state) {
  (void)state;
  write_conf("# comment\nplain = yes\ndb = /tmp/from-file.db\nkeepalive = 20\n"
             "log-format = json\norigin = https://a.example.org\n"
             "origin = https://b.example.org\nlisten = [::1]:9000\n");
  pl_options o;
  char *err;
  assert_int_equal(load(&o, &err, 4, "--keepalive", "40", "--origin", "https://c.example.org"),
                   0);
  assert_string_equal(err, "");
  assert_true(o.cfg.plain);
  assert_string_equal(o.cfg.db, "/tmp/from-file.db");
  assert_int_equal(o.cfg.keepalive_s, 40);
  assert_int_equal(o.cfg.log_format, PL_LOG_JSON);
  assert_string_equal(o.cfg.listen_addr, "::1");
  assert_int_equal(o.cfg.port, 9000);
  assert_string_equal(o.cfg.origins[0], "https://c.example.org");
  assert_null(o.cfg.origins[1]);
  pl_options_release(&o);
  free(err);
  unlink(conf);
}

static void plain_flag_overrides_the_files_pair(void **state) {
  (void)state;
  write_conf("cert = /nonexistent.crt\nkey = /nonexistent.key\n");
  pl_options o;
  char *err;
  assert_int_equal(load(&o, &err, 2, "--plain", "--check-config"), 0);
  assert_true(o.check_only);
  assert_true(o.cfg.plain);
  assert_null(o.cfg.cert);
  pl_options_release(&o);
  free(err);
  unlink(conf);
}

static void each_bad_value_names_key_and_line(void **state) {
  (void)state;
  static const struct { const char *text, *want; } cases[] = {
      {"plain = true\nkeepalive = 0\n", ":2: keepalive: expected a whole number"},
      {"plain = true\nfanout-threads = 99\n", ":2: fanout-threads"},
      {"plain = true\nlog-level = loud\n", ":2: log-level"},
      {"plain = maybe\n", ":1: plain: expected true or false"},
      {"nonsense = 1\n", ":1: nonsense: unknown key"},
      {"[main]\nplain = true\n", ":2: [main]: sections are not used"},
      {"plain = true\ndb =\n", ":2: db: needs a path"},
      {"plain = true\nno equals sign\n", ":2: expected key = value"},
      {"plain = true\ncert = /x.crt\nkey = /x.key\n", ":1: plain: cannot be combined"},
      {"key = /x.key\n", ":1: key: cert and key go together"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    write_conf(cases[i].text);
    pl_options o;
    char *err;
    assert_int_equal(load(&o, &err, 0), 2);
    char want[256];
    snprintf(want, sizeof want, "plenaryd: %s%s", conf, cases[i].want);
    if (!strstr(err, want))
      fail_msg("%s: wanted '%s', got '%s'", cases[i].text, want, err);
    pl_options_release(&o);
    free(err);
    unlink(conf);
  }
}

static void bad_flags_and_a_missing_file(void **state) {
  (void)state;
  write_conf("plain = true\n");
  pl_options o;
  char *err;
  assert_int_equal(load(&o, &err, 1, "--bogus"), 2);
  assert_non_null(strstr(err, "--bogus: unknown flag"));
  free(err);
  assert_int_equal(load(&o, &err, 2, "--listen", "nowhere"), 2);
  assert_non_null(strstr(err, "--listen: expected ADDR:PORT"));
  free(err);
  assert_int_equal(load(&o, &err, 1, "stray"), 2);
  free(err);
  unlink(conf);
  assert_int_equal(load(&o, &err, 0), 2);
  assert_non_null(strstr(err, "--config: cannot read"));
  free(err);
  pl_options_release(&o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(file_then_flags),
      cmocka_unit_test(plain_flag_overrides_the_files_pair),
      cmocka_unit_test(each_bad_value_names_key_and_line),
      cmocka_unit_test(bad_flags_and_a_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
