/*
 * Field-by-field comparison of two rooms, for the replay checks of
 * test_room.c and test_room_model.c (a room rebuilt from its event log must
 * equal the one that emitted the events). No memcmp: padding and the bytes
 * after a NUL are not state. Include after cmocka.h.
 */
#ifndef PL_TEST_ROOM_EQUAL_H
#define PL_TEST_ROOM_EQUAL_H

#include "core/room.h"

/* Every field of the room is compared below. A field added to one of these
 * structs changes its size and stops the build here until it is compared
 * too; test_shell_snapshot.c then proves the snapshot codec carries it.
 * (Sizes of x86-64, the one ABI we build for.) */
#if defined(__x86_64__)
_Static_assert(sizeof(pl_room) == 1160 && sizeof(pl_item) == 264 &&
                   sizeof(pl_entry) == 944 && sizeof(pl_floor) == 1048 &&
                   sizeof(pl_policy) == 76 && sizeof(pl_item_def) == 160 &&
                   sizeof(pl_tally) == 32 && sizeof(pl_contingent) == 48,
               "a field was added to the room: compare it in room_equal.h, and carry it in "
               "wire/snapshot.c");
#endif

static void assert_entry_equal(const pl_entry *a, const pl_entry *b) {
  assert_string_equal(a->id, b->id);
  assert_string_equal(a->delegation.id, b->delegation.id);
  assert_string_equal(a->delegation.name, b->delegation.name);
  assert_int_equal(a->delegation.kind, b->delegation.kind);
  assert_string_equal(a->participant, b->participant);
  assert_string_equal(a->speaker, b->speaker);
  assert_string_equal(a->on_behalf, b->on_behalf);
  assert_int_equal(a->kind, b->kind);
  assert_int_equal(a->presence, b->presence);
  assert_int_equal(a->requested_at, b->requested_at);
  assert_int_equal(a->allotted_ms, b->allotted_ms);
  assert_string_equal(a->on_behalf_name, b->on_behalf_name);
  assert_string_equal(a->contingent, b->contingent);
  assert_int_equal(a->n_joint, b->n_joint);
  for (size_t i = 0; i < a->n_joint && i < PL_MAX_JOINT; i++)
    assert_string_equal(a->joint[i], b->joint[i]);
  assert_int_equal(a->by_rank, b->by_rank);
  assert_int_equal(a->rank, b->rank);
}

static void assert_policy_equal(const pl_policy *a, const pl_policy *b) {
  assert_int_equal(a->statement_s, b->statement_s);
  assert_int_equal(a->group_statement_s, b->group_statement_s);
  assert_int_equal(a->observer_statement_s, b->observer_statement_s);
  assert_int_equal(a->point_of_order_s, b->point_of_order_s);
  for (size_t i = 0; i < PL_MAX_REPLIES; i++)
    assert_int_equal(a->reply_s[i], b->reply_s[i]);
  assert_int_equal(a->n_reply, b->n_reply);
  assert_int_equal(a->observer_items, b->observer_items);
  assert_int_equal(a->observer_max_per_item, b->observer_max_per_item);
  assert_int_equal(a->on_expiry, b->on_expiry);
  assert_int_equal(a->joint_min, b->joint_min);
  assert_int_equal(a->contingent_s, b->contingent_s);
  assert_int_equal(a->order, b->order);
}

static void assert_room_equal(const pl_room *a, const pl_room *b) {
  assert_int_equal(a->n_items, b->n_items);
  assert_int_equal(a->current, b->current);
  assert_int_equal(a->next_entry, b->next_entry);
  assert_int_equal(a->sitting, b->sitting);
  assert_policy_equal(&a->policy, &b->policy);
  for (size_t k = 0; k < a->n_items; k++) {
    const pl_item *x = &a->items[k], *y = &b->items[k];
    assert_string_equal(x->def.id, y->def.id);
    assert_string_equal(x->def.title, y->def.title);
    assert_int_equal(x->def.kind, y->def.kind);
    assert_int_equal(x->def.planned_s, y->def.planned_s);
    assert_int_equal(x->list_closed, y->list_closed);
    assert_int_equal(x->deadline_at, y->deadline_at);
    assert_int_equal(x->open_since, y->open_since);
    assert_int_equal(x->spent_ms, y->spent_ms);
    assert_int_equal(x->n_queue, y->n_queue);
    for (size_t i = 0; i < x->n_queue; i++)
      assert_entry_equal(&x->queue[i], &y->queue[i]);
    assert_int_equal(x->n_tally, y->n_tally);
    for (size_t i = 0; i < x->n_tally; i++) {
      assert_string_equal(x->tally[i].delegation, y->tally[i].delegation);
      assert_int_equal(x->tally[i].replies, y->tally[i].replies);
      assert_int_equal(x->tally[i].interventions, y->tally[i].interventions);
    }
    assert_int_equal(x->n_cont, y->n_cont);
    for (size_t i = 0; i < x->n_cont; i++) {
      assert_string_equal(x->cont[i].group, y->cont[i].group);
      assert_int_equal(x->cont[i].added_ms, y->cont[i].added_ms);
      assert_int_equal(x->cont[i].used_ms, y->cont[i].used_ms);
    }
  }
  const pl_floor *f = &a->floor, *g = &b->floor;
  assert_int_equal(f->held, g->held);
  assert_entry_equal(&f->entry, &g->entry);
  assert_string_equal(f->item, g->item);
  assert_int_equal(f->phase, g->phase);
  assert_int_equal(f->called_at, g->called_at);
  assert_int_equal(f->started_at, g->started_at);
  assert_int_equal(f->running_since, g->running_since);
  assert_int_equal(f->elapsed_ms, g->elapsed_ms);
  assert_int_equal(f->allotted_ms, g->allotted_ms);
  assert_int_equal(f->paused, g->paused);
  assert_int_equal(f->pause_reason, g->pause_reason);
  assert_int_equal(f->overrun, g->overrun);
  assert_int_equal(f->contingent_ms, g->contingent_ms);
  assert_int_equal(f->returned_at, g->returned_at);
}

#endif
