/*
 * Unit tests of the room core (server/core/room*.c): every command, every
 * refusal with its exact error, the order of the list, the ledgers, the
 * floor clock, expiry under warn and cut, the disconnect pause, and that
 * replaying the events of each test on a fresh room rebuilds the same state.
 *
 * Each test drives a fixture that decides, checks the result, applies the
 * events and keeps them in a log; the teardown replays the log and compares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/groups.h"
#include "core/room.h"
#include "room_equal.h"

#define T0 1700000000000LL /* an instant far from 0, as the shell gives */
#define MAX_LOG 512

typedef struct fx {
  pl_policy policy;
  pl_item_def items[3];
  size_t n_items;
  pl_room r;
  pl_events out;
  pl_event log[MAX_LOG];
  size_t n_log;
  /* actors */
  pl_actor chair, viewer, fr, de, br_remote, ngo, org, secretariat;
} fx;

static pl_delegation_ref deleg(const char *id, const char *name, pl_delegation_kind kind) {
  pl_delegation_ref d;
  memset(&d, 0, sizeof d);
  snprintf(d.id, sizeof d.id, "%s", id);
  snprintf(d.name, sizeof d.name, "%s", name);
  d.kind = kind;
  return d;
}

static pl_actor actor(const char *pid, const char *name, pl_role role, bool presides,
                      pl_delegation_ref d, pl_presence presence) {
  pl_actor a;
  memset(&a, 0, sizeof a);
  snprintf(a.participant, sizeof a.participant, "%s", pid);
  snprintf(a.name, sizeof a.name, "%s", name);
  a.role = role;
  a.presides = presides;
  a.delegation = d;
  a.presence = presence;
  a.region = -1;
  return a;
}

static void fx_init_room(fx *f) {
  assert_int_equal(pl_room_init(&f->r, &f->policy, f->items, f->n_items), PL_ERR_OK);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  pl_policy_default(&f->policy);
  f->n_items = 3;
  snprintf(f->items[0].id, PL_ID_LEN, "i1");
  snprintf(f->items[0].title, PL_NAME_LEN, "General debate");
  f->items[0].kind = PL_ITEM_GENERAL;
  snprintf(f->items[1].id, PL_ID_LEN, "i2");
  snprintf(f->items[1].title, PL_NAME_LEN, "Stakeholder segment");
  f->items[1].kind = PL_ITEM_STAKEHOLDER;
  snprintf(f->items[2].id, PL_ID_LEN, "i3");
  snprintf(f->items[2].title, PL_NAME_LEN, "Adoption");
  f->items[2].kind = PL_ITEM_GENERAL;
  fx_init_room(f);
  pl_delegation_ref sec = deleg("d0", "Secretariat", PL_DELEGATION_SECRETARIAT);
  f->chair = actor("p1", "Chair", PL_ROLE_CHAIR, true, sec, PL_PRESENCE_ROOM);
  f->secretariat = actor("p9", "Officer", PL_ROLE_SECRETARIAT, true, sec, PL_PRESENCE_ROOM);
  f->viewer = actor("p8", "Viewer", PL_ROLE_VIEWER, false,
                    deleg("d1", "France", PL_DELEGATION_STATE), PL_PRESENCE_ROOM);
  f->fr = actor("p2", "Amb. Dupont", PL_ROLE_DELEGATE, false,
                deleg("d1", "France", PL_DELEGATION_STATE), PL_PRESENCE_ROOM);
  f->de = actor("p3", "Amb. Weber", PL_ROLE_DELEGATE, false,
                deleg("d2", "Germany", PL_DELEGATION_STATE), PL_PRESENCE_ROOM);
  f->br_remote = actor("p4", "Amb. Silva", PL_ROLE_DELEGATE, false,
                       deleg("d3", "Brazil", PL_DELEGATION_STATE), PL_PRESENCE_REMOTE);
  f->ngo = actor("p5", "Ms. Ngo", PL_ROLE_OBSERVER, false,
                 deleg("d4", "Access Now", PL_DELEGATION_NGO), PL_PRESENCE_REMOTE);
  f->org = actor("p6", "Mr. Org", PL_ROLE_OBSERVER, false,
                 deleg("d5", "ITU", PL_DELEGATION_ORGANIZATION), PL_PRESENCE_ROOM);
  f->fr.region = f->de.region = PL_GROUP_WESTERN_EUROPEAN_OTHER;
  f->br_remote.region = PL_GROUP_LATIN_AMERICAN_CARIBBEAN;
  *state = f;
  return 0;
}


static int teardown(void **state) {
  fx *f = *state;
  /* Restart: the same events on a fresh room give the same state. */
  pl_room again;
  assert_int_equal(pl_room_init(&again, &f->policy, f->items, f->n_items), PL_ERR_OK);
  for (size_t i = 0; i < f->n_log; i++) {
    assert_int_equal(pl_room_reserve(&again, &f->log[i], 1), PL_ERR_OK);
    assert_int_equal(pl_room_apply(&again, &f->log[i]), PL_ERR_OK);
  }
  assert_room_equal(&f->r, &again);
  pl_room_release(&again);
  pl_room_release(&f->r);
  free(f);
  return 0;
}

/* Checks a command's result; on success applies its events and logs them;
 * on refusal checks that nothing was produced and that a message was. */
static void fx_apply(fx *f, pl_err got, pl_err want) {
  if (got != want)
    fail_msg("got %s, want %s (message: %s)", pl_err_code(got), pl_err_code(want),
             f->out.message);
  if (got != PL_ERR_OK) {
    assert_int_equal(f->out.n, 0);
    assert_true(strlen(f->out.message) > 0);
    return;
  }
  /* As the shell does: reserve for the whole change, then apply each. */
  assert_int_equal(pl_room_reserve(&f->r, f->out.ev, f->out.n), PL_ERR_OK);
  for (size_t i = 0; i < f->out.n; i++) {
    assert_int_equal(pl_room_apply(&f->r, &f->out.ev[i]), PL_ERR_OK);
    assert_true(f->n_log < MAX_LOG);
    f->log[f->n_log++] = f->out.ev[i];
  }
}

/* A fingerprint of the state (FNV-1a over the fields), to check that a
 * command never mutates the room it decides on. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}

static uint64_t fp_entry(uint64_t h, const pl_entry *e) {
  h = fnv(h, e->id, strlen(e->id));
  h = fnv(h, e->speaker, strlen(e->speaker));
  h = fnv(h, &e->kind, sizeof e->kind);
  return fnv(h, &e->allotted_ms, sizeof e->allotted_ms);
}

static uint64_t fingerprint(const pl_room *r) {
  uint64_t h = 14695981039346656037ULL;
  h = fnv(h, &r->current, sizeof r->current);
  h = fnv(h, &r->next_entry, sizeof r->next_entry);
  for (size_t k = 0; k < r->n_items; k++) {
    const pl_item *it = &r->items[k];
    h = fnv(h, &it->list_closed, sizeof it->list_closed);
    h = fnv(h, &it->n_queue, sizeof it->n_queue);
    for (size_t i = 0; i < it->n_queue; i++)
      h = fp_entry(h, &it->queue[i]);
    for (size_t i = 0; i < it->n_tally; i++) {
      h = fnv(h, &it->tally[i].replies, sizeof it->tally[i].replies);
      h = fnv(h, &it->tally[i].interventions, sizeof it->tally[i].interventions);
    }
  }
  const pl_floor *f = &r->floor;
  h = fnv(h, &f->held, sizeof f->held);
  h = fp_entry(h, &f->entry);
  h = fnv(h, &f->phase, sizeof f->phase);
  h = fnv(h, &f->running_since, sizeof f->running_since);
  h = fnv(h, &f->elapsed_ms, sizeof f->elapsed_ms);
  h = fnv(h, &f->allotted_ms, sizeof f->allotted_ms);
  h = fnv(h, &f->paused, sizeof f->paused);
  return fnv(h, &f->overrun, sizeof f->overrun);
}

#define DO(f, want, call)                                                       \
  do {                                                                          \
    uint64_t before_ = fingerprint(&(f)->r);                                    \
    pl_err got_ = (call);                                                       \
    assert_true(fingerprint(&(f)->r) == before_); /* deciding is pure */        \
    fx_apply((f), got_, (want));                                                \
  } while (0)

static const pl_entry *ask(fx *f, const pl_actor *a, pl_speech_kind kind, int64_t now) {
  pl_request req = {.kind = kind};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, a, &req, now, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_ADDED);
  return pl_item_find_entry(pl_room_current_item(&f->r), f->out.ev[0].entry.id);
}

static pl_err ask_err(fx *f, const pl_actor *a, pl_speech_kind kind, int64_t now) {
  pl_request req = {.kind = kind};
  pl_err e = pl_room_request(&f->r, a, &req, now, &f->out);
  if (e == PL_ERR_OK)
    fx_apply(f, e, e);
  else
    assert_int_equal(f->out.n, 0);
  return e;
}

/* The list of the open item as "e1 e3 e2". */
static const char *order(const fx *f) {
  static char buf[512];
  const pl_item *it = pl_room_current_item(&f->r);
  buf[0] = '\0';
  for (size_t i = 0; i < it->n_queue; i++) {
    if (i)
      strcat(buf, " ");
    strcat(buf, it->queue[i].id);
  }
  return buf;
}

