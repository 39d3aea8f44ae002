/*
 * The room's snapshot codec (wire/snapshot.h), driven by the model test's
 * random walk: this file includes test_room_model.c with PL_MODEL_SNAPSHOTS,
 * so every time the walk replays its log, snapshot_check below also takes
 * snapshots of the replayed room at several k (the start, the end, the
 * middle and a point that moves), and proves for each that
 *   decode(snapshot at k) == replay(events up to k), byte for byte again
 *   when encoded, and
 *   decode(snapshot at k) + replay(events after k) == replay(all).
 * room_equal.h compares every field of the room and stops the build when a
 * struct gains one it does not compare, so a field the codec misses fails
 * here; pl_room_copy, on which the commit path builds a snapshot, is checked
 * at the same k. Then damaged snapshots and those of another version are
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/room.h"
#include "wire/snapshot.h"

static void snapshot_check(const pl_room *live, const pl_policy *p, const pl_item_def *items,
                           size_t n_items, const pl_event *log, size_t n_log);

#define PL_MODEL_SNAPSHOTS 1
#include "test_room_model.c"

#define N_KS 4

/* Events from..to of the log, as the store keeps them (scrub). */
static void apply_all(pl_room *r, const pl_event *log, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    pl_event x = scrub(&log[i]);
    assert_int_equal(pl_room_reserve(r, &x, 1), PL_ERR_OK);
    assert_int_equal(pl_room_apply(r, &x), PL_ERR_OK);
  }
}

static void snapshot_check(const pl_room *live, const pl_policy *p, const pl_item_def *items,
                           size_t n_items, const pl_event *log, size_t n_log) {
  static unsigned long calls;
  /* Every eighth replay is plenty: thousands of logs, four k each, and the
   * sanitized build within its time. */
  if (calls++ % 8)
    return;
  size_t ks[N_KS] = {0, n_log / 2, (size_t)(calls * 7919u) % (n_log + 1), n_log};
  for (size_t i = 1; i < N_KS; i++) /* in order, to take them in one replay */
    for (size_t j = i; j > 0 && ks[j - 1] > ks[j]; j--) {
      size_t t = ks[j];
      ks[j] = ks[j - 1];
      ks[j - 1] = t;
    }
  char *snap[N_KS];
  size_t len[N_KS];
  pl_room at;
  assert_int_equal(pl_room_init(&at, p, items, n_items), PL_ERR_OK);
  for (size_t j = 0, done = 0; j < N_KS; j++) {
    apply_all(&at, log, done, ks[j]);
    done = ks[j];
    snap[j] = pl_snapshot_encode(&at, &len[j]);
    assert_non_null(snap[j]);
    pl_room got;
    char why[128];
    assert_int_equal(pl_snapshot_decode(snap[j], len[j], &got, why, sizeof why), PL_ERR_OK);
    assert_room_equal(&at, &got);
    size_t again_len;
    char *again = pl_snapshot_encode(&got, &again_len);
    assert_non_null(again);
    assert_int_equal(again_len, len[j]);
    assert_memory_equal(again, snap[j], len[j]);
    free(again);
    pl_room_release(&got);
    /* the copy the commit path snapshots on is as whole */
    assert_int_equal(pl_room_copy(&got, &at), PL_ERR_OK);
    assert_room_equal(&at, &got);
    pl_room_release(&got);
  }
  pl_room_release(&at);
  for (size_t j = 0; j < N_KS; j++) {
    pl_room got;
    char why[128];
    assert_int_equal(pl_snapshot_decode(snap[j], len[j], &got, why, sizeof why), PL_ERR_OK);
    apply_all(&got, log, ks[j], n_log);
    assert_room_equal(live, &got);
    pl_room_release(&got);
    free(snap[j]);
  }
}

/* --- refused snapshots ---------------------------------------------------- */

static char *sample(size_t *len) {
  pl_policy p;
  pl_policy_default(&p);
  pl_item_def defs[2] = {{.id = "i1", .title = "General debate", .kind = PL_ITEM_GENERAL},
                         {.id = "i2", .title = "Norms", .planned_s = 600}};
  pl_room r;
  assert_int_equal(pl_room_init(&r, &p, defs, 2), PL_ERR_OK);
  r.sitting = PL_SITTING_SUSPENDED; /* outside the walk: round-tripped here */
  char *text = pl_snapshot_encode(&r, len);
  assert_non_null(text);
  pl_room got;
  char why[128];
  assert_int_equal(pl_snapshot_decode(text, *len, &got, why, sizeof why), PL_ERR_OK);
  assert_room_equal(&r, &got);
  pl_room_release(&got);
  pl_room_release(&r);
  return text;
}

/* The sample with the first `from` replaced by `to`. */
static void refused(const char *text, const char *from, const char *to, const char *says) {
  const char *at = strstr(text, from);
  assert_non_null(at);
  char buf[4096];
  int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
  assert_true(n > 0 && (size_t)n < sizeof buf);
  pl_room got;
  char why[128] = "";
  memset(&got, 0x5A, sizeof got);
  assert_int_equal(pl_snapshot_decode(buf, (size_t)n, &got, why, sizeof why),
                   PL_ERR_BAD_REQUEST);
  if (!strstr(why, says))
    fail_msg("%s -> %s: \"%s\"", from, to, why);
  assert_null(got.items); /* nothing to release */
}

static void test_refused(void **state) {
  (void)state;
  size_t len;
  char *text = sample(&len);
  refused(text, "\"snapshot\":1", "\"snapshot\":2", "version 2");
  refused(text, "\"snapshot\":1", "\"snapshot\":\"1\"", "version");
  refused(text, "{", "[", "not a JSON object");
  refused(text, "\"current\":0", "\"current\":2", "damaged");
  refused(text, "\"current\":0", "\"current\":\"0\"", "damaged");
  refused(text, "\"sitting\":\"suspended\"", "\"sitting\":\"asleep\"", "damaged");
  refused(text, "\"queue\":[]", "\"queue\":[{\"id\":\"e1\"}]", "damaged");
  refused(text, "\"tally\":[]", "\"tally\":[[\"d1\",1]]", "damaged");
  refused(text, "\"n_reply\":", "\"n_replies\":", "damaged");
  refused(text, "\"items\":[", "\"items\":[7,", "damaged");
  /* cut short anywhere: never a room */
  for (size_t cut = 0; cut < len; cut += 7) {
    pl_room got;
    char why[128];
    assert_int_equal(pl_snapshot_decode(text, cut, &got, why, sizeof why), PL_ERR_BAD_REQUEST);
  }
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
