/*
 * Unit tests of adjourning (server/core/room_sitting.c): suspend, resume and
 * close; who may; what a suspended and a closed meeting refuse; the floor's
 * clock across a suspension (no one loses time); the speech on the floor
 * at the close goes on the record; and the log replayed on a fresh room
 * rebuilds the same room.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/room.h"
#include "room_equal.h"

#define T0 1700000000000LL
#define MAX_LOG 64

static pl_room room;
static pl_policy policy;
static pl_item_def items[2];
static pl_event logged[MAX_LOG];
static size_t n_logged;
static pl_actor chair, kenya;

static pl_actor actor(const char *id, pl_role role, bool presides, pl_delegation_kind kind) {
  pl_actor a;
  memset(&a, 0, sizeof a);
  snprintf(a.participant, sizeof a.participant, "%s", id);
  snprintf(a.name, sizeof a.name, "Speaker %s", id);
  snprintf(a.delegation.id, sizeof a.delegation.id, "d%s", id);
  snprintf(a.delegation.name, sizeof a.delegation.name, "Delegation %s", id);
  a.delegation.kind = kind;
  a.role = role;
  a.presides = presides;
  a.presence = PL_PRESENCE_ROOM;
  return a;
}

static int setup(void **state) {
  (void)state;
  pl_policy_default(&policy);
  memset(items, 0, sizeof items);
  snprintf(items[0].id, PL_ID_LEN, "i1");
  snprintf(items[0].title, PL_NAME_LEN, "General");
  snprintf(items[1].id, PL_ID_LEN, "i2");
  snprintf(items[1].title, PL_NAME_LEN, "Stakeholders");
  items[1].kind = PL_ITEM_STAKEHOLDER;
  assert_int_equal(pl_room_init(&room, &policy, items, 2), PL_ERR_OK);
  n_logged = 0;
  chair = actor("1", PL_ROLE_CHAIR, true, PL_DELEGATION_SECRETARIAT);
  kenya = actor("2", PL_ROLE_DELEGATE, false, PL_DELEGATION_STATE);
  return 0;
}

/* Replays the log on a fresh room: it must equal the room. */
static int teardown(void **state) {
  (void)state;
  pl_room again;
  assert_int_equal(pl_room_init(&again, &policy, items, 2), PL_ERR_OK);
  for (size_t i = 0; i < n_logged; i++) {
    assert_int_equal(pl_room_reserve(&again, &logged[i], 1), PL_ERR_OK);
    assert_int_equal(pl_room_apply(&again, &logged[i]), PL_ERR_OK);
  }
  assert_room_equal(&room, &again);
  pl_room_release(&again);
  pl_room_release(&room);
  return 0;
}

/* Checks a decision, applies its events and logs them; returns how many. */
static size_t take(pl_err got, pl_err want, const pl_events *out) {
  if (got != want)
    fail_msg("got %s, want %s (%s)", pl_err_code(got), pl_err_code(want), out->message);
  if (got != PL_ERR_OK) {
    assert_int_equal(out->n, 0);
    assert_true(out->message[0] != '\0');
    return 0;
  }
  assert_int_equal(pl_room_reserve(&room, out->ev, out->n), PL_ERR_OK);
  for (size_t i = 0; i < out->n; i++) {
    assert_int_equal(pl_room_apply(&room, &out->ev[i]), PL_ERR_OK);
    assert_true(n_logged < MAX_LOG);
    logged[n_logged++] = out->ev[i];
  }
  return out->n;
}

static void kenya_speaks(int64_t at) {
  pl_events out;
  pl_request req = {.kind = PL_SPEECH_STATEMENT};
  take(pl_room_request(&room, &kenya, &req, at, &out), PL_ERR_OK, &out);
  take(pl_room_next(&room, &chair, at, &out), PL_ERR_OK, &out);
}

static void test_suspend_pauses_the_floor_and_resume_keeps_it_paused(void **state) {
  (void)state;
  pl_events out;
  kenya_speaks(T0);
  assert_int_equal(take(pl_room_suspend(&room, &chair, T0 + 60000, &out), PL_ERR_OK, &out), 2);
  assert_int_equal(out.ev[0].type, PL_EV_FLOOR_CHANGED);
  assert_true(out.ev[0].floor.paused);
  assert_int_equal(out.ev[0].floor.pause_reason, PL_PAUSE_CHAIR);
  assert_int_equal(out.ev[1].type, PL_EV_MEETING_SUSPENDED);
  assert_string_equal(out.ev[1].item, "i1");
  assert_int_equal(room.sitting, PL_SITTING_SUSPENDED);
  /* No clock runs while suspended: no deadline, and a night later the
   * speaker has spoken the minute they had. */
  assert_int_equal(pl_room_deadline(&room), 0);
  int64_t night = T0 + 16LL * 3600 * 1000;
  assert_int_equal(pl_floor_spoken_ms(&room.floor, night), 60000);
  assert_int_equal(take(pl_room_resume_sitting(&room, &chair, night, &out), PL_ERR_OK, &out),
                   1);
  assert_int_equal(out.ev[0].type, PL_EV_MEETING_RESUMED);
  assert_int_equal(room.sitting, PL_SITTING_OPEN);
  assert_true(room.floor.paused);
  take(pl_room_resume(&room, &chair, night, &out), PL_ERR_OK, &out);
  assert_int_equal(pl_floor_spoken_ms(&room.floor, night + 1000), 61000);
}

