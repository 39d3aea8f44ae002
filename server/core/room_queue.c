/*
 * The list of speakers and the speaking policy: the commands that decide who
 * may ask for the floor, how long they will get, and how the chair orders,
 * closes and reopens the lists and moves through the agenda.
 *
 * Each command reads a const room and either refuses (a pl_err with a message
 * that names the problem) or returns the events of the change; it never
 * mutates. Checks run in one order everywhere: who may do it (forbidden),
 * whether the arguments are well formed (bad_request), what they name
 * (not_found), whether the state allows it now (conflict), and last the
 * speaking limits (limit), so the most fundamental reason is the one told.
 *
 * The policy binds those who ask: the allotment is fixed on the entry when it
 * is asked, so a policy change or a later ledger never alters a place already
 * held, and the chair, who gives the floor, is bound by none of it.
 */
#include <stdio.h>
#include <string.h>

#include "core/room.h"
#include "core/room_impl.h"

void pl_policy_default(pl_policy *p) {
  memset(p, 0, sizeof *p);
  p->statement_s = 300;
  p->group_statement_s = 420;
  p->observer_statement_s = 180;
  p->point_of_order_s = 120;
  p->reply_s[0] = 300;
  p->reply_s[1] = 180;
  p->n_reply = 2;
  p->observer_items = PL_OBSERVER_ITEMS_STAKEHOLDER;
  p->observer_max_per_item = 1;
  p->on_expiry = PL_ON_EXPIRY_WARN;
  p->joint_min = 5;
  p->contingent_s = 0;
  p->order = PL_ORDER_ASKED;
}

static int32_t seconds_to_ms(int32_t s) {
  int64_t ms = (int64_t)s * 1000;
  if (ms < 0)
    return 0;
  return ms > INT32_MAX ? INT32_MAX : (int32_t)ms;
}

/* Asks and withdraws are the business of delegates and observers; viewers
 * listen, and the chair's own tools are give/remove. */
static bool may_speak(const pl_actor *a) {
  return a->role == PL_ROLE_DELEGATE || a->role == PL_ROLE_OBSERVER;
}

/* The delegation that holds an entry may withdraw it or rename its speaker;
 * so may whoever presides. */
static bool owns_or_presides(const pl_actor *a, const pl_entry *e) {
  return a->presides ||
         (may_speak(a) && strcmp(a->delegation.id, e->delegation.id) == 0);
}

/* A name to announce: given, it must be non-empty and fit PL_NAME_LEN. UTF-8
 * validity is the shell's business (it decodes the JSON). */
static pl_err check_name(const char *field, const char *s, bool may_be_empty,
                         pl_events *out) {
  size_t n = strnlen(s, PL_NAME_LEN);
  if (n >= PL_NAME_LEN)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "%s is longer than %d bytes",
                           field, PL_NAME_LEN - 1);
  if (n == 0 && !may_be_empty)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "%s must not be empty", field);
  return PL_ERR_OK;
}

/* The waiting entry `id` in any item's list, for ops that name an entry. */
static pl_err find_queued(const pl_room *r, const char *id, const pl_item **it,
                          size_t *index, pl_events *out) {
  *it = id ? pl_room__find_queued(r, id, index) : NULL;
  if (*it)
    return PL_ERR_OK;
  if (id && r->floor.held && strcmp(r->floor.entry.id, id) == 0)
    return pl_room__refuse(out, PL_ERR_NOT_FOUND,
                           "entry %s has the floor and is no longer in the list", id);
  return pl_room__refuse(out, PL_ERR_NOT_FOUND, "entry %s is in no list of speakers",
                         id ? id : "(none)");
}

/* ------------------------------------------------------------- request */

/* The policy's checks for a request by `a` in the open item; on success
 * *allotted_ms gets the time the request is allotted. */
