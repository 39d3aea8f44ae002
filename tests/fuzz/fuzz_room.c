/*
 * Fuzz target: sequences of commands against the room core. The bytes are
 * read as a programme of steps (which actor, which command, its arguments,
 * how far the clock moves); each step is decided on the const room, and
 * then, as the shell does, reserved and applied. After every step the
 * room's invariants must hold:
 *   - a refusal has a message and no events; every event decided applies;
 *   - entry ids are unique across every list and the floor;
 *   - whoever holds the floor is on no list; a paused or empty floor has
 *     no deadline but the lists' inscription deadlines; ledgers and time
 *     contingents never go negative, and no contingent is drawn past its
 *     time;
 * and at the end the log, replayed on a fresh room, must rebuild the same
 * lists and floor (how the server restarts). Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/room.h"

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 256
#define MAX_LOG (MAX_STEPS * PL_MAX_EVENTS)

static pl_actor actor(int i) {
  static const struct {
    pl_role role;
    const char *id, *name;
    pl_delegation_kind kind;
    pl_presence presence;
  } who[] = {
      {PL_ROLE_CHAIR, "d1", "Secretariat", PL_DELEGATION_SECRETARIAT, PL_PRESENCE_ROOM},
      {PL_ROLE_DELEGATE, "d2", "France", PL_DELEGATION_STATE, PL_PRESENCE_ROOM},
      {PL_ROLE_DELEGATE, "d3", "Brazil", PL_DELEGATION_STATE, PL_PRESENCE_REMOTE},
      {PL_ROLE_OBSERVER, "d4", "Access Now", PL_DELEGATION_NGO, PL_PRESENCE_REMOTE},
      {PL_ROLE_VIEWER, "d5", "Public", PL_DELEGATION_NGO, PL_PRESENCE_ROOM},
  };
  pl_actor a;
  memset(&a, 0, sizeof a);
  i %= (int)(sizeof who / sizeof who[0]);
  a.role = who[i].role;
  a.presides = i == 0;
  snprintf(a.participant, sizeof a.participant, "p%d", i + 1);
  snprintf(a.delegation.id, sizeof a.delegation.id, "%s", who[i].id);
  snprintf(a.delegation.name, sizeof a.delegation.name, "%s", who[i].name);
  a.delegation.kind = who[i].kind;
  snprintf(a.name, sizeof a.name, "%s", who[i].name);
  a.presence = who[i].presence;
  a.region = i == 1 ? PL_GROUP_WESTERN_EUROPEAN_OTHER : i == 2 ? PL_GROUP_LATIN_AMERICAN_CARIBBEAN : -1;
  a.rank = (pl_rank)(i % (int)pl_rank_count);
  return a;
}

static const char *const group_keys[] = {"african", "western_european_other",
                                         "latin_american_caribbean"};

/* An entry id that may exist: "e1".."e16". */
static void entry_id(uint8_t b, char *buf, size_t len) {
  snprintf(buf, len, "e%u", (unsigned)(b % 16) + 1);
}