static void open_item(fx *f, const char *id, int64_t now) {
  DO(f, PL_ERR_OK, pl_room_open_item(&f->r, &f->chair, id, now, &f->out));
}

/* ------------------------------------------------------------ the basics */

static void test_names_and_defaults(void **state) {
  (void)state;
  assert_int_equal(pl_event_count, 15);
  assert_string_equal(pl_event_names[PL_EV_QUEUE_DEADLINE], "queue.deadline");
  assert_string_equal(pl_event_names[PL_EV_CONTINGENT_ADDED], "contingent.added");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_ADDED], "queue.added");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_REMOVED], "queue.removed");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_MOVED], "queue.moved");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_UPDATED], "queue.updated");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_CLOSED], "queue.closed");
  assert_string_equal(pl_event_names[PL_EV_QUEUE_OPENED], "queue.opened");
  assert_string_equal(pl_event_names[PL_EV_FLOOR_CHANGED], "floor.changed");
  assert_string_equal(pl_event_names[PL_EV_FLOOR_EXPIRED], "floor.expired");
  assert_string_equal(pl_event_names[PL_EV_SPEECH_ENDED], "speech.ended");
  assert_string_equal(pl_event_names[PL_EV_ITEM], "item");
  assert_string_equal(pl_event_names[PL_EV_MEETING_SUSPENDED], "meeting.suspended");
  assert_string_equal(pl_event_names[PL_EV_MEETING_RESUMED], "meeting.resumed");
  assert_string_equal(pl_event_names[PL_EV_MEETING_CLOSED], "meeting.closed");
  pl_policy p;
  memset(&p, 0x5a, sizeof p);
  pl_policy_default(&p);
  assert_int_equal(p.statement_s, 300);
  assert_int_equal(p.group_statement_s, 420);
  assert_int_equal(p.observer_statement_s, 180);
  assert_int_equal(p.point_of_order_s, 120);
  assert_int_equal(p.n_reply, 2);
  assert_int_equal(p.reply_s[0], 300);
  assert_int_equal(p.reply_s[1], 180);
  assert_int_equal(p.observer_items, PL_OBSERVER_ITEMS_STAKEHOLDER);
  assert_int_equal(p.observer_max_per_item, 1);
  assert_int_equal(p.on_expiry, PL_ON_EXPIRY_WARN);
}

static void test_init_lookups(void **state) {
  fx *f = *state;
  assert_int_equal(f->r.n_items, 3);
  assert_string_equal(pl_room_current_item(&f->r)->def.id, "i1");
  assert_string_equal(pl_room_find_item(&f->r, "i2")->def.title, "Stakeholder segment");
  assert_null(pl_room_find_item(&f->r, "i9"));
  assert_null(pl_room_find_item(&f->r, NULL));
  assert_false(f->r.floor.held);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  assert_int_equal(pl_floor_spoken_ms(&f->r.floor, T0), 0);
  pl_room empty;
  assert_int_equal(pl_room_init(&empty, &f->policy, f->items, 0), PL_ERR_INTERNAL);
}

/* ------------------------------------------------------------- requests */

static void test_request_statement(void **state) {
  fx *f = *state;
  const pl_entry *e = ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  const pl_event *ev = &f->out.ev[0];
  assert_string_equal(ev->item, "i1");
  assert_int_equal(ev->at, T0);
  assert_int_equal(ev->position, 0);
  assert_string_equal(e->id, "e1");
  assert_string_equal(e->delegation.id, "d1");
  assert_string_equal(e->delegation.name, "France");
  assert_string_equal(e->participant, "p2");
  assert_string_equal(e->speaker, "Amb. Dupont");
  assert_string_equal(e->on_behalf, "");
  assert_int_equal(e->kind, PL_SPEECH_STATEMENT);
  assert_int_equal(e->presence, PL_PRESENCE_ROOM);
  assert_int_equal(e->requested_at, T0);
  assert_int_equal(e->allotted_ms, 300000);
  assert_int_equal(f->r.next_entry, 2);
  e = ask(f, &f->de, PL_SPEECH_QUESTION, T0 + 1);
  assert_string_equal(e->id, "e2");
  assert_int_equal(e->allotted_ms, 300000);
  assert_string_equal(order(f), "e1 e2");
}

static void test_request_speaker_and_group(void **state) {
  fx *f = *state;
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .speaker = "Ms. Martin",
                    .on_behalf = "western_european_other"};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  const pl_entry *e = &pl_room_current_item(&f->r)->queue[0];
  assert_string_equal(e->speaker, "Ms. Martin");
  assert_string_equal(e->on_behalf, "western_european_other");
  assert_int_equal(e->allotted_ms, 420000);
  /* a question on behalf of a group is allotted as a question */
  req = (pl_request){.kind = PL_SPEECH_QUESTION, .on_behalf = "western_european_other"};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_int_equal(f->out.ev[0].entry.allotted_ms, 300000);
  assert_string_equal(f->out.ev[0].entry.on_behalf, "western_european_other");
  /* an empty on_behalf is a State speaking for itself */
  req = (pl_request){.kind = PL_SPEECH_QUESTION, .on_behalf = ""};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->de, &req, T0, &f->out));
  assert_int_equal(f->out.ev[0].entry.allotted_ms, 300000);
  assert_string_equal(f->out.ev[0].entry.speaker, "Amb. Weber");
}

static void test_request_names_too_long(void **state) {
  fx *f = *state;
  char longname[PL_NAME_LEN + 10];
  memset(longname, 'x', sizeof longname);
  longname[PL_NAME_LEN] = '\0'; /* PL_NAME_LEN bytes: one too many */
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .speaker = longname};
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "speaker"));
  req = (pl_request){.kind = PL_SPEECH_STATEMENT, .on_behalf = longname};
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "on_behalf"));
  /* fits, but names no group */
  longname[PL_NAME_LEN - 1] = '\0';
  DO(f, PL_ERR_NOT_FOUND, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  longname[PL_NAME_LEN - 1] = 'x';
  req = (pl_request){.kind = PL_SPEECH_STATEMENT, .speaker = ""};
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  req = (pl_request){.kind = (pl_speech_kind)17};
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  /* exactly PL_NAME_LEN - 1 bytes fits */
  longname[PL_NAME_LEN - 1] = '\0';
  req = (pl_request){.kind = PL_SPEECH_STATEMENT, .speaker = longname};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_int_equal(strlen(pl_room_current_item(&f->r)->queue[0].speaker), PL_NAME_LEN - 1);
  assert_int_equal(f->r.next_entry, 2); /* refusals consumed no id */
}

static void test_request_roles(void **state) {
  fx *f = *state;
  assert_int_equal(ask_err(f, &f->viewer, PL_SPEECH_STATEMENT, T0), PL_ERR_FORBIDDEN);
  assert_int_equal(ask_err(f, &f->chair, PL_SPEECH_STATEMENT, T0), PL_ERR_FORBIDDEN);
  assert_int_equal(ask_err(f, &f->secretariat, PL_SPEECH_POINT_OF_ORDER, T0),
                   PL_ERR_FORBIDDEN);
  assert_non_null(strstr(f->out.message, "delegates and observers"));
  assert_int_equal(pl_room_current_item(&f->r)->n_queue, 0);
}

static void test_observer_kinds_forbidden(void **state) {
  fx *f = *state;
  open_item(f, "i2", T0);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_POINT_OF_ORDER, T0), PL_ERR_FORBIDDEN);
  assert_non_null(strstr(f->out.message, "point of order"));
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_FORBIDDEN);
  assert_non_null(strstr(f->out.message, "right of reply"));
  /* a delegate of a non-State is an observer for the policy too */
  pl_actor odd = f->org;
  odd.role = PL_ROLE_DELEGATE;
  assert_int_equal(ask_err(f, &odd, PL_SPEECH_POINT_OF_ORDER, T0), PL_ERR_FORBIDDEN);
}

static void test_observer_items(void **state) {
  fx *f = *state;
  /* default "stakeholder": not in a general item */
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_STATEMENT, T0), PL_ERR_FORBIDDEN);
  assert_non_null(strstr(f->out.message, "stakeholder"));
  open_item(f, "i2", T0);
  const pl_entry *e = ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
  assert_int_equal(e->allotted_ms, 180000);
  assert_string_equal(e->delegation.id, "d4");
  assert_int_equal(e->presence, PL_PRESENCE_REMOTE);
  /* an observer's question is allotted as its statement; only States speak
   * on behalf of a group */
  pl_request req = {.kind = PL_SPEECH_QUESTION, .on_behalf = "african"};
  DO(f, PL_ERR_FORBIDDEN, pl_room_request(&f->r, &f->org, &req, T0, &f->out));
  req.on_behalf = NULL;
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->org, &req, T0, &f->out));
  assert_int_equal(f->out.ev[0].entry.allotted_ms, 180000);
}

static void test_observer_items_any_and_none(void **state) {
  fx *f = *state;
  pl_room_release(&f->r);
  f->policy.observer_items = PL_OBSERVER_ITEMS_ANY;
  fx_init_room(f);
  ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
  pl_room_release(&f->r);
  f->n_log = 0;
  f->policy.observer_items = PL_OBSERVER_ITEMS_NONE;
  fx_init_room(f);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_STATEMENT, T0), PL_ERR_FORBIDDEN);
  assert_non_null(strstr(f->out.message, "no item"));
  open_item(f, "i2", T0);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_QUESTION, T0), PL_ERR_FORBIDDEN);
  /* States are not affected */
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
}