static pl_err check_policy(const pl_room *r, const pl_actor *a, const pl_request *req,
                           bool group_time, int32_t *allotted_ms, pl_events *out) {
  const pl_policy *p = &r->policy;
  const pl_item *it = pl_room_current_item(r);
  bool state = pl_delegation_is_state(a->delegation.kind);
  pl_speech_kind kind = req->kind;

  if (!state && (kind == PL_SPEECH_POINT_OF_ORDER || kind == PL_SPEECH_RIGHT_OF_REPLY))
    return pl_room__refuse(out, PL_ERR_FORBIDDEN, "kind: only States may ask for a %s",
                           kind == PL_SPEECH_POINT_OF_ORDER ? "point of order"
                                                            : "right of reply");
  if (!state && p->observer_items == PL_OBSERVER_ITEMS_NONE)
    return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                           "the policy of this meeting lets observers ask for the "
                           "floor in no item");
  if (!state && p->observer_items == PL_OBSERVER_ITEMS_STAKEHOLDER &&
      it->def.kind != PL_ITEM_STAKEHOLDER)
    return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                           "observers may ask for the floor only in stakeholder items; "
                           "item %s is not one",
                           it->def.id);

  /* A point of order is not a request for a place in the debate: it raises
   * a breach of the rules, which the chair must hear even after the list of
   * speakers is closed. Closing the list therefore stops every other kind. */
  if (it->list_closed && kind != PL_SPEECH_POINT_OF_ORDER)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the list of speakers is closed");

  if (kind == PL_SPEECH_STATEMENT)
    for (size_t i = 0; i < it->n_queue; i++)
      if (it->queue[i].kind == PL_SPEECH_STATEMENT &&
          strcmp(it->queue[i].delegation.id, a->delegation.id) == 0)
        return pl_room__refuse(out, PL_ERR_CONFLICT,
                               "%s already waits to make a statement on this item "
                               "(entry %s)",
                               a->delegation.name, it->queue[i].id);

  const pl_tally *t = pl_room__tally(it, a->delegation.id);
  if (!state && (t ? t->interventions : 0) >= p->observer_max_per_item)
    return pl_room__refuse(out, PL_ERR_LIMIT,
                           "observers may make at most %d intervention%s per item",
                           (int)p->observer_max_per_item,
                           p->observer_max_per_item == 1 ? "" : "s");

  switch (kind) {
  case PL_SPEECH_POINT_OF_ORDER:
    *allotted_ms = seconds_to_ms(p->point_of_order_s);
    break;
  case PL_SPEECH_RIGHT_OF_REPLY: {
    int32_t used = t ? t->replies : 0;
    int32_t max = p->n_reply > PL_MAX_REPLIES ? PL_MAX_REPLIES : p->n_reply;
    if (used >= max)
      return pl_room__refuse(out, PL_ERR_LIMIT,
                             "a State may exercise at most %d right%s of reply per item",
                             (int)max, max == 1 ? "" : "s");
    *allotted_ms = seconds_to_ms(p->reply_s[used < 0 ? 0 : used]);
    break;
  }
  case PL_SPEECH_STATEMENT:
  case PL_SPEECH_QUESTION:
  default:
    /* Contract section 5: the group time is for a *statement* on behalf of a
     * group; a question stays a question, whoever it is asked for. */
    if (!state)
      *allotted_ms = seconds_to_ms(p->observer_statement_s);
    else if (group_time && kind == PL_SPEECH_STATEMENT)
      *allotted_ms = seconds_to_ms(p->group_statement_s);
    else
      *allotted_ms = seconds_to_ms(p->statement_s);
    break;
  }
  return PL_ERR_OK;
}

