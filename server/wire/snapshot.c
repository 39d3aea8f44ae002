/*
 * The room's snapshot codec (snapshot.h). Entries and the floor are written
 * by the same functions as the events that carry them (codec.h), so a field
 * they gain reaches the snapshot too; the rest of the room is written here,
 * field by field, and the model test (tests/unit/test_shell_snapshot.c)
 * proves the round trip whole: a room loaded from a snapshot and replayed on
 * must equal the room replayed from the first event.
 *
 * The decoder is strict: every field must be there with its type, or the
 * snapshot is refused and the stream replayed from its start.
 */
#include "wire/snapshot.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/codec.h"

/* --- encoding --------------------------------------------------------------- */

static json_t *policy_json(const pl_policy *p) {
  json_t *reply = json_array();
  for (size_t i = 0; reply && i < PL_MAX_REPLIES; i++)
    json_array_append_new(reply, json_integer(p->reply_s[i]));
  return json_pack("{s:i, s:i, s:i, s:i, s:o, s:i, s:s, s:i, s:s, s:i, s:i, s:s}",
                   "statement_s", (int)p->statement_s, "group_statement_s",
                   (int)p->group_statement_s, "observer_statement_s",
                   (int)p->observer_statement_s, "point_of_order_s", (int)p->point_of_order_s,
                   "reply_s", reply, "n_reply", (int)p->n_reply, "observer_items",
                   PL_ENUM_NAME(pl_observer_items, p->observer_items), "observer_max_per_item",
                   (int)p->observer_max_per_item, "on_expiry",
                   PL_ENUM_NAME(pl_on_expiry, p->on_expiry), "joint_min", (int)p->joint_min,
                   "contingent_s", (int)p->contingent_s, "order",
                   PL_ENUM_NAME(pl_list_order, p->order));
}

/* The ledgers as rows: tally [delegation, replies, interventions], contingents
 * [group, added_ms, used_ms]. */
static json_t *ledgers_json(const pl_item *it, bool tally) {
  json_t *a = json_array();
  size_t n = tally ? it->n_tally : it->n_cont;
  for (size_t i = 0; a && i < n; i++)
    json_array_append_new(
        a, tally ? json_pack("[s, i, i]", it->tally[i].delegation, (int)it->tally[i].replies,
                             (int)it->tally[i].interventions)
                 : json_pack("[s, I, I]", it->cont[i].group, (json_int_t)it->cont[i].added_ms,
                             (json_int_t)it->cont[i].used_ms));
  return a;
}

static json_t *item_json(const pl_item *it) {
  return json_pack("{s:s, s:s, s:s, s:i, s:b, s:I, s:I, s:I, s:o, s:o, s:o}", "id",
                   it->def.id, "title", it->def.title, "kind",
                   PL_ENUM_NAME(pl_item_kind, it->def.kind), "planned_s",
                   (int)it->def.planned_s, "list_closed", it->list_closed, "deadline_at",
                   (json_int_t)it->deadline_at, "open_since", (json_int_t)it->open_since,
                   "spent_ms", (json_int_t)it->spent_ms, "queue", pl_json_queue(it), "tally",
                   ledgers_json(it, true), "cont", ledgers_json(it, false));
}

char *pl_snapshot_encode(const pl_room *r, size_t *len) {
  json_t *items = json_array();
  for (size_t i = 0; items && i < r->n_items; i++)
    if (json_array_append_new(items, item_json(&r->items[i]))) {
      json_decref(items);
      items = NULL;
    }
  json_t *o = json_pack("{s:i, s:o, s:I, s:I, s:s, s:o, s:o}", "snapshot", PL_SNAPSHOT_VERSION,
                        "policy", policy_json(&r->policy), "current", (json_int_t)r->current,
                        "next_entry", (json_int_t)r->next_entry, "sitting",
                        PL_ENUM_NAME(pl_sitting, r->sitting), "floor",
                        pl_json_floor(&r->floor), "items", items);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (text)
    *len = strlen(text);
  return text;
}

bool pl_snapshot_agenda_is(const pl_room *r, const pl_item_def *items, size_t n) {
  if (r->n_items != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    const pl_item_def *a = &r->items[i].def, *b = &items[i];
    if (strcmp(a->id, b->id) || strcmp(a->title, b->title) || a->kind != b->kind ||
        a->planned_s != b->planned_s)
      return false;
  }
  return true;
}