static void test_observer_limit(void **state) {
  fx *f = *state;
  open_item(f, "i2", T0);
  const pl_entry *e = ask(f, &f->ngo, PL_SPEECH_QUESTION, T0);
  char id[PL_ID_LEN];
  snprintf(id, sizeof id, "%s", e->id);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_STATEMENT, T0), PL_ERR_LIMIT);
  assert_string_equal(f->out.message, "observers may make at most 1 intervention per item");
  /* another observer body has its own ledger */
  ask(f, &f->org, PL_SPEECH_STATEMENT, T0);
  /* withdrawn: it no longer counts */
  DO(f, PL_ERR_OK, pl_room_withdraw(&f->r, &f->ngo, id, T0, &f->out));
  e = ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
  snprintf(id, sizeof id, "%s", e->id);
  /* removed by the chair: no longer counts either */
  DO(f, PL_ERR_OK, pl_room_remove(&f->r, &f->chair, id, T0, &f->out));
  e = ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
  snprintf(id, sizeof id, "%s", e->id);
  /* called and spoken: still counts */
  DO(f, PL_ERR_OK, pl_room_give(&f->r, &f->chair, id, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 1000, &f->out));
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_STATEMENT, T0), PL_ERR_LIMIT);
  /* and back in a general item, observers may not ask at all */
  open_item(f, "i1", T0);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_STATEMENT, T0), PL_ERR_FORBIDDEN);
}

static void test_observer_limit_message_plural(void **state) {
  fx *f = *state;
  pl_room_release(&f->r);
  f->policy.observer_max_per_item = 2;
  f->policy.observer_items = PL_OBSERVER_ITEMS_ANY;
  fx_init_room(f);
  ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
  ask(f, &f->ngo, PL_SPEECH_QUESTION, T0);
  assert_int_equal(ask_err(f, &f->ngo, PL_SPEECH_QUESTION, T0), PL_ERR_LIMIT);
  assert_string_equal(f->out.message, "observers may make at most 2 interventions per item");
  /* a fresh item, a fresh ledger */
  open_item(f, "i3", T0);
  ask(f, &f->ngo, PL_SPEECH_STATEMENT, T0);
}

static void test_one_waiting_statement(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_STATEMENT, T0), PL_ERR_CONFLICT);
  assert_non_null(strstr(f->out.message, "France"));
  /* another participant of the same delegation: same delegation, same rule */
  pl_actor fr2 = f->fr;
  snprintf(fr2.participant, sizeof fr2.participant, "p22");
  assert_int_equal(ask_err(f, &fr2, PL_SPEECH_STATEMENT, T0), PL_ERR_CONFLICT);
  /* questions, points of order and replies are not statements */
  ask(f, &f->fr, PL_SPEECH_QUESTION, T0);
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);
  /* once called it is no longer waiting: a new one may be asked */
  DO(f, PL_ERR_OK, pl_room_give(&f->r, &f->chair, "e1", T0, &f->out));
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  /* in another item, the same delegation may wait again */
  open_item(f, "i3", T0);
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
}

static void test_list_closed(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_OK, pl_room_close(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_CLOSED);
  assert_string_equal(f->out.ev[0].item, "i1");
  assert_true(pl_room_current_item(&f->r)->list_closed);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_STATEMENT, T0), PL_ERR_CONFLICT);
  assert_string_equal(f->out.message, "the list of speakers is closed");
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_QUESTION, T0), PL_ERR_CONFLICT);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_CONFLICT);
  /* a point of order is still heard */
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_CONFLICT, pl_room_close(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_open(&f->r, &f->fr, T0, &f->out));
  /* each item has its own list_closed */
  open_item(f, "i3", T0);
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  open_item(f, "i1", T0);
  assert_int_equal(ask_err(f, &f->de, PL_SPEECH_STATEMENT, T0), PL_ERR_CONFLICT);
  DO(f, PL_ERR_OK, pl_room_open(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_OPENED);
  assert_false(pl_room_current_item(&f->r)->list_closed);
  DO(f, PL_ERR_CONFLICT, pl_room_open(&f->r, &f->chair, T0, &f->out));
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_FORBIDDEN, pl_room_close(&f->r, &f->de, T0, &f->out));
}

static void test_rights_of_reply(void **state) {
  fx *f = *state;
  const pl_entry *e = ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);
  assert_int_equal(e->allotted_ms, 300000);
  char first[PL_ID_LEN];
  snprintf(first, sizeof first, "%s", e->id);
  e = ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);
  assert_int_equal(e->allotted_ms, 180000);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_LIMIT);
  assert_string_equal(f->out.message,
                      "a State may exercise at most 2 rights of reply per item");
  /* Germany has its own ledger */
  e = ask(f, &f->de, PL_SPEECH_RIGHT_OF_REPLY, T0);
  assert_int_equal(e->allotted_ms, 300000);
  /* the first withdrawn: one earlier non-withdrawn reply, so the next is the
   * second one (180 s) */
  DO(f, PL_ERR_OK, pl_room_withdraw(&f->r, &f->fr, first, T0, &f->out));
  e = ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);
  assert_int_equal(e->allotted_ms, 180000);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_LIMIT);
  /* per item */
  open_item(f, "i3", T0);
  e = ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);
  assert_int_equal(e->allotted_ms, 300000);
}

static void test_rights_of_reply_policy(void **state) {
  fx *f = *state;
  pl_room_release(&f->r);
  f->policy.n_reply = 3;
  f->policy.reply_s[2] = 60;
  fx_init_room(f);
  assert_int_equal(ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0)->allotted_ms, 300000);
  /* called and spoken still counts */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0)->allotted_ms, 180000);
  assert_int_equal(ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0)->allotted_ms, 60000);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_LIMIT);
  assert_string_equal(f->out.message,
                      "a State may exercise at most 3 rights of reply per item");
  pl_room_release(&f->r);
  f->n_log = 0;
  f->policy.n_reply = 0;
  fx_init_room(f);
  assert_int_equal(ask_err(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0), PL_ERR_LIMIT);
}

static void test_point_of_order_allotment(void **state) {
  fx *f = *state;
  assert_int_equal(ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0)->allotted_ms, 120000);
  /* any number of points of order */
  assert_int_equal(ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0)->allotted_ms, 120000);
}

/* ------------------------------------------------------------- ordering */

static void test_order_by_kind(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);        /* e1 */
  ask(f, &f->de, PL_SPEECH_RIGHT_OF_REPLY, T0);   /* e2 */
  ask(f, &f->br_remote, PL_SPEECH_QUESTION, T0);  /* e3 */
  ask(f, &f->de, PL_SPEECH_POINT_OF_ORDER, T0);   /* e4 */
  ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0);   /* e5 */
  ask(f, &f->br_remote, PL_SPEECH_POINT_OF_ORDER, T0); /* e6 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0);        /* e7 */
  assert_string_equal(order(f), "e4 e6 e1 e3 e7 e2 e5");
  /* the event says where it went */
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0); /* e8 */
  assert_int_equal(f->out.ev[0].position, 2);
  assert_string_equal(order(f), "e4 e6 e8 e1 e3 e7 e2 e5");
}

static void test_move(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e3 */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e3", 0, T0, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_MOVED);
  assert_string_equal(f->out.ev[0].entry.id, "e3");
  assert_int_equal(f->out.ev[0].position, 0);
  assert_string_equal(order(f), "e3 e1 e2");
  /* clamped to the ends */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e3", 99, T0, &f->out));
  assert_int_equal(f->out.ev[0].position, 2);
  assert_string_equal(order(f), "e1 e2 e3");
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e2", -5, T0, &f->out));
  assert_int_equal(f->out.ev[0].position, 0);
  assert_string_equal(order(f), "e2 e1 e3");
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e2", 1, T0, &f->out));
  assert_string_equal(order(f), "e1 e2 e3");
  /* already there: no event */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e2", 1, T0, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_FORBIDDEN, pl_room_move(&f->r, &f->fr, "e1", 2, T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_move(&f->r, &f->chair, "e9", 2, T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_move(&f->r, &f->chair, NULL, 2, T0, &f->out));
}

static void test_moved_entries_keep_their_place(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);        /* e1 */
  ask(f, &f->de, PL_SPEECH_RIGHT_OF_REPLY, T0);   /* e2 */
  /* the chair hears the reply first */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e2", 0, T0, &f->out));
  assert_string_equal(order(f), "e2 e1");
  /* a new statement goes after the earlier statement, not before the reply
   * the chair placed first */
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e3 */
  assert_string_equal(order(f), "e2 e1 e3");
  /* a point of order still goes first (no point of order is waiting) */
  ask(f, &f->br_remote, PL_SPEECH_POINT_OF_ORDER, T0); /* e4 */
  assert_string_equal(order(f), "e4 e2 e1 e3");
  /* a new reply goes at the end */
  ask(f, &f->fr, PL_SPEECH_RIGHT_OF_REPLY, T0); /* e5 */
  assert_string_equal(order(f), "e4 e2 e1 e3 e5");
  /* the chair moves the point of order back: the next point of order goes
   * after it (points of order are heard in the order asked) */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e4", 2, T0, &f->out));
  assert_string_equal(order(f), "e2 e1 e4 e3 e5");
  ask(f, &f->de, PL_SPEECH_POINT_OF_ORDER, T0); /* e6 */
  assert_string_equal(order(f), "e2 e1 e4 e6 e3 e5");
  ask(f, &f->de, PL_SPEECH_QUESTION, T0); /* e7 */
  assert_string_equal(order(f), "e2 e1 e4 e6 e3 e7 e5");
}