static pl_err decide(const pl_room *r, input *in, int64_t now, pl_events *out) {
  pl_actor a = actor(next(in));
  uint8_t op = next(in), arg = next(in);
  char id[PL_ID_LEN];
  entry_id(arg, id, sizeof id);
  switch (op % 21) {
  case 0:
  case 1: {
    pl_request req = {.kind = (pl_speech_kind)(arg % pl_speech_kind_count),
                      .on_behalf = arg & 0x80 ? "african" : NULL};
    return pl_room_request(r, &a, &req, now, out);
  }
  case 2: return pl_room_withdraw(r, &a, id, now, out);
  case 3: return pl_room_update_entry(r, &a, id, arg & 1 ? "Ms Dupont" : "", now, out);
  case 4: return pl_room_ready(r, &a, now, out);
  case 5: return pl_room_start(r, &a, now, out);
  case 6: return pl_room_next(r, &a, now, out);
  case 7: return pl_room_give(r, &a, id, now, out);
  case 8: return pl_room_pause(r, &a, now, out);
  case 9: return pl_room_resume(r, &a, now, out);
  case 10: return pl_room_extend(r, &a, (int32_t)(arg % 130) - 2, now, out);
  case 11: return pl_room_end(r, &a, now, out);
  case 12: return pl_room_move(r, &a, id, (int32_t)(arg % 8) - 1, now, out);
  case 13: return pl_room_remove(r, &a, id, now, out);
  case 14: return pl_room_close(r, &a, now, out);
  case 15: return pl_room_open(r, &a, now, out);
  case 16: {
    char item[PL_ID_LEN];
    snprintf(item, sizeof item, "i%u", (unsigned)(arg % 4) + 1);
    return pl_room_open_item(r, &a, item, now, out);
  }
  case 17: return pl_room_add_contingent(r, &a, group_keys[arg % 3], (int32_t)(arg % 40) - 2,
                                         now, out);
  case 18: {
    char item[PL_ID_LEN];
    snprintf(item, sizeof item, "i%u", (unsigned)(arg % 4) + 1);
    return pl_room_set_deadline(r, &a, item, arg & 0x80 ? 0 : now + (int64_t)(arg % 60) * 1000 - 5000,
                                now, out);
  }
  case 19: {
    /* on behalf of a regional group, or jointly with France and Brazil */
    pl_delegation_ref joint[2];
    memset(joint, 0, sizeof joint);
    snprintf(joint[0].id, sizeof joint[0].id, "d2");
    snprintf(joint[1].id, sizeof joint[1].id, "d3");
    joint[0].kind = joint[1].kind = arg & 0x40 ? PL_DELEGATION_NGO : PL_DELEGATION_STATE;
    pl_request req = {.kind = (pl_speech_kind)(arg % pl_speech_kind_count),
                      .on_behalf = arg & 0x20 ? "joint" : group_keys[arg % 3],
                      .joint = joint, .n_joint = (arg >> 3) % 3};
    return pl_room_request(r, &a, &req, now, out);
  }
  default: return pl_room_disconnected(r, a.participant, now, out);
  }
}

static void check(const pl_room *r) {
  char seen[512][PL_ID_LEN];
  size_t n = 0;
  for (size_t k = 0; k < r->n_items; k++) {
    const pl_item *it = &r->items[k];
    for (size_t t = 0; t < it->n_tally; t++)
      if (it->tally[t].replies < 0 || it->tally[t].interventions < 0)
        abort();
    for (size_t c = 0; c < it->n_cont; c++)
      if (it->cont[c].used_ms < 0 || it->cont[c].added_ms < 0 ||
          it->cont[c].used_ms > (int64_t)r->policy.contingent_s * 1000 + it->cont[c].added_ms ||
          pl_room_contingent_left(r, it, it->cont[c].group) < 0)
        abort();
    if (it->list_closed && it->deadline_at)
      abort(); /* a closed list keeps no deadline */
    for (size_t q = 0; q < it->n_queue; q++) {
      for (size_t j = 0; j < n; j++)
        if (strcmp(seen[j], it->queue[q].id) == 0)
          abort(); /* one entry on two lists, or twice on one */
      if (n < 512)
        memcpy(seen[n++], it->queue[q].id, PL_ID_LEN);
    }
  }
  const pl_floor *f = &r->floor;
  if (f->held) {
    for (size_t j = 0; j < n; j++)
      if (strcmp(seen[j], f->entry.id) == 0)
        abort(); /* on the floor and still waiting */
    /* zero only when the floor was given on a spent contingent */
    if (f->elapsed_ms < 0 || f->allotted_ms < 0 || (f->allotted_ms == 0 && !f->entry.contingent[0]))
      abort();
  }
  int64_t lists = 0;
  for (size_t k = 0; k < r->n_items; k++)
    if (!r->items[k].list_closed && r->items[k].deadline_at &&
        (!lists || r->items[k].deadline_at < lists))
      lists = r->items[k].deadline_at;
  if ((!f->held || f->paused) && pl_room_deadline(r) != lists)
    abort();
  if (r->current >= r->n_items)
    abort();
}

