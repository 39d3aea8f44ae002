/*
 * Unit tests of the webhook rules (core/webhook.h): the retry schedule
 * against the doubling it promises, and pattern matching on names,
 * families and everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/webhook.h"

#define S 1000LL
#define H (3600 * S)

static void retry_doubles_up_to_an_hour(void **state) {
  (void)state;
  int64_t t0 = 1000000;
  assert_int_equal(pl_webhook_retry_at(1, t0, t0), t0 + 1 * S);
  assert_int_equal(pl_webhook_retry_at(2, t0, t0), t0 + 2 * S);
  assert_int_equal(pl_webhook_retry_at(3, t0, t0 + 5 * S), t0 + 5 * S + 4 * S);
  assert_int_equal(pl_webhook_retry_at(12, t0, t0), t0 + 2048 * S);
  assert_int_equal(pl_webhook_retry_at(13, t0, t0), t0 + H); /* 4096 s capped */
  assert_int_equal(pl_webhook_retry_at(1000, t0, t0), t0 + H);
}

static void retry_ends_after_a_day(void **state) {
  (void)state;
  int64_t t0 = 5000;
  /* an hour before the day's end, the next try is at its end, not past it */
  assert_int_equal(pl_webhook_retry_at(20, t0, t0 + 23 * H + 30 * 60 * S), t0 + 24 * H);
  assert_int_equal(pl_webhook_retry_at(20, t0, t0 + 24 * H), -1);
  assert_int_equal(pl_webhook_retry_at(1, t0, t0 + 25 * H), -1);
  /* a day of tries: about 12 quick doublings, then hourly */
  int n = 0;
  for (int64_t now = t0; now >= 0; n++)
    now = pl_webhook_retry_at(n + 1, t0, now);
  assert_in_range(n, 30, 40);
}

static void patterns_match_names_families_and_all(void **state) {
  (void)state;
  assert_true(pl_webhook_matches("floor.changed", "floor.changed"));
  assert_false(pl_webhook_matches("floor.changed", "floor.changed2"));
  assert_false(pl_webhook_matches("floor.change", "floor.changed"));
  assert_true(pl_webhook_matches("queue.added,floor.*", "floor.expired"));
  assert_false(pl_webhook_matches("floor.*", "floorx.changed"));
  assert_false(pl_webhook_matches("floor.*", "queue.added"));
  assert_true(pl_webhook_matches("*", "procedure.closed"));
  assert_false(pl_webhook_matches("", "floor.changed"));
  assert_true(pl_webhook_pattern_is_valid("*"));
  assert_true(pl_webhook_pattern_is_valid("floor.*"));
  assert_true(pl_webhook_pattern_is_valid("meeting.changed"));
  assert_false(pl_webhook_pattern_is_valid(""));
  assert_false(pl_webhook_pattern_is_valid("floor,queue"));
  assert_false(pl_webhook_pattern_is_valid("Floor.changed"));
  assert_false(pl_webhook_pattern_is_valid("fl*or"));
  assert_false(pl_webhook_pattern_is_valid(".*"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(retry_doubles_up_to_an_hour),
      cmocka_unit_test(retry_ends_after_a_day),
      cmocka_unit_test(patterns_match_names_families_and_all),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