/* ---------------------------------------------------- withdraw, update */

static void test_withdraw(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e3 */
  DO(f, PL_ERR_FORBIDDEN, pl_room_withdraw(&f->r, &f->de, "e1", T0, &f->out));
  assert_non_null(strstr(f->out.message, "France"));
  DO(f, PL_ERR_FORBIDDEN, pl_room_withdraw(&f->r, &f->viewer, "e1", T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_withdraw(&f->r, &f->fr, "e7", T0, &f->out));
  /* another member of the delegation may withdraw it */
  pl_actor fr2 = f->fr;
  snprintf(fr2.participant, sizeof fr2.participant, "p22");
  DO(f, PL_ERR_OK, pl_room_withdraw(&f->r, &fr2, "e1", T0 + 5, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_REMOVED);
  assert_int_equal(f->out.ev[0].reason, PL_REMOVED_WITHDRAWN);
  assert_string_equal(f->out.ev[0].entry.id, "e1");
  assert_string_equal(f->out.ev[0].item, "i1");
  assert_int_equal(f->out.ev[0].at, T0 + 5);
  assert_string_equal(order(f), "e2 e3");
  /* the chair may withdraw any */
  DO(f, PL_ERR_OK, pl_room_withdraw(&f->r, &f->chair, "e3", T0, &f->out));
  assert_string_equal(order(f), "e2");
  DO(f, PL_ERR_NOT_FOUND, pl_room_withdraw(&f->r, &f->fr, "e1", T0, &f->out));
  /* the entry on the floor has left the list */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_withdraw(&f->r, &f->de, "e2", T0, &f->out));
  assert_non_null(strstr(f->out.message, "has the floor"));
  /* an entry of another item can be withdrawn from anywhere */
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e4 */
  open_item(f, "i3", T0);
  DO(f, PL_ERR_OK, pl_room_withdraw(&f->r, &f->fr, "e4", T0, &f->out));
  assert_string_equal(f->out.ev[0].item, "i1");
  assert_int_equal(pl_room_find_item(&f->r, "i1")->n_queue, 0);
}

static void test_remove(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  DO(f, PL_ERR_FORBIDDEN, pl_room_remove(&f->r, &f->fr, "e1", T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_remove(&f->r, &f->chair, "x", T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_remove(&f->r, &f->secretariat, "e1", T0, &f->out));
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_REMOVED);
  assert_int_equal(f->out.ev[0].reason, PL_REMOVED_BY_CHAIR);
  assert_string_equal(order(f), "e2");
  /* ids are never reused */
  assert_string_equal(ask(f, &f->fr, PL_SPEECH_STATEMENT, T0)->id, "e3");
}

static void test_update_entry(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  DO(f, PL_ERR_OK, pl_room_update_entry(&f->r, &f->fr, "e1", "Mr. Blanc", T0, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_UPDATED);
  assert_string_equal(f->out.ev[0].entry.speaker, "Mr. Blanc");
  const pl_entry *e = pl_item_find_entry(pl_room_current_item(&f->r), "e1");
  assert_string_equal(e->speaker, "Mr. Blanc");
  assert_int_equal(e->allotted_ms, 300000);
  assert_string_equal(order(f), "e1 e2");
  DO(f, PL_ERR_FORBIDDEN, pl_room_update_entry(&f->r, &f->de, "e1", "X", T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN,
     pl_room_update_entry(&f->r, &f->viewer, "e1", "X", T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_update_entry(&f->r, &f->chair, "e1", "Mme Roux", T0, &f->out));
  assert_string_equal(e->speaker, "Mme Roux");
  DO(f, PL_ERR_NOT_FOUND, pl_room_update_entry(&f->r, &f->fr, "e5", "X", T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_update_entry(&f->r, &f->fr, "e1", "", T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_update_entry(&f->r, &f->fr, "e1", NULL, T0, &f->out));
  char longname[PL_NAME_LEN + 1];
  memset(longname, 'y', PL_NAME_LEN);
  longname[PL_NAME_LEN] = '\0';
  DO(f, PL_ERR_BAD_REQUEST,
     pl_room_update_entry(&f->r, &f->fr, "e1", longname, T0, &f->out));
  assert_string_equal(e->speaker, "Mme Roux");
  /* called: it may no longer be changed */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_string_equal(f->r.floor.entry.speaker, "Mme Roux");
  DO(f, PL_ERR_NOT_FOUND, pl_room_update_entry(&f->r, &f->fr, "e1", "X", T0, &f->out));
}

/* ---------------------------------------------------------------- floor */

static void test_next_in_room(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_CONFLICT, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_string_equal(f->out.message, "the list of speakers is empty");
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  DO(f, PL_ERR_FORBIDDEN, pl_room_next(&f->r, &f->fr, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 100, &f->out));
  assert_int_equal(f->out.n, 2);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_REMOVED);
  assert_int_equal(f->out.ev[0].reason, PL_REMOVED_CALLED);
  assert_string_equal(f->out.ev[0].entry.id, "e1");
  assert_int_equal(f->out.ev[1].type, PL_EV_FLOOR_CHANGED);
  const pl_floor *fl = &f->r.floor;
  assert_true(fl->held);
  assert_string_equal(fl->entry.id, "e1");
  assert_string_equal(fl->item, "i1");
  assert_int_equal(fl->phase, PL_PHASE_SPEAKING);
  assert_int_equal(fl->called_at, T0 + 100);
  assert_int_equal(fl->started_at, T0 + 100);
  assert_int_equal(fl->running_since, T0 + 100);
  assert_int_equal(fl->elapsed_ms, 0);
  assert_int_equal(fl->allotted_ms, 300000);
  assert_false(fl->paused);
  assert_false(fl->overrun);
  assert_int_equal(pl_floor_spoken_ms(fl, T0 + 2100), 2000);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 100 + 300000);
  assert_string_equal(order(f), "e2");
  /* next again: the speech ends and goes on the record */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 60100, &f->out));
  assert_int_equal(f->out.n, 3);
  assert_int_equal(f->out.ev[0].type, PL_EV_SPEECH_ENDED);
  const pl_speech *s = &f->out.ev[0].speech;
  assert_string_equal(s->entry.id, "e1");
  assert_string_equal(s->item, "i1");
  assert_int_equal(s->started_at, T0 + 100);
  assert_int_equal(s->ended_at, T0 + 60100);
  assert_int_equal(s->spoken_ms, 60000);
  assert_int_equal(s->allotted_ms, 300000);
  assert_int_equal(f->out.ev[1].type, PL_EV_QUEUE_REMOVED);
  assert_int_equal(f->out.ev[2].type, PL_EV_FLOOR_CHANGED);
  assert_string_equal(f->r.floor.entry.id, "e2");
  for (size_t i = 0; i < f->out.n; i++) {
    assert_int_equal(f->out.ev[i].at, T0 + 60100);
    assert_string_equal(f->out.ev[i].item, "i1");
  }
  /* the list is empty now, but a speech is on: next is still a conflict */
  DO(f, PL_ERR_CONFLICT, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_true(f->r.floor.held);
}

static void test_give(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 */
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0); /* e3 */
  DO(f, PL_ERR_FORBIDDEN, pl_room_give(&f->r, &f->de, "e2", T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_give(&f->r, &f->chair, "e9", T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_give(&f->r, &f->chair, NULL, T0, &f->out));
  /* the chair may give the floor out of order */
  DO(f, PL_ERR_OK, pl_room_give(&f->r, &f->chair, "e2", T0, &f->out));
  assert_string_equal(f->r.floor.entry.id, "e2");
  assert_string_equal(order(f), "e3 e1");
  /* an entry of another item's list cannot be given the floor */
  open_item(f, "i3", T0);
  DO(f, PL_ERR_NOT_FOUND, pl_room_give(&f->r, &f->chair, "e1", T0, &f->out));
}

static void test_remote_handover(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e1 */
  DO(f, PL_ERR_CONFLICT, pl_room_ready(&f->r, &f->br_remote, T0, &f->out));
  assert_string_equal(f->out.message, "nobody has the floor");
  DO(f, PL_ERR_CONFLICT, pl_room_start(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 1000, &f->out));
  const pl_floor *fl = &f->r.floor;
  assert_int_equal(fl->phase, PL_PHASE_CALLING);
  assert_int_equal(fl->started_at, 0);
  assert_int_equal(fl->called_at, T0 + 1000);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  assert_int_equal(pl_floor_spoken_ms(fl, T0 + 50000), 0);
  /* no pause while calling */
  DO(f, PL_ERR_CONFLICT, pl_room_pause(&f->r, &f->chair, T0, &f->out));
  /* a disconnect while calling: nothing */
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 1500, &f->out));
  assert_int_equal(f->out.n, 0);
  /* only the called delegation may say ready */
  DO(f, PL_ERR_FORBIDDEN, pl_room_ready(&f->r, &f->fr, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_ready(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_start(&f->r, &f->br_remote, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, T0 + 4000, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_FLOOR_CHANGED);
  assert_int_equal(fl->phase, PL_PHASE_SPEAKING);
  assert_int_equal(fl->started_at, T0 + 4000);
  assert_int_equal(fl->running_since, T0 + 4000);
  assert_int_equal(fl->called_at, T0 + 1000);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 4000 + 300000);
  DO(f, PL_ERR_CONFLICT, pl_room_ready(&f->r, &f->br_remote, T0, &f->out));
  DO(f, PL_ERR_CONFLICT, pl_room_start(&f->r, &f->chair, T0, &f->out));
}

static void test_start_by_chair_and_colleague_ready(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e1 */
  ask(f, &f->br_remote, PL_SPEECH_QUESTION, T0);  /* e2 */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_start(&f->r, &f->chair, T0 + 7000, &f->out));
  assert_int_equal(f->r.floor.phase, PL_PHASE_SPEAKING);
  assert_int_equal(f->r.floor.started_at, T0 + 7000);
  /* a called speaker who never spoke: started_at 0 on the record */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 9000, &f->out));
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 2000);
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 20000, &f->out));
  assert_int_equal(f->out.n, 2);
  assert_int_equal(f->out.ev[0].type, PL_EV_SPEECH_ENDED);
  assert_int_equal(f->out.ev[0].speech.started_at, 0);
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 0);
  assert_int_equal(f->out.ev[0].speech.ended_at, T0 + 20000);
  assert_int_equal(f->out.ev[1].type, PL_EV_FLOOR_CHANGED);
  assert_false(f->out.ev[1].floor.held);
  assert_false(f->r.floor.held);
  /* a colleague of the called delegation on another device may say ready */
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0); /* e3 */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  pl_actor br2 = f->br_remote;
  snprintf(br2.participant, sizeof br2.participant, "p44");
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &br2, T0 + 1, &f->out));
  assert_int_equal(f->r.floor.phase, PL_PHASE_SPEAKING);
}