/* --- decoding --------------------------------------------------------------- */

/* Each reader marks *bad when its field is missing or of the wrong type. */
static int64_t need_int(json_t *o, const char *key, bool *bad) {
  json_t *v = json_object_get(o, key);
  if (!json_is_integer(v))
    *bad = true;
  return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int need_enum(json_t *o, const char *key, const char *const names[], size_t n,
                     bool *bad) {
  int v = pl_enum_parse(names, n, json_string_value(json_object_get(o, key)));
  if (v < 0)
    *bad = true;
  return v < 0 ? 0 : v;
}
#define NEED_ENUM(o, key, type, bad) (type) need_enum(o, key, type##_names, type##_count, bad)

static void need_str(json_t *o, const char *key, char *buf, size_t len, bool *bad) {
  if (!json_is_string(json_object_get(o, key)) || !pl_json_take_str(o, key, buf, len, false))
    *bad = true;
}

static void policy_from(json_t *o, pl_policy *p, bool *bad) {
  memset(p, 0, sizeof *p);
  if (!json_is_object(o)) {
    *bad = true;
    return;
  }
  p->statement_s = (int32_t)need_int(o, "statement_s", bad);
  p->group_statement_s = (int32_t)need_int(o, "group_statement_s", bad);
  p->observer_statement_s = (int32_t)need_int(o, "observer_statement_s", bad);
  p->point_of_order_s = (int32_t)need_int(o, "point_of_order_s", bad);
  json_t *reply = json_object_get(o, "reply_s");
  if (!json_is_array(reply) || json_array_size(reply) != PL_MAX_REPLIES)
    *bad = true;
  for (size_t i = 0; !*bad && i < PL_MAX_REPLIES; i++) {
    json_t *v = json_array_get(reply, i);
    *bad |= !json_is_integer(v);
    p->reply_s[i] = (int32_t)json_integer_value(v);
  }
  int64_t n_reply = need_int(o, "n_reply", bad);
  *bad |= n_reply < 0 || n_reply > PL_MAX_REPLIES;
  p->n_reply = (uint8_t)n_reply;
  p->observer_items = NEED_ENUM(o, "observer_items", pl_observer_items, bad);
  p->observer_max_per_item = (int32_t)need_int(o, "observer_max_per_item", bad);
  p->on_expiry = NEED_ENUM(o, "on_expiry", pl_on_expiry, bad);
  p->joint_min = (int32_t)need_int(o, "joint_min", bad);
  p->contingent_s = (int32_t)need_int(o, "contingent_s", bad);
  p->order = NEED_ENUM(o, "order", pl_list_order, bad);
}

static void def_from(json_t *o, pl_item_def *d, bool *bad) {
  memset(d, 0, sizeof *d);
  if (!json_is_object(o)) {
    *bad = true;
    return;
  }
  need_str(o, "id", d->id, sizeof d->id, bad);
  need_str(o, "title", d->title, sizeof d->title, bad);
  d->kind = NEED_ENUM(o, "kind", pl_item_kind, bad);
  d->planned_s = (int32_t)need_int(o, "planned_s", bad);
}

/* Allocates exactly n elements of `size` for a list (NULL when n is 0). */
static void *take_array(size_t n, size_t size, size_t *cap, bool *bad) {
  void *p = n ? calloc(n, size) : NULL;
  if (n && !p)
    *bad = true;
  *cap = p ? n : 0;
  return p;
}

/* A ledger's row [key, a, b]; false when it is not one. */
static bool row_from(json_t *row, char *key, size_t keylen, int64_t *a, int64_t *b) {
  const char *k = NULL;
  json_int_t x = 0, y = 0;
  if (json_unpack(row, "[s, I, I]", &k, &x, &y) || strlen(k) >= keylen)
    return false;
  memcpy(key, k, strlen(k) + 1);
  *a = x;
  *b = y;
  return true;
}

static void lists_from(json_t *o, pl_item *it, bool *bad) {
  json_t *q = json_object_get(o, "queue"), *t = json_object_get(o, "tally"),
         *c = json_object_get(o, "cont");
  if (!json_is_array(q) || !json_is_array(t) || !json_is_array(c)) {
    *bad = true;
    return;
  }
  it->queue = take_array(json_array_size(q), sizeof *it->queue, &it->cap_queue, bad);
  it->tally = take_array(json_array_size(t), sizeof *it->tally, &it->cap_tally, bad);
  it->cont = take_array(json_array_size(c), sizeof *it->cont, &it->cap_cont, bad);
  for (size_t i = 0; !*bad && i < it->cap_queue; i++)
    *bad |= pl_entry_from_json(json_array_get(q, i), &it->queue[i]) != 0;
  it->n_queue = *bad ? 0 : it->cap_queue;
  for (size_t i = 0; !*bad && i < it->cap_tally; i++) {
    pl_tally *x = &it->tally[i];
    int64_t replies = 0, interventions = 0;
    *bad |= !row_from(json_array_get(t, i), x->delegation, sizeof x->delegation, &replies,
                      &interventions);
    x->replies = (int32_t)replies;
    x->interventions = (int32_t)interventions;
  }
  it->n_tally = *bad ? 0 : it->cap_tally;
  for (size_t i = 0; !*bad && i < it->cap_cont; i++) {
    pl_contingent *x = &it->cont[i];
    *bad |= !row_from(json_array_get(c, i), x->group, sizeof x->group, &x->added_ms,
                      &x->used_ms);
  }
  it->n_cont = *bad ? 0 : it->cap_cont;
}

static void item_from(json_t *o, pl_item *it, bool *bad) {
  it->list_closed = json_is_true(json_object_get(o, "list_closed"));
  *bad |= !json_is_boolean(json_object_get(o, "list_closed"));
  it->deadline_at = need_int(o, "deadline_at", bad);
  it->open_since = need_int(o, "open_since", bad);
  it->spent_ms = need_int(o, "spent_ms", bad);
  if (!*bad)
    lists_from(o, it, bad);
}

static pl_err refuse(char *why, size_t whylen, const char *what) {
  snprintf(why, whylen, "%s", what);
  return PL_ERR_BAD_REQUEST;
}

pl_err pl_snapshot_decode(const char *text, size_t len, pl_room *out, char *why,
                          size_t whylen) {
  json_error_t err;
  json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
  memset(out, 0, sizeof *out);
  if (!json_is_object(o)) {
    json_decref(o);
    return refuse(why, whylen, "the snapshot is not a JSON object");
  }
  json_t *v = json_object_get(o, "snapshot");
  long long version = json_is_integer(v) ? (long long)json_integer_value(v) : -1;
  if (version != PL_SNAPSHOT_VERSION) {
    json_decref(o);
    snprintf(why, whylen, "the snapshot is of version %lld, this server reads %d", version,
             PL_SNAPSHOT_VERSION);
    return PL_ERR_BAD_REQUEST;
  }
  bool bad = false;
  pl_policy policy;
  policy_from(json_object_get(o, "policy"), &policy, &bad);
  json_t *items = json_object_get(o, "items");
  size_t n = json_array_size(items);
  pl_item_def *defs = n ? calloc(n, sizeof *defs) : NULL;
  bad |= !defs;
  for (size_t i = 0; !bad && i < n; i++)
    def_from(json_array_get(items, i), &defs[i], &bad);
  if (bad || pl_room_init(out, &policy, defs, n) != PL_ERR_OK) {
    free(defs);
    json_decref(o);
    return refuse(why, whylen, "the snapshot's policy or agenda is damaged");
  }
  free(defs);
  for (size_t i = 0; !bad && i < n; i++)
    item_from(json_array_get(items, i), &out->items[i], &bad);
  int64_t current = need_int(o, "current", &bad), next = need_int(o, "next_entry", &bad);
  bad |= current < 0 || (size_t)current >= n || next < 1 || next > UINT32_MAX;
  out->current = (size_t)current;
  out->next_entry = (uint32_t)next;
  out->sitting = NEED_ENUM(o, "sitting", pl_sitting, &bad);
  json_t *floor = json_object_get(o, "floor");
  bad |= !floor || pl_floor_from_json(floor, &out->floor) != 0;
  json_decref(o);
  if (bad) {
    pl_room_release(out);
    return refuse(why, whylen, "the snapshot's room is damaged");
  }
  return PL_ERR_OK;
}