pl_err pl_room_request(const pl_room *r, const pl_actor *a, const pl_request *req,
                       int64_t now, pl_events *out) {
  pl_room__begin(out);
  if (!may_speak(a))
    return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                           "only delegates and observers may ask for the floor");
  if ((unsigned)req->kind >= pl_speech_kind_count)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "kind is not a kind of speech");
  const char *speaker = req->speaker ? req->speaker : a->name;
  const char *on_behalf = req->on_behalf ? req->on_behalf : "";
  pl_err err;
  if (req->speaker && (err = check_name("speaker", req->speaker, false, out)))
    return err;
  if ((err = check_name("on_behalf", on_behalf, true, out)))
    return err;

  /* Whom it speaks for and the contingent it draws on are settled into the
   * entry before any event exists, so a refusal leaves `out` empty. */
  pl_entry e_new;
  memset(&e_new, 0, sizeof e_new);
  e_new.kind = req->kind;
  bool group_time = false;
  int32_t allotted = 0;
  if ((err = pl_room__check_behalf(r, a, req, &e_new, &group_time, out)) ||
      (err = check_policy(r, a, req, group_time, &allotted, out)) ||
      (err = pl_room__check_contingent(r, a, &e_new, out)))
    return err;

  const pl_item *it = pl_room_current_item(r);
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_ADDED, it->def.id, now);
  pl_entry *e = &ev->entry;
  *e = e_new;
  snprintf(e->id, sizeof e->id, "e%lu", (unsigned long)r->next_entry);
  e->delegation = a->delegation;
  pl_room__copy(e->delegation.id, sizeof e->delegation.id, a->delegation.id);
  pl_room__copy(e->delegation.name, sizeof e->delegation.name, a->delegation.name);
  pl_room__copy(e->participant, sizeof e->participant, a->participant);
  pl_room__copy(e->speaker, sizeof e->speaker, speaker);
  e->presence = a->presence;
  e->requested_at = now;
  e->allotted_ms = allotted;
  /* Protocol order ranks the debate, statements and questions; a point of
   * order and a right of reply keep their places whoever raises them. */
  e->by_rank = r->policy.order == PL_ORDER_PROTOCOL &&
               (req->kind == PL_SPEECH_STATEMENT || req->kind == PL_SPEECH_QUESTION);
  e->rank = e->by_rank ? a->rank : PL_RANK_HEAD_OF_STATE;
  /* Informative: where apply will put it (apply recomputes the same place). */
  ev->position = (int32_t)pl_room__insert_pos(it, e);
  return PL_ERR_OK;
}

/* ------------------------------------------------- withdraw and update */

/* The waiting entry `entry` that `a` may act on: one of its own delegation's,
 * or any when `a` presides. `verb` names the act in the refusal. */
static pl_err find_owned(const pl_room *r, const pl_actor *a, const char *entry,
                         const char *verb, const pl_item **it, size_t *i, pl_events *out) {
  pl_err err = find_queued(r, entry, it, i, out);
  if (err)
    return err;
  const pl_entry *e = &(*it)->queue[*i];
  if (!owns_or_presides(a, e))
    return pl_room__refuse(out, PL_ERR_FORBIDDEN, "only %s or the chair may %s entry %s",
                           e->delegation.name, verb, e->id);
  return PL_ERR_OK;
}

pl_err pl_room_withdraw(const pl_room *r, const pl_actor *a, const char *entry,
                        int64_t now, pl_events *out) {
  pl_room__begin(out);
  const pl_item *it;
  size_t i;
  pl_err err = find_owned(r, a, entry, "withdraw", &it, &i, out);
  if (err)
    return err;
  const pl_entry *e = &it->queue[i];
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_REMOVED, it->def.id, now);
  ev->entry = *e;
  ev->reason = PL_REMOVED_WITHDRAWN;
  return PL_ERR_OK;
}

pl_err pl_room_update_entry(const pl_room *r, const pl_actor *a, const char *entry,
                            const char *speaker, int64_t now, pl_events *out) {
  pl_room__begin(out);
  const pl_item *it;
  size_t i;
  pl_err err = find_owned(r, a, entry, "change", &it, &i, out);
  if (err)
    return err;
  const pl_entry *e = &it->queue[i];
  if (!speaker)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "speaker is missing");
  if ((err = check_name("speaker", speaker, false, out)))
    return err;
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_UPDATED, it->def.id, now);
  ev->entry = *e;
  pl_room__copy(ev->entry.speaker, sizeof ev->entry.speaker, speaker);
  return PL_ERR_OK;
}