static void test_pause_resume(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_CONFLICT, pl_room_pause(&f->r, &f->chair, T0, &f->out));
  assert_string_equal(f->out.message, "nobody has the floor");
  DO(f, PL_ERR_CONFLICT, pl_room_resume(&f->r, &f->chair, T0, &f->out));
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_pause(&f->r, &f->fr, T0, &f->out));
  DO(f, PL_ERR_CONFLICT, pl_room_resume(&f->r, &f->chair, T0, &f->out));
  assert_string_equal(f->out.message, "the floor is not paused");
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 10000, &f->out));
  const pl_floor *fl = &f->r.floor;
  assert_true(fl->paused);
  assert_int_equal(fl->pause_reason, PL_PAUSE_CHAIR);
  assert_int_equal(fl->elapsed_ms, 10000);
  assert_int_equal(pl_floor_spoken_ms(fl, T0 + 99999), 10000);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  DO(f, PL_ERR_CONFLICT, pl_room_pause(&f->r, &f->chair, T0, &f->out));
  assert_string_equal(f->out.message, "the floor is already paused");
  /* no expiry while paused */
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 10000000, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_FORBIDDEN, pl_room_resume(&f->r, &f->fr, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 50000, &f->out));
  assert_false(fl->paused);
  assert_int_equal(fl->pause_reason, PL_PAUSE_NONE);
  assert_int_equal(fl->running_since, T0 + 50000);
  assert_int_equal(pl_floor_spoken_ms(fl, T0 + 53000), 13000);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 50000 + 290000);
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 60000, &f->out));
  assert_int_equal(fl->elapsed_ms, 20000);
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 70000, &f->out));
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 20000);
  assert_int_equal(f->out.ev[0].speech.started_at, T0);
}

static void test_extend(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_CONFLICT, pl_room_extend(&f->r, &f->chair, 30, T0, &f->out));
  assert_string_equal(f->out.message, "nobody has the floor");
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_extend(&f->r, &f->fr, 30, T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_extend(&f->r, &f->chair, 0, T0, &f->out));
  assert_non_null(strstr(f->out.message, "seconds"));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_extend(&f->r, &f->chair, -3, T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_extend(&f->r, &f->chair, 3601, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 1, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 3600, T0, &f->out));
  assert_int_equal(f->r.floor.allotted_ms, 120000 + 1000 + 3600000);
  assert_int_equal(f->r.floor.entry.allotted_ms, 120000); /* the request keeps its own */
  assert_int_equal(pl_room_deadline(&f->r), T0 + 120000 + 1000 + 3600000);
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 5, &f->out));
  assert_int_equal(f->out.ev[0].speech.allotted_ms, 120000 + 1000 + 3600000);
  DO(f, PL_ERR_CONFLICT, pl_room_end(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_end(&f->r, &f->fr, T0, &f->out));
}

static void test_extend_while_calling(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 60, T0 + 10, &f->out));
  assert_int_equal(f->r.floor.allotted_ms, 360000);
  assert_int_equal(f->r.floor.phase, PL_PHASE_CALLING);
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, T0 + 20, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), T0 + 20 + 360000);
}

/* --------------------------------------------------------------- expiry */

static void test_expiry_warn(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  int64_t deadline = pl_room_deadline(&f->r);
  assert_int_equal(deadline, T0 + 120000);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, deadline - 1, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, deadline, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_FLOOR_EXPIRED);
  assert_string_equal(f->out.ev[0].entry.id, "e1");
  assert_string_equal(f->out.ev[0].item, "i1");
  assert_int_equal(f->out.ev[0].at, deadline);
  assert_true(f->r.floor.overrun);
  assert_true(f->r.floor.held);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  /* it runs on; no second expiry */
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, deadline + 50000, &f->out));
  assert_int_equal(f->out.n, 0);
  assert_int_equal(pl_floor_spoken_ms(&f->r.floor, deadline + 50000), 170000);
  /* extended by less than spoken: still overrun, still no deadline */
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 30, deadline + 50000, &f->out));
  assert_true(f->r.floor.overrun);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  /* extended past what was spoken: a new deadline runs */
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 60, deadline + 50000, &f->out));
  assert_false(f->r.floor.overrun);
  assert_int_equal(f->r.floor.allotted_ms, 210000);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 210000);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 210000, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_true(f->r.floor.overrun);
}

static void test_extend_to_exactly_spoken(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 120000, &f->out));
  assert_true(f->r.floor.overrun);
  /* allotted == spoken: the time is up, it stays overrun */
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 30, T0 + 150000, &f->out));
  assert_int_equal(f->r.floor.allotted_ms, 150000);
  assert_true(f->r.floor.overrun);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 1, T0 + 150000, &f->out));
  assert_false(f->r.floor.overrun);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 151000);
  /* paused and overrun, extended: not overrun, but no deadline while paused */
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 151000, &f->out));
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 160000, &f->out));
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 60, T0 + 170000, &f->out));
  assert_false(f->r.floor.overrun);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 200000, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), T0 + 200000 + (211000 - 160000));
}

static void test_expiry_cut(void **state) {
  fx *f = *state;
  pl_room_release(&f->r);
  f->policy.on_expiry = PL_ON_EXPIRY_CUT;
  f->policy.statement_s = 2;
  fx_init_room(f);
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 500, &f->out));
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 1500, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), T0 + 3000);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 2999, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 3010, &f->out));
  assert_int_equal(f->out.n, 3);
  assert_int_equal(f->out.ev[0].type, PL_EV_FLOOR_EXPIRED);
  assert_int_equal(f->out.ev[1].type, PL_EV_SPEECH_ENDED);
  assert_int_equal(f->out.ev[1].speech.spoken_ms, 2010);
  assert_int_equal(f->out.ev[1].speech.allotted_ms, 2000);
  assert_int_equal(f->out.ev[1].speech.ended_at, T0 + 3010);
  assert_int_equal(f->out.ev[2].type, PL_EV_FLOOR_CHANGED);
  assert_false(f->out.ev[2].floor.held);
  assert_false(f->r.floor.held);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 9000, &f->out));
  assert_int_equal(f->out.n, 0);
}

static void test_tick_idle(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0, &f->out));
  assert_int_equal(f->out.n, 0);
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  /* calling: no clock, no expiry however long */
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 100000000, &f->out));
  assert_int_equal(f->out.n, 0);
}

/* ----------------------------------------------------------- disconnect */

static void test_disconnect_pauses_remote(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, T0 + 1000, &f->out));
  /* someone else's line: nothing */
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p2", T0 + 5000, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, NULL, T0 + 5000, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 31000, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_FLOOR_CHANGED);
  assert_true(f->out.ev[0].floor.paused);
  assert_int_equal(f->out.ev[0].floor.pause_reason, PL_PAUSE_DISCONNECTED);
  assert_int_equal(f->r.floor.elapsed_ms, 30000);
  assert_int_equal(pl_room_deadline(&f->r), 0);
  /* twice: already paused, nothing */
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 32000, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_CONFLICT, pl_room_pause(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 60000, &f->out));
  assert_int_equal(f->r.floor.pause_reason, PL_PAUSE_NONE);
  assert_int_equal(pl_room_deadline(&f->r), T0 + 60000 + 270000);
  /* a chair's pause, then a disconnect: nothing more */
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 61000, &f->out));
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 62000, &f->out));
  assert_int_equal(f->out.n, 0);
  assert_int_equal(f->r.floor.pause_reason, PL_PAUSE_CHAIR);
}

static void test_disconnect_in_room_speaker(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p2", T0 + 1000, &f->out));
  assert_int_equal(f->out.n, 0);
  assert_false(f->r.floor.paused);
}