static void test_suspend_with_nobody_speaking(void **state) {
  (void)state;
  pl_events out;
  assert_int_equal(take(pl_room_suspend(&room, &chair, T0, &out), PL_ERR_OK, &out), 1);
  assert_int_equal(out.ev[0].type, PL_EV_MEETING_SUSPENDED);
  take(pl_room_suspend(&room, &chair, T0, &out), PL_ERR_CONFLICT, &out);
  assert_non_null(strstr(out.message, "suspended"));
}

static void test_only_whoever_presides(void **state) {
  (void)state;
  pl_events out;
  take(pl_room_suspend(&room, &kenya, T0, &out), PL_ERR_FORBIDDEN, &out);
  assert_string_equal(out.message, "only the chair may suspend the meeting");
  take(pl_room_close_sitting(&room, &kenya, T0, &out), PL_ERR_FORBIDDEN, &out);
  take(pl_room_resume_sitting(&room, &chair, T0, &out), PL_ERR_CONFLICT, &out);
  assert_string_equal(out.message, "the meeting is open: it cannot be resumed");
  take(pl_room_suspend(&room, &chair, T0, &out), PL_ERR_OK, &out);
  take(pl_room_resume_sitting(&room, &kenya, T0, &out), PL_ERR_FORBIDDEN, &out);
}

static void test_what_a_suspended_meeting_takes(void **state) {
  (void)state;
  pl_events out;
  pl_request req = {.kind = PL_SPEECH_STATEMENT};
  take(pl_room_request(&room, &kenya, &req, T0, &out), PL_ERR_OK, &out);
  take(pl_room_suspend(&room, &chair, T0, &out), PL_ERR_OK, &out);
  take(pl_room_sitting_allows(&room, PL_ACT_BUSINESS, &out), PL_ERR_CONFLICT, &out);
  assert_string_equal(out.message, "the meeting is suspended: the chair resumes it first");
  take(pl_room_sitting_allows(&room, PL_ACT_TIDY, &out), PL_ERR_OK, &out);
  take(pl_room_resume_sitting(&room, &chair, T0, &out), PL_ERR_OK, &out);
  take(pl_room_sitting_allows(&room, PL_ACT_BUSINESS, &out), PL_ERR_OK, &out);
}

static void test_close_ends_the_speech_on_the_record(void **state) {
  (void)state;
  pl_events out;
  kenya_speaks(T0);
  assert_int_equal(take(pl_room_close_sitting(&room, &chair, T0 + 90000, &out), PL_ERR_OK,
                        &out),
                   3);
  assert_int_equal(out.ev[0].type, PL_EV_SPEECH_ENDED);
  assert_int_equal(out.ev[0].speech.spoken_ms, 90000);
  assert_int_equal(out.ev[1].type, PL_EV_FLOOR_CHANGED);
  assert_false(out.ev[1].floor.held);
  assert_int_equal(out.ev[2].type, PL_EV_MEETING_CLOSED);
  assert_int_equal(room.sitting, PL_SITTING_CLOSED);
  assert_false(room.floor.held);
  /* Closed: nothing more, not even tidying, nor closing again. */
  take(pl_room_sitting_allows(&room, PL_ACT_TIDY, &out), PL_ERR_CONFLICT, &out);
  assert_string_equal(out.message, "the meeting is closed");
  take(pl_room_sitting_allows(&room, PL_ACT_BUSINESS, &out), PL_ERR_CONFLICT, &out);
  take(pl_room_close_sitting(&room, &chair, T0, &out), PL_ERR_CONFLICT, &out);
  take(pl_room_suspend(&room, &chair, T0, &out), PL_ERR_CONFLICT, &out);
  take(pl_room_resume_sitting(&room, &chair, T0, &out), PL_ERR_CONFLICT, &out);
}

static void test_a_suspended_meeting_may_close(void **state) {
  (void)state;
  pl_events out;
  kenya_speaks(T0);
  take(pl_room_suspend(&room, &chair, T0 + 1000, &out), PL_ERR_OK, &out);
  take(pl_room_close_sitting(&room, &chair, T0 + 5000, &out), PL_ERR_OK, &out);
  /* paused at the suspension: a second spoken, not five */
  assert_int_equal(out.ev[0].speech.spoken_ms, 1000);
  assert_int_equal(room.sitting, PL_SITTING_CLOSED);
}

static void test_apply_refuses_an_impossible_order(void **state) {
  (void)state;
  pl_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = PL_EV_MEETING_RESUMED;
  assert_int_equal(pl_room_apply(&room, &ev), PL_ERR_INTERNAL);
  ev.type = PL_EV_MEETING_CLOSED;
  assert_int_equal(pl_room_apply(&room, &ev), PL_ERR_OK);
  logged[n_logged++] = ev;
  assert_int_equal(pl_room_apply(&room, &ev), PL_ERR_INTERNAL);
  ev.type = PL_EV_MEETING_SUSPENDED;
  assert_int_equal(pl_room_apply(&room, &ev), PL_ERR_INTERNAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(test_suspend_pauses_the_floor_and_resume_keeps_it_paused),
      T(test_suspend_with_nobody_speaking),
      T(test_only_whoever_presides),
      T(test_what_a_suspended_meeting_takes),
      T(test_close_ends_the_speech_on_the_record),
      T(test_a_suspended_meeting_may_close),
      T(test_apply_refuses_an_impossible_order),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