/* ------------------------------------------------------ the chair's list */

/* The waiting entry `entry`, for an act on it that only the presiding may do
 * (`doing` names the act in the refusal). */
static pl_err find_chaired(const pl_room *r, const pl_actor *a, const char *entry,
                           const char *doing, const pl_item **it, size_t *i, pl_events *out) {
  pl_err err = pl_room__need_presides(a, doing, out);
  return err ? err : find_queued(r, entry, it, i, out);
}

pl_err pl_room_move(const pl_room *r, const pl_actor *a, const char *entry,
                    int32_t position, int64_t now, pl_events *out) {
  pl_room__begin(out);
  const pl_item *it;
  size_t i;
  pl_err err = find_chaired(r, a, entry, "reorder the list of speakers", &it, &i, out);
  if (err)
    return err;
  /* Out-of-range positions mean "first" or "last": the chair drags an entry
   * to an end of the list, and the client need not know its exact length. */
  size_t to = position < 0 ? 0 : (size_t)position;
  if (to > it->n_queue - 1)
    to = it->n_queue - 1;
  if (to == i)
    return PL_ERR_OK; /* already there: a no-op, no event */
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_MOVED, it->def.id, now);
  ev->entry = it->queue[i];
  ev->position = (int32_t)to;
  return PL_ERR_OK;
}

pl_err pl_room_remove(const pl_room *r, const pl_actor *a, const char *entry,
                      int64_t now, pl_events *out) {
  pl_room__begin(out);
  const pl_item *it;
  size_t i;
  pl_err err =
      find_chaired(r, a, entry, "remove an entry from the list of speakers", &it, &i, out);
  if (err)
    return err;
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_REMOVED, it->def.id, now);
  ev->entry = it->queue[i];
  ev->reason = PL_REMOVED_BY_CHAIR;
  return PL_ERR_OK;
}

/* Closing a closed list (or opening an open one) is refused rather than
 * ignored, so a chair's client that is out of date learns so at once. */
static pl_err set_list_closed(const pl_room *r, const pl_actor *a, bool closed, int64_t now,
                              pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(
      a, closed ? "close the list of speakers" : "open the list of speakers", out);
  if (err)
    return err;
  const pl_item *it = pl_room_current_item(r);
  if (it->list_closed == closed)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "%s",
                           closed ? "the list of speakers is already closed"
                                  : "the list of speakers is already open");
  pl_room__emit(out, closed ? PL_EV_QUEUE_CLOSED : PL_EV_QUEUE_OPENED, it->def.id, now);
  return PL_ERR_OK;
}

pl_err pl_room_close(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  return set_list_closed(r, a, true, now, out);
}

pl_err pl_room_open(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  return set_list_closed(r, a, false, now, out);
}

/* ------------------------------------------------------------- agenda */

pl_err pl_room_open_item(const pl_room *r, const pl_actor *a, const char *item,
                         int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "open an agenda item", out);
  if (err)
    return err;
  const pl_item *it = pl_room_find_item(r, item);
  if (!it)
    return pl_room__refuse(out, PL_ERR_NOT_FOUND, "item %s is not on the agenda",
                           item ? item : "(none)");
  if (it == pl_room_current_item(r))
    return pl_room__refuse(out, PL_ERR_CONFLICT, "item %s is already open", it->def.id);
  /* The floor belongs to the item under debate: moving on ends the speech
   * (it goes on the record); each item's list stays as it was. */
  if (r->floor.held)
    pl_room__emit_end(r, now, out);
  pl_room__emit(out, PL_EV_ITEM, it->def.id, now);
  return PL_ERR_OK;
}