static void test_disconnect_after_overrun(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_start(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 120000, &f->out));
  assert_true(f->r.floor.overrun);
  /* an overrun speech still runs, so a dropped line still pauses it */
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 130000, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_true(f->r.floor.overrun);
  assert_int_equal(f->r.floor.elapsed_ms, 130000);
}

/* --------------------------------------------------------------- agenda */

static void test_open_item(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_FORBIDDEN, pl_room_open_item(&f->r, &f->fr, "i2", T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_open_item(&f->r, &f->chair, "i7", T0, &f->out));
  assert_non_null(strstr(f->out.message, "i7"));
  DO(f, PL_ERR_NOT_FOUND, pl_room_open_item(&f->r, &f->chair, NULL, T0, &f->out));
  DO(f, PL_ERR_CONFLICT, pl_room_open_item(&f->r, &f->chair, "i1", T0, &f->out));
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);      /* e1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0);      /* e2 */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_open_item(&f->r, &f->chair, "i3", T0 + 4000, &f->out));
  assert_int_equal(f->out.n, 3);
  assert_int_equal(f->out.ev[0].type, PL_EV_SPEECH_ENDED);
  assert_string_equal(f->out.ev[0].item, "i1");
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 4000);
  assert_int_equal(f->out.ev[1].type, PL_EV_FLOOR_CHANGED);
  assert_string_equal(f->out.ev[1].item, "i1");
  assert_int_equal(f->out.ev[2].type, PL_EV_ITEM);
  assert_string_equal(f->out.ev[2].item, "i3");
  assert_int_equal(f->out.ev[2].at, T0 + 4000);
  assert_false(f->r.floor.held);
  assert_string_equal(pl_room_current_item(&f->r)->def.id, "i3");
  assert_string_equal(order(f), "");
  DO(f, PL_ERR_CONFLICT, pl_room_next(&f->r, &f->chair, T0, &f->out));
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e3: ids are per meeting */
  assert_string_equal(order(f), "e3");
  /* back: the list kept */
  DO(f, PL_ERR_OK, pl_room_open_item(&f->r, &f->secretariat, "i1", T0, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_string_equal(order(f), "e2");
}

static void test_chair_of_another_meeting(void **state) {
  fx *f = *state;
  pl_actor other = f->chair;
  other.presides = false; /* a chair, but not of this meeting */
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_FORBIDDEN, pl_room_next(&f->r, &other, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_give(&f->r, &other, "e1", T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_remove(&f->r, &other, "e1", T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_withdraw(&f->r, &other, "e1", T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_close(&f->r, &other, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_open_item(&f->r, &other, "i2", T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_start(&f->r, &other, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_pause(&f->r, &other, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_resume(&f->r, &other, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_extend(&f->r, &other, 10, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_end(&f->r, &other, T0, &f->out));
  /* authority is checked before the arguments */
  DO(f, PL_ERR_FORBIDDEN, pl_room_extend(&f->r, &other, 0, T0, &f->out));
  DO(f, PL_ERR_FORBIDDEN, pl_room_move(&f->r, &other, "nope", 0, T0, &f->out));
}

static void test_lists_of_other_items(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0); /* e1 in i1 */
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0); /* e2 in i1 */
  open_item(f, "i3", T0);
  /* the chair may order and prune the next item's list ahead of time */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e2", 0, T0, &f->out));
  assert_string_equal(f->out.ev[0].item, "i1");
  DO(f, PL_ERR_OK, pl_room_update_entry(&f->r, &f->de, "e2", "Dr. Braun", T0, &f->out));
  assert_string_equal(f->out.ev[0].item, "i1");
  DO(f, PL_ERR_OK, pl_room_remove(&f->r, &f->chair, "e1", T0, &f->out));
  assert_string_equal(f->out.ev[0].item, "i1");
  const pl_item *i1 = pl_room_find_item(&f->r, "i1");
  assert_int_equal(i1->n_queue, 1);
  assert_string_equal(i1->queue[0].speaker, "Dr. Braun");
  assert_string_equal(order(f), "");
}

static void test_clock_stepping_back(void **state) {
  fx *f = *state;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 10000, &f->out));
  /* the shell's clock stepped back: time spoken does not go negative */
  assert_int_equal(pl_floor_spoken_ms(&f->r.floor, T0), 0);
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 5000, &f->out));
  assert_int_equal(f->r.floor.elapsed_ms, 0);
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 6000, &f->out));
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 9000, &f->out));
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 3000);
}

/* ----------------------------------------------------------------- apply */

static void test_apply_rejects_garbage(void **state) {
  fx *f = *state;
  pl_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = PL_EV_QUEUE_ADDED;
  snprintf(ev.item, sizeof ev.item, "nope");
  assert_int_equal(pl_room_apply(&f->r, &ev), PL_ERR_INTERNAL);
  ev.type = PL_EV_QUEUE_REMOVED;
  snprintf(ev.item, sizeof ev.item, "i1");
  snprintf(ev.entry.id, sizeof ev.entry.id, "e5");
  assert_int_equal(pl_room_apply(&f->r, &ev), PL_ERR_INTERNAL);
  ev.type = PL_EV_FLOOR_EXPIRED;
  assert_int_equal(pl_room_apply(&f->r, &ev), PL_ERR_INTERNAL);
  ev.type = (pl_event_type)99;
  assert_int_equal(pl_room_apply(&f->r, &ev), PL_ERR_INTERNAL);
  ev.type = PL_EV_ITEM;
  snprintf(ev.item, sizeof ev.item, "i9");
  assert_int_equal(pl_room_apply(&f->r, &ev), PL_ERR_INTERNAL);
  assert_string_equal(pl_room_current_item(&f->r)->def.id, "i1");
  /* a duplicate queue.added is refused */
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  assert_int_equal(pl_room_apply(&f->r, &f->out.ev[0]), PL_ERR_INTERNAL);
  assert_int_equal(pl_room_current_item(&f->r)->n_queue, 1);
}

static void test_replay_long_session(void **state) {
  fx *f = *state;
  /* a realistic session; the teardown replays it, here also halfway */
  int64_t t = T0;
  ask(f, &f->fr, PL_SPEECH_STATEMENT, t += 1000);
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, t += 1000);
  ask(f, &f->de, PL_SPEECH_RIGHT_OF_REPLY, t += 1000);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, t += 1000, &f->out));
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, t += 20000, &f->out));
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, t += 20000, &f->out));
  DO(f, PL_ERR_OK, pl_room_extend(&f->r, &f->chair, 30, t += 1000, &f->out));
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, t += 1000, &f->out));
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, t += 3000, &f->out));
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", t += 3000, &f->out));
  pl_room half;
  assert_int_equal(pl_room_init(&half, &f->policy, f->items, f->n_items), PL_ERR_OK);
  for (size_t i = 0; i < f->n_log; i++) {
    assert_int_equal(pl_room_reserve(&half, &f->log[i], 1), PL_ERR_OK);
    assert_int_equal(pl_room_apply(&half, &f->log[i]), PL_ERR_OK);
  }
  assert_room_equal(&f->r, &half);
  pl_room_release(&half);
  DO(f, PL_ERR_OK, pl_room_close(&f->r, &f->chair, t += 1000, &f->out));
  DO(f, PL_ERR_OK, pl_room_open_item(&f->r, &f->chair, "i2", t += 1000, &f->out));
  ask(f, &f->ngo, PL_SPEECH_STATEMENT, t += 1000);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, t += 1000, &f->out));
}

/* ------------------------------------------------------ groups (issue 14) */

static pl_group_def eu_group(void) {
  pl_group_def g;
  memset(&g, 0, sizeof g);
  snprintf(g.id, sizeof g.id, "g1");
  snprintf(g.name, sizeof g.name, "European Union");
  snprintf(g.members[0], PL_ID_LEN, "d1");
  snprintf(g.members[1], PL_ID_LEN, "d2");
  snprintf(g.coordinator, sizeof g.coordinator, "d1");
  g.n_members = 2;
  return g;
}

static void test_behalf_regional_group(void **state) {
  fx *f = *state;
  /* a Latin American State may not take the African States' time */
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .on_behalf = "african"};
  DO(f, PL_ERR_FORBIDDEN, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "Brazil is not a member of the african"));
  req.on_behalf = "latin_american_caribbean";
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_int_equal(f->out.ev[0].entry.allotted_ms, 420000);
  assert_string_equal(f->out.ev[0].entry.on_behalf, "latin_american_caribbean");
  assert_string_equal(f->out.ev[0].entry.on_behalf_name, "");
  /* a State with no regional group speaks for none */
  pl_actor lone = f->de;
  lone.region = -1;
  req.on_behalf = "western_european_other";
  DO(f, PL_ERR_FORBIDDEN, pl_room_request(&f->r, &lone, &req, T0, &f->out));
}

static void test_behalf_political_group(void **state) {
  fx *f = *state;
  pl_group_def eu = eu_group();
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .on_behalf = "g1", .group = &eu};
  DO(f, PL_ERR_FORBIDDEN, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "Brazil is not a member of European Union"));
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->de, &req, T0, &f->out));
  const pl_entry *e = &f->out.ev[0].entry;
  assert_string_equal(e->on_behalf, "g1");
  assert_string_equal(e->on_behalf_name, "European Union");
  assert_int_equal(e->allotted_ms, 420000);
  /* a group id the shell did not find */
  req = (pl_request){.kind = PL_SPEECH_QUESTION, .on_behalf = "g7"};
  DO(f, PL_ERR_NOT_FOUND, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "no group 'g7'"));
  /* the group handed over must be the one named */
  req.group = &eu;
  DO(f, PL_ERR_NOT_FOUND, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
}