static void same(const pl_room *a, const pl_room *b) {
  if (a->current != b->current || a->next_entry != b->next_entry ||
      a->floor.held != b->floor.held)
    abort();
  if (a->floor.held &&
      (strcmp(a->floor.entry.id, b->floor.entry.id) != 0 || a->floor.phase != b->floor.phase ||
       a->floor.elapsed_ms != b->floor.elapsed_ms || a->floor.paused != b->floor.paused ||
       a->floor.allotted_ms != b->floor.allotted_ms))
    abort();
  for (size_t k = 0; k < a->n_items; k++) {
    const pl_item *x = &a->items[k], *y = &b->items[k];
    if (x->n_queue != y->n_queue || x->list_closed != y->list_closed ||
        x->deadline_at != y->deadline_at || x->n_cont != y->n_cont ||
        x->spent_ms != y->spent_ms || x->open_since != y->open_since)
      abort();
    for (size_t c = 0; c < x->n_cont; c++)
      if (x->cont[c].used_ms != y->cont[c].used_ms || x->cont[c].added_ms != y->cont[c].added_ms)
        abort();
    for (size_t q = 0; q < x->n_queue; q++)
      if (strcmp(x->queue[q].id, y->queue[q].id) != 0 ||
          x->queue[q].allotted_ms != y->queue[q].allotted_ms)
        abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pl_event log[MAX_LOG];
  size_t n_log = 0;
  pl_policy policy;
  pl_policy_default(&policy);
  input in = {data, size};
  uint8_t p = next(&in);
  policy.on_expiry = p & 1 ? PL_ON_EXPIRY_CUT : PL_ON_EXPIRY_WARN;
  /* the other bits: contingents of 0 to 30 s, protocol order, joint_min 2 */
  policy.contingent_s = (int32_t)((p >> 1) % 4) * 10;
  policy.order = p & 0x20 ? PL_ORDER_PROTOCOL : PL_ORDER_ASKED;
  policy.joint_min = 2;
  pl_item_def items[3];
  memset(items, 0, sizeof items);
  for (int i = 0; i < 3; i++) {
    snprintf(items[i].id, sizeof items[i].id, "i%d", i + 1);
    snprintf(items[i].title, sizeof items[i].title, "Item %d", i + 1);
    items[i].kind = i == 2 ? PL_ITEM_STAKEHOLDER : PL_ITEM_GENERAL;
  }
  pl_room r, again;
  if (pl_room_init(&r, &policy, items, 3) != PL_ERR_OK)
    return 0;
  int64_t now = 1700000000000LL;
  pl_events out;
  for (int step = 0; step < MAX_STEPS && in.n; step++) {
    memset(&out, 0, sizeof out);
    uint8_t clock = next(&in);
    now += (int64_t)(clock & 0x7f) * (clock & 0x80 ? 1000 : 10);
    pl_err e = (clock % 7 == 0) ? pl_room_tick(&r, now, &out) : decide(&r, &in, now, &out);
    if (e != PL_ERR_OK) {
      if (out.n != 0 || out.message[0] == '\0')
        abort();
      continue;
    }
    if (out.overflow || pl_room_reserve(&r, out.ev, out.n) != PL_ERR_OK)
      abort();
    for (size_t i = 0; i < out.n; i++) {
      if (pl_room_apply(&r, &out.ev[i]) != PL_ERR_OK)
        abort();
      log[n_log++] = out.ev[i];
    }
    check(&r);
  }
  if (pl_room_init(&again, &policy, items, 3) != PL_ERR_OK) {
    pl_room_release(&r);
    return 0;
  }
  for (size_t i = 0; i < n_log; i++)
    if (pl_room_reserve(&again, &log[i], 1) != PL_ERR_OK || pl_room_apply(&again, &log[i]))
      abort();
  same(&r, &again);
  pl_room_release(&again);
  pl_room_release(&r);
  return 0;
}
