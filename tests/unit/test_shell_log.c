/*
 * The log line (base/log.c) in its three formats: the fields in order, a NULL
 * value left out, quoting that keeps one event on one line, JSON that parses,
 * the level filter, and the app's redactor blanking a secret that slipped
 * into a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/redact.h"
#include "base/log.h"
#include "capture.h"

static char *log_one(pl_log_format f, pl_log_level at, const char *msg) {
  capture c;
  pl_log_setup(f, PL_LOG_NOTICE, pl_redact);
  capture_begin(&c);
  pl_log(at, "ruling", "op", "floor.next", "meeting", "m1", "participant", (char *)NULL,
         "msg", msg, NULL);
  return capture_end(&c);
}

static void logfmt_quotes_and_keeps_one_line(void **state) {
  (void)state;
  char *line = log_one(PL_LOG_LOGFMT, PL_LOG_NOTICE, "said \"no\"\nthen\\left");
  assert_non_null(strstr(line, " level=notice event=ruling op=floor.next meeting=m1 "));
  assert_non_null(strstr(line, "msg=\"said \\\"no\\\"\\nthen\\\\left\"\n"));
  assert_null(strstr(line, "participant"));
  assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
  assert_int_equal(strncmp(line, "ts=20", 5), 0);
  free(line);
}

static void json_parses_and_drops_bad_utf8_fields_only(void **state) {
  (void)state;
  char *line = log_one(PL_LOG_JSON, PL_LOG_WARN, "bad \xff byte");
  json_error_t err;
  json_t *o = json_loads(line, 0, &err);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "level")), "warn");
  assert_string_equal(json_string_value(json_object_get(o, "event")), "ruling");
  assert_string_equal(json_string_value(json_object_get(o, "meeting")), "m1");
  assert_null(json_object_get(o, "msg"));
  json_decref(o);
  free(line);
}

static void text_puts_the_message_first(void **state) {
  (void)state;
  char *line = log_one(PL_LOG_TEXT, PL_LOG_ERROR, "it failed");
  assert_non_null(strstr(line, "Z error ruling: it failed op=floor.next meeting=m1\n"));
  free(line);
}

static void below_the_level_nothing_is_written(void **state) {
  (void)state;
  char *line = log_one(PL_LOG_TEXT, PL_LOG_INFO, "detail");
  assert_string_equal(line, "");
  free(line);
}

static void a_secret_in_a_message_is_blanked(void **state) {
  (void)state;
  char *line = log_one(PL_LOG_LOGFMT, PL_LOG_NOTICE, "GET /calendar/SECRETKEY.ics?token=T0K");
  assert_null(strstr(line, "SECRETKEY"));
  assert_null(strstr(line, "T0K"));
  assert_non_null(strstr(line, "/calendar/(secret).ics"));
  free(line);
}

static void names_parse(void **state) {
  (void)state;
  pl_log_format f;
  pl_log_level l;
  assert_int_equal(pl_log_format_parse("logfmt", &f), 0);
  assert_int_equal(f, PL_LOG_LOGFMT);
  assert_int_equal(pl_log_format_parse("xml", &f), -1);
  assert_int_equal(pl_log_level_parse("debug", &l), 0);
  assert_int_equal(l, PL_LOG_DEBUG);
  assert_int_equal(pl_log_level_parse("loud", &l), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(logfmt_quotes_and_keeps_one_line),
      cmocka_unit_test(json_parses_and_drops_bad_utf8_fields_only),
      cmocka_unit_test(text_puts_the_message_first),
      cmocka_unit_test(below_the_level_nothing_is_written),
      cmocka_unit_test(a_secret_in_a_message_is_blanked),
      cmocka_unit_test(names_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