static pl_delegation_ref state_ref(int n) {
  char id[16], name[32];
  snprintf(id, sizeof id, "d%d", n);
  snprintf(name, sizeof name, "State %d", n);
  return deleg(id, name, PL_DELEGATION_STATE);
}

static void test_joint_statement(void **state) {
  fx *f = *state;
  pl_delegation_ref list[PL_MAX_JOINT + 1];
  for (int i = 0; i <= PL_MAX_JOINT; i++)
    list[i] = state_ref(10 + i);
  /* three States and France: under joint_min (5), a State's time */
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .on_behalf = "joint", .joint = list,
                    .n_joint = 3};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  const pl_entry *e = &f->out.ev[0].entry;
  assert_int_equal(e->n_joint, 4);
  assert_string_equal(e->joint[3], "d1"); /* the speaker's own State, counted */
  assert_int_equal(e->allotted_ms, 300000);
  /* four and Germany: five, the group time */
  req.n_joint = 4;
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->de, &req, T0, &f->out));
  assert_int_equal(f->out.ev[0].entry.n_joint, 5);
  assert_int_equal(f->out.ev[0].entry.allotted_ms, 420000);
  /* malformed lists */
  req.n_joint = 0;
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  req.n_joint = PL_MAX_JOINT + 1;
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  req.n_joint = PL_MAX_JOINT; /* full, and the speaker's own would not fit */
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  list[1] = list[0];
  req.n_joint = 2;
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "twice"));
  list[1] = deleg("d4", "Access Now", PL_DELEGATION_NGO);
  DO(f, PL_ERR_BAD_REQUEST, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "Access Now is not a State"));
}

static void contingent_room(fx *f, int32_t seconds) {
  pl_room_release(&f->r);
  f->policy.contingent_s = seconds;
  fx_init_room(f);
}

static void test_contingent_draws_and_limits(void **state) {
  fx *f = *state;
  contingent_room(f, 400); /* 400 s for each group on each item */
  const pl_entry *e = ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  assert_string_equal(e->contingent, "western_european_other");
  ask(f, &f->de, PL_SPEECH_STATEMENT, T0);
  /* a point of order draws on nothing */
  assert_string_equal(ask(f, &f->br_remote, PL_SPEECH_POINT_OF_ORDER, T0)->contingent, "");
  DO(f, PL_ERR_OK, pl_room_remove(&f->r, &f->chair, "e3", T0, &f->out));
  const pl_item *it = pl_room_current_item(&f->r);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(f->r.floor.contingent_ms, 400000);
  assert_int_equal(f->r.floor.allotted_ms, 300000);
  /* France speaks 350 s: it draws 350 s; Germany is given the 50 s left
   * of the group's time, not its 300 s */
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0 + 350000, &f->out));
  assert_int_equal(f->out.ev[0].speech.drawn_ms, 350000);
  assert_int_equal(f->r.floor.contingent_ms, 50000);
  assert_int_equal(f->r.floor.allotted_ms, 50000);
  assert_int_equal(pl_room_contingent_left(&f->r, it, "western_european_other"), 50000);
  /* Germany overruns: the group is charged what was left, no more */
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 500000, &f->out));
  assert_int_equal(f->out.ev[0].speech.spoken_ms, 150000);
  assert_int_equal(f->out.ev[0].speech.drawn_ms, 50000);
  assert_int_equal(pl_room_contingent_left(&f->r, it, "western_european_other"), 0);
  pl_request req = {.kind = PL_SPEECH_QUESTION};
  DO(f, PL_ERR_LIMIT, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_non_null(strstr(f->out.message, "western_european_other"));
  /* another group's time is whole; another item's too */
  assert_int_equal(pl_room_contingent_left(&f->r, it, "latin_american_caribbean"), 400000);
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0);
  /* the chair adds a minute */
  DO(f, PL_ERR_FORBIDDEN,
     pl_room_add_contingent(&f->r, &f->fr, "western_european_other", 60, T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST,
     pl_room_add_contingent(&f->r, &f->chair, "western_european_other", 0, T0, &f->out));
  DO(f, PL_ERR_OK,
     pl_room_add_contingent(&f->r, &f->chair, "western_european_other", 60, T0, &f->out));
  assert_int_equal(f->out.ev[0].type, PL_EV_CONTINGENT_ADDED);
  assert_int_equal(pl_room_contingent_left(&f->r, it, "western_european_other"), 60000);
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  open_item(f, "i3", T0);
  assert_int_equal(
      pl_room_contingent_left(&f->r, pl_room_current_item(&f->r), "western_european_other"),
      400000);
}

static void test_contingent_of_group_statement(void **state) {
  fx *f = *state;
  contingent_room(f, 100);
  pl_group_def eu = eu_group();
  pl_request req = {.kind = PL_SPEECH_STATEMENT, .on_behalf = "g1", .group = &eu};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->fr, &req, T0, &f->out));
  assert_string_equal(f->out.ev[0].entry.contingent, "g1");
  /* a joint statement draws on the speaker's regional group */
  pl_delegation_ref list[1];
  list[0] = state_ref(10);
  req = (pl_request){.kind = PL_SPEECH_STATEMENT, .on_behalf = "joint", .joint = list,
                     .n_joint = 1};
  DO(f, PL_ERR_OK, pl_room_request(&f->r, &f->br_remote, &req, T0, &f->out));
  assert_string_equal(f->out.ev[0].entry.contingent, "latin_american_caribbean");
  /* with no contingents, the chair has nothing to add to */
  contingent_room(f, 0);
  f->n_log = 0;
  DO(f, PL_ERR_CONFLICT, pl_room_add_contingent(&f->r, &f->chair, "g1", 60, T0, &f->out));
  assert_string_equal(ask(f, &f->fr, PL_SPEECH_STATEMENT, T0)->contingent, "");
}

static void test_contingent_added_while_the_group_speaks(void **state) {
  fx *f = *state;
  contingent_room(f, 100);
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(f->r.floor.allotted_ms, 100000);
  /* another group's time: the floor is not touched */
  DO(f, PL_ERR_OK,
     pl_room_add_contingent(&f->r, &f->chair, "african", 60, T0 + 1000, &f->out));
  assert_int_equal(f->out.n, 1);
  /* the speaking group's: the floor shows it at once */
  DO(f, PL_ERR_OK, pl_room_add_contingent(&f->r, &f->chair, "western_european_other", 60,
                                          T0 + 2000, &f->out));
  assert_int_equal(f->out.n, 2);
  assert_int_equal(f->out.ev[1].type, PL_EV_FLOOR_CHANGED);
  assert_int_equal(f->r.floor.contingent_ms, 160000);
  /* and the speech may draw all of it */
  DO(f, PL_ERR_OK, pl_room_end(&f->r, &f->chair, T0 + 150000, &f->out));
  assert_int_equal(f->out.ev[0].speech.drawn_ms, 150000);
}

static void test_group_check(void **state) {
  (void)state;
  pl_group_def g = eu_group();
  char msg[200];
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_OK);
  assert_true(pl_group_has(&g, "d2"));
  assert_false(pl_group_has(&g, "d3"));
  snprintf(g.coordinator, sizeof g.coordinator, "d3");
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  assert_non_null(strstr(msg, "coordinator"));
  g = eu_group();
  snprintf(g.members[1], PL_ID_LEN, "d1");
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  assert_non_null(strstr(msg, "twice"));
  g = eu_group();
  g.n_members = 0;
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  g = eu_group();
  snprintf(g.name, sizeof g.name, "african");
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  g.name[0] = '\0';
  assert_int_equal(pl_group_check(&g, msg, sizeof msg), PL_ERR_BAD_REQUEST);
}

/* ---------------------------------------------- inscription deadlines */

