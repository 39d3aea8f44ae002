/*
 * Unit tests of attendance from connections (server/core/attendance.c):
 * each connection has its own presence; a participant is in the room while
 * any connection is, remote only while all are; the order of joins and
 * leaves never changes the answer; offline shows the presence last seen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/attendance.h"

static void test_one_connection(void **state) {
  (void)state;
  pl_attendance a = {0};
  assert_false(pl_attendance_online(&a));
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  assert_true(pl_attendance_online(&a));
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  assert_false(pl_attendance_online(&a));
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
}

/* The case: the first tab in the room, a second joining remotely. */
static void test_room_wins_whatever_joins_last(void **state) {
  (void)state;
  pl_attendance a = {0};
  pl_attendance_add(&a, PL_PRESENCE_ROOM);
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_ROOM);
  pl_attendance b = {0};
  pl_attendance_add(&b, PL_PRESENCE_REMOTE);
  pl_attendance_add(&b, PL_PRESENCE_ROOM);
  assert_int_equal(pl_attendance_presence(&b), PL_PRESENCE_ROOM);
  /* The room tab closes: remote now, and still online. */
  pl_attendance_remove(&a, PL_PRESENCE_ROOM);
  assert_true(pl_attendance_online(&a));
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
  /* The remote one closes too: offline, last seen remote. */
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  assert_false(pl_attendance_online(&a));
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
}

static void test_remote_only_while_all_are(void **state) {
  (void)state;
  pl_attendance a = {0};
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
  pl_attendance_move(&a, PL_PRESENCE_REMOTE, PL_PRESENCE_ROOM);
  assert_int_equal(a.room, 1);
  assert_int_equal(a.remote, 1);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_ROOM);
  pl_attendance_move(&a, PL_PRESENCE_ROOM, PL_PRESENCE_REMOTE);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  assert_false(pl_attendance_online(&a));
}

static void test_offline_shows_last_seen(void **state) {
  (void)state;
  pl_attendance a = {0};
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  pl_attendance_add(&a, PL_PRESENCE_ROOM);
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  pl_attendance_remove(&a, PL_PRESENCE_ROOM);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_ROOM);
}

/* A leave the shell reports twice (a bug elsewhere) never counts below zero. */
static void test_never_below_zero(void **state) {
  (void)state;
  pl_attendance a = {0};
  pl_attendance_remove(&a, PL_PRESENCE_ROOM);
  assert_int_equal(a.room, 0);
  pl_attendance_add(&a, PL_PRESENCE_ROOM);
  assert_true(pl_attendance_online(&a));
}

/* Every order of three joins and their leaves: the answer is the counts'. */
static void test_order_does_not_matter(void **state) {
  (void)state;
  for (unsigned mask = 0; mask < 8; mask++) {
    pl_attendance a = {0};
    int rooms = 0;
    for (int k = 0; k < 3; k++) {
      pl_presence p = (mask >> k) & 1 ? PL_PRESENCE_ROOM : PL_PRESENCE_REMOTE;
      rooms += p == PL_PRESENCE_ROOM;
      pl_attendance_add(&a, p);
    }
    assert_int_equal(pl_attendance_presence(&a), rooms ? PL_PRESENCE_ROOM : PL_PRESENCE_REMOTE);
    for (int k = 2; k >= 0; k--) {
      pl_presence p = (mask >> k) & 1 ? PL_PRESENCE_ROOM : PL_PRESENCE_REMOTE;
      rooms -= p == PL_PRESENCE_ROOM;
      pl_attendance_remove(&a, p);
      if (pl_attendance_online(&a))
        assert_int_equal(pl_attendance_presence(&a), rooms ? PL_PRESENCE_ROOM : PL_PRESENCE_REMOTE);
    }
    assert_false(pl_attendance_online(&a));
  }
}

/* Other nodes' connections count as this node's would: in the room if any
 * is anywhere, and the local counts are left as they are. */
static void test_plus_other_nodes(void **state) {
  (void)state;
  pl_attendance a = {0};
  pl_attendance_add(&a, PL_PRESENCE_REMOTE);
  pl_attendance t = pl_attendance_plus(&a, 1, 0);
  assert_int_equal(t.room, 1);
  assert_int_equal(t.remote, 1);
  assert_int_equal(pl_attendance_presence(&t), PL_PRESENCE_ROOM);
  assert_int_equal(pl_attendance_presence(&a), PL_PRESENCE_REMOTE);
  /* none here, one remote elsewhere: online, remote */
  pl_attendance_remove(&a, PL_PRESENCE_REMOTE);
  t = pl_attendance_plus(&a, 0, 1);
  assert_true(pl_attendance_online(&t));
  assert_int_equal(pl_attendance_presence(&t), PL_PRESENCE_REMOTE);
  /* none anywhere: offline, as last seen here */
  t = pl_attendance_plus(&a, 0, 0);
  assert_false(pl_attendance_online(&t));
  assert_int_equal(pl_attendance_presence(&t), PL_PRESENCE_REMOTE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_connection),
      cmocka_unit_test(test_room_wins_whatever_joins_last),
      cmocka_unit_test(test_remote_only_while_all_are),
      cmocka_unit_test(test_offline_shows_last_seen),
      cmocka_unit_test(test_never_below_zero),
      cmocka_unit_test(test_order_does_not_matter),
      cmocka_unit_test(test_plus_other_nodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