static void test_deadline_closes_the_list(void **state) {
  fx *f = *state;
  DO(f, PL_ERR_FORBIDDEN, pl_room_set_deadline(&f->r, &f->fr, "i1", T0 + 60000, T0, &f->out));
  DO(f, PL_ERR_BAD_REQUEST, pl_room_set_deadline(&f->r, &f->chair, "i1", T0, T0, &f->out));
  DO(f, PL_ERR_NOT_FOUND, pl_room_set_deadline(&f->r, &f->chair, "i9", T0 + 1, T0, &f->out));
  /* a deadline on the open item and one on an item not yet open */
  DO(f, PL_ERR_OK, pl_room_set_deadline(&f->r, &f->chair, "i1", T0 + 60000, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_set_deadline(&f->r, &f->chair, "i3", T0 + 30000, T0, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), T0 + 30000);
  /* the floor's expiry, when earlier, comes first */
  ask(f, &f->fr, PL_SPEECH_POINT_OF_ORDER, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), T0 + 30000);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 29999, &f->out));
  assert_int_equal(f->out.n, 0);
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 30000, &f->out));
  assert_int_equal(f->out.n, 1);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_CLOSED);
  assert_int_equal(f->out.ev[0].why, PL_CLOSED_DEADLINE);
  assert_string_equal(f->out.ev[0].item, "i3");
  assert_true(f->r.items[2].list_closed);
  assert_int_equal(f->r.items[2].deadline_at, 0);
  /* the point of order ran out at T0 + 120 s; the list of i1 closes first */
  assert_int_equal(pl_room_deadline(&f->r), T0 + 60000);
  /* a server down from before the deadline to after both: one tick does all */
  DO(f, PL_ERR_OK, pl_room_tick(&f->r, T0 + 500000, &f->out));
  assert_int_equal(f->out.n, 2);
  assert_int_equal(f->out.ev[0].type, PL_EV_QUEUE_CLOSED);
  assert_int_equal(f->out.ev[1].type, PL_EV_FLOOR_EXPIRED);
  assert_int_equal(ask_err(f, &f->de, PL_SPEECH_STATEMENT, T0 + 500000), PL_ERR_CONFLICT);
  /* on a closed list no deadline; the chair reopens it, and it stays open */
  DO(f, PL_ERR_CONFLICT, pl_room_set_deadline(&f->r, &f->chair, "i1", T0 + 600000,
                                              T0 + 500000, &f->out));
  DO(f, PL_ERR_OK, pl_room_open(&f->r, &f->chair, T0 + 500000, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), 0);
  /* a deadline taken away */
  DO(f, PL_ERR_OK, pl_room_set_deadline(&f->r, &f->chair, "i2", T0 + 600000, T0 + 500000,
                                        &f->out));
  DO(f, PL_ERR_OK, pl_room_set_deadline(&f->r, &f->chair, "i2", 0, T0 + 500000, &f->out));
  assert_int_equal(pl_room_deadline(&f->r), 0);
  /* the chair's close says so */
  DO(f, PL_ERR_OK, pl_room_close(&f->r, &f->chair, T0 + 500000, &f->out));
  assert_int_equal(f->out.ev[0].why, PL_CLOSED_BY_CHAIR);
}

/* ------------------------------------------------------ protocol order */

static void test_protocol_order(void **state) {
  fx *f = *state;
  pl_room_release(&f->r);
  f->policy.order = PL_ORDER_PROTOCOL;
  fx_init_room(f);
  pl_actor minister = f->de, head = f->br_remote, deleg = f->fr;
  minister.rank = PL_RANK_MINISTER;
  head.rank = PL_RANK_HEAD_OF_STATE;
  deleg.rank = PL_RANK_DELEGATE;
  const char *a = ask(f, &deleg, PL_SPEECH_STATEMENT, T0)->id;
  const char *b = ask(f, &minister, PL_SPEECH_QUESTION, T0 + 1)->id;
  assert_string_equal(order(f), "e2 e1");
  (void)a;
  (void)b;
  /* a right of reply stays last and a point of order first, whoever asks */
  ask(f, &head, PL_SPEECH_RIGHT_OF_REPLY, T0 + 2);
  ask(f, &deleg, PL_SPEECH_POINT_OF_ORDER, T0 + 3);
  assert_string_equal(order(f), "e4 e2 e1 e3");
  /* a head of State goes before the minister; an equal rank after, as asked */
  ask(f, &head, PL_SPEECH_STATEMENT, T0 + 4);
  pl_actor minister2 = f->de;
  minister2.rank = PL_RANK_MINISTER;
  snprintf(minister2.delegation.id, sizeof minister2.delegation.id, "d9");
  ask(f, &minister2, PL_SPEECH_STATEMENT, T0 + 5);
  assert_string_equal(order(f), "e4 e5 e2 e6 e1 e3");
  assert_true(pl_item_find_entry(pl_room_current_item(&f->r), "e5")->by_rank);
  assert_false(pl_item_find_entry(pl_room_current_item(&f->r), "e3")->by_rank);
  /* the chair's moves are kept; a new entry still finds its rank's place */
  DO(f, PL_ERR_OK, pl_room_move(&f->r, &f->chair, "e1", 1, T0, &f->out));
  assert_string_equal(order(f), "e4 e1 e5 e2 e6 e3");
  pl_actor vice = f->fr;
  vice.rank = PL_RANK_VICE_MINISTER;
  snprintf(vice.delegation.id, sizeof vice.delegation.id, "d8");
  ask(f, &vice, PL_SPEECH_STATEMENT, T0 + 6);
  assert_string_equal(order(f), "e4 e1 e5 e2 e6 e7 e3");
}

/* ------------------------------------------- the speaker who comes back */

static void test_returning_speaker(void **state) {
  fx *f = *state;
  ask(f, &f->br_remote, PL_SPEECH_STATEMENT, T0);
  DO(f, PL_ERR_OK, pl_room_next(&f->r, &f->chair, T0, &f->out));
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, T0 + 1000, &f->out));
  DO(f, PL_ERR_OK, pl_room_disconnected(&f->r, "p4", T0 + 5000, &f->out));
  assert_int_equal(f->r.floor.pause_reason, PL_PAUSE_DISCONNECTED);
  assert_int_equal(f->r.floor.returned_at, 0);
  /* another delegation may not say so; the speaker may, once */
  DO(f, PL_ERR_FORBIDDEN, pl_room_ready(&f->r, &f->fr, T0 + 9000, &f->out));
  DO(f, PL_ERR_OK, pl_room_ready(&f->r, &f->br_remote, T0 + 9000, &f->out));
  assert_int_equal(f->out.ev[0].type, PL_EV_FLOOR_CHANGED);
  assert_int_equal(f->r.floor.returned_at, T0 + 9000);
  assert_true(f->r.floor.paused); /* the chair restarts the clock */
  assert_int_equal(pl_floor_spoken_ms(&f->r.floor, T0 + 20000), 4000);
  DO(f, PL_ERR_CONFLICT, pl_room_ready(&f->r, &f->br_remote, T0 + 9500, &f->out));
  assert_non_null(strstr(f->out.message, "the chair resumes"));
  DO(f, PL_ERR_OK, pl_room_resume(&f->r, &f->chair, T0 + 10000, &f->out));
  assert_false(f->r.floor.paused);
  assert_int_equal(f->r.floor.returned_at, 0);
  assert_int_equal(pl_floor_spoken_ms(&f->r.floor, T0 + 11000), 5000);
  /* a speaker the chair paused has no line to come back on */
  DO(f, PL_ERR_OK, pl_room_pause(&f->r, &f->chair, T0 + 12000, &f->out));
  DO(f, PL_ERR_CONFLICT, pl_room_ready(&f->r, &f->br_remote, T0 + 12500, &f->out));
}

/* ------------------------------------------------------------ item timers */

static void test_item_clocks(void **state) {
  fx *f = *state;
  const pl_item *i1 = &f->r.items[0], *i2 = &f->r.items[1];
  assert_int_equal(i1->open_since, 0); /* the debate has not begun */
  assert_int_equal(pl_item_spent_ms(i1, T0 + 5000), 0);
  ask(f, &f->fr, PL_SPEECH_STATEMENT, T0 + 1000); /* it begins */
  assert_int_equal(i1->open_since, T0 + 1000);
  assert_int_equal(pl_item_spent_ms(i1, T0 + 61000), 60000);
  open_item(f, "i2", T0 + 61000);
  assert_int_equal(pl_item_spent_ms(i1, T0 + 999999), 60000); /* stopped */
  assert_int_equal(i2->open_since, T0 + 61000);
  open_item(f, "i1", T0 + 91000); /* back to the first: its clock goes on */
  assert_int_equal(pl_item_spent_ms(i2, T0 + 999999), 30000);
  assert_int_equal(pl_item_spent_ms(i1, T0 + 101000), 70000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_defaults),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(test_init_lookups),
      T(test_request_statement),
      T(test_request_speaker_and_group),
      T(test_request_names_too_long),
      T(test_request_roles),
      T(test_observer_kinds_forbidden),
      T(test_observer_items),
      T(test_observer_items_any_and_none),
      T(test_observer_limit),
      T(test_observer_limit_message_plural),
      T(test_one_waiting_statement),
      T(test_list_closed),
      T(test_rights_of_reply),
      T(test_rights_of_reply_policy),
      T(test_point_of_order_allotment),
      T(test_order_by_kind),
      T(test_move),
      T(test_moved_entries_keep_their_place),
      T(test_withdraw),
      T(test_remove),
      T(test_update_entry),
      T(test_next_in_room),
      T(test_give),
      T(test_remote_handover),
      T(test_start_by_chair_and_colleague_ready),
      T(test_pause_resume),
      T(test_extend),
      T(test_extend_while_calling),
      T(test_expiry_warn),
      T(test_extend_to_exactly_spoken),
      T(test_expiry_cut),
      T(test_tick_idle),
      T(test_disconnect_pauses_remote),
      T(test_disconnect_in_room_speaker),
      T(test_disconnect_after_overrun),
      T(test_open_item),
      T(test_chair_of_another_meeting),
      T(test_lists_of_other_items),
      T(test_clock_stepping_back),
      T(test_apply_rejects_garbage),
      T(test_replay_long_session),
      T(test_behalf_regional_group),
      T(test_behalf_political_group),
      T(test_joint_statement),
      T(test_contingent_draws_and_limits),
      T(test_contingent_of_group_statement),
      T(test_contingent_added_while_the_group_speaks),
      cmocka_unit_test(test_group_check),
      T(test_deadline_closes_the_list),
      T(test_protocol_order),
      T(test_returning_speaker),
      T(test_item_clocks),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
