/*
 * The room's state and the one function that changes it, pl_room_apply.
 *
 * Every change to a meeting's floor is an event; a restart rebuilds the room
 * by applying the stored events to a freshly initialised room. So apply reads
 * nothing but the room and the event, never re-checks policy (the command
 * that made the event already did) and never derives a value that a command
 * could have computed differently: a floor.changed carries the whole new
 * floor, and the one thing apply computes itself, where a new entry goes in
 * the list, is the same helper the command used (pl_room__insert_pos).
 *
 * Lists are short (tens of speakers, rarely a few hundred), so they are plain
 * arrays kept in list order and searched linearly; the ledgers likewise.
 * Simplicity wins over any index here: a meeting changes a few times a second.
 */
#include "core/room.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invariant.h"
#include "core/room_impl.h"

const char *const pl_event_names[] = {
    [PL_EV_QUEUE_ADDED] = "queue.added",     [PL_EV_QUEUE_REMOVED] = "queue.removed",
    [PL_EV_QUEUE_MOVED] = "queue.moved",     [PL_EV_QUEUE_UPDATED] = "queue.updated",
    [PL_EV_QUEUE_CLOSED] = "queue.closed",   [PL_EV_QUEUE_OPENED] = "queue.opened",
    [PL_EV_FLOOR_CHANGED] = "floor.changed", [PL_EV_FLOOR_EXPIRED] = "floor.expired",
    [PL_EV_SPEECH_ENDED] = "speech.ended",   [PL_EV_ITEM] = "item",
    [PL_EV_CONTINGENT_ADDED] = "contingent.added",
    [PL_EV_QUEUE_DEADLINE] = "queue.deadline",
    [PL_EV_MEETING_SUSPENDED] = "meeting.suspended",
    [PL_EV_MEETING_RESUMED] = "meeting.resumed",
    [PL_EV_MEETING_CLOSED] = "meeting.closed",
};
const size_t pl_event_count = sizeof(pl_event_names) / sizeof(pl_event_names[0]);

/* ---------------------------------------------------------------- helpers */

void pl_room__copy(char *dst, size_t cap, const char *src) {
  if (cap == 0)
    return;
  size_t n = src ? strnlen(src, cap - 1) : 0;
  memcpy(dst, src ? src : "", n);
  dst[n] = '\0';
}

/* Class of a kind in the list order: points of order, then statements and
 * questions (one class: "in the order asked" mixes them), then replies. */
static int kind_class(pl_speech_kind kind) {
  switch (kind) {
  case PL_SPEECH_POINT_OF_ORDER:
    return 0;
  case PL_SPEECH_RIGHT_OF_REPLY:
    return 2;
  case PL_SPEECH_STATEMENT:
  case PL_SPEECH_QUESTION:
  default:
    return 1;
  }
}

/*
 * One rule places every new entry: right after the last entry of its own or
 * an earlier class. Untouched by the chair, that is exactly the contract's
 * order (a point of order after the last point of order, a statement before
 * the first right of reply, a right of reply at the end). Once the chair has
 * moved entries, the list is no longer sorted by class and the chair's order
 * is kept as it is; the rule then still guarantees that each class is heard
 * in the order asked (a new statement never overtakes an earlier statement,
 * even when the chair moved a right of reply to the top, where "before the
 * first right of reply" would have put it first).
 */
/*
 * In protocol order (policy order "protocol", fixed on each entry when it is
 * asked) a statement or question goes instead after the last entry of its
 * class that does not rank below it: untouched, the class is sorted by rank
 * and then by the time of inscription, a total order since no two entries
 * share an id; the chair's moves are kept as above.
 */
size_t pl_room__insert_pos(const pl_item *it, const pl_entry *e) {
  int cls = kind_class(e->kind);
  for (size_t i = it->n_queue; i > 0; i--) {
    const pl_entry *x = &it->queue[i - 1];
    int xc = kind_class(x->kind);
    if (xc < cls || (xc == cls && (!e->by_rank || !x->by_rank || x->rank <= e->rank)))
      return i;
  }
  return 0;
}

ptrdiff_t pl_room__entry_index(const pl_item *it, const char *id) {
  if (!id)
    return -1;
  for (size_t i = 0; i < it->n_queue; i++)
    if (strcmp(it->queue[i].id, id) == 0)
      return (ptrdiff_t)i;
  return -1;
}

const pl_item *pl_room__find_queued(const pl_room *r, const char *id, size_t *index) {
  for (size_t k = 0; k < r->n_items; k++) {
    ptrdiff_t i = pl_room__entry_index(&r->items[k], id);
    if (i >= 0) {
      if (index)
        *index = (size_t)i;
      return &r->items[k];
    }
  }
  return NULL;
}

const pl_tally *pl_room__tally(const pl_item *it, const char *delegation) {
  for (size_t i = 0; i < it->n_tally; i++)
    if (strcmp(it->tally[i].delegation, delegation) == 0)
      return &it->tally[i];
  return NULL;
}

bool pl_room__running(const pl_floor *f) {
  return f->held && f->phase == PL_PHASE_SPEAKING && !f->paused;
}

pl_event *pl_room__emit(pl_events *out, pl_event_type type, const char *item,
                        int64_t now) {
  pl_event *ev;
  if (NEVER(out->n >= PL_MAX_EVENTS)) {
    out->overflow = true;
    ev = &out->spill;
  } else {
    ev = &out->ev[out->n++];
  }
  memset(ev, 0, sizeof *ev);
  ev->type = type;
  pl_room__copy(ev->item, sizeof ev->item, item);
  ev->at = now;
  return ev;
}

void pl_room__emit_speech(const pl_room *r, int64_t now, pl_events *out) {
  const pl_floor *f = &r->floor;
  pl_event *ev = pl_room__emit(out, PL_EV_SPEECH_ENDED, f->item, now);
  ev->speech.entry = f->entry;
  pl_room__copy(ev->speech.item, sizeof ev->speech.item, f->item);
  ev->speech.started_at = f->phase == PL_PHASE_SPEAKING ? f->started_at : 0;
  ev->speech.ended_at = now;
  ev->speech.spoken_ms = pl_floor_spoken_ms(f, now);
  ev->speech.allotted_ms = f->allotted_ms;
  ev->speech.drawn_ms = pl_room__draw(r, &f->entry, f->item, ev->speech.spoken_ms);
}

void pl_room__emit_end(const pl_room *r, int64_t now, pl_events *out) {
  pl_room__emit_speech(r, now, out);
  /* floor.changed to nobody: the zeroed floor of pl_room__emit. */
  pl_room__emit(out, PL_EV_FLOOR_CHANGED, r->floor.item, now);
}

void pl_room__begin(pl_events *out) {
  out->n = 0;
  out->message[0] = '\0';
  out->overflow = false;
}

pl_err pl_room__refuse(pl_events *out, pl_err err, const char *fmt, ...) {
  va_list ap;
  out->n = 0;
  out->overflow = false;
  va_start(ap, fmt);
  vsnprintf(out->message, sizeof out->message, fmt, ap);
  va_end(ap);
  return err;
}

pl_err pl_room__need_presides(const pl_actor *a, const char *what, pl_events *out) {
  if (a->presides)
    return PL_ERR_OK;
  return pl_room__refuse(out, PL_ERR_FORBIDDEN, "only the chair may %s", what);
}

/* ------------------------------------------------------------ lifecycle */

pl_err pl_room_init(pl_room *r, const pl_policy *p, const pl_item_def *items, size_t n) {
  memset(r, 0, sizeof *r);
  if (n == 0 || !items || !p)
    return PL_ERR_INTERNAL;
  r->items = calloc(n, sizeof *r->items);
  if (!r->items)
    return PL_ERR_INTERNAL;
  r->n_items = n;
  for (size_t i = 0; i < n; i++) {
    r->items[i].def = items[i];
    /* Defined ids and titles even if the caller's were not terminated. */
    r->items[i].def.id[PL_ID_LEN - 1] = '\0';
    r->items[i].def.title[PL_NAME_LEN - 1] = '\0';
  }
  r->policy = *p;
  if (r->policy.n_reply > PL_MAX_REPLIES)
    r->policy.n_reply = PL_MAX_REPLIES;
  r->current = 0;
  r->next_entry = 1;
  return PL_ERR_OK;
}

void pl_room_release(pl_room *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_items; i++) {
    free(r->items[i].queue);
    free(r->items[i].tally);
    free(r->items[i].cont);
  }
  free(r->items);
  memset(r, 0, sizeof *r);
}

/* A copy of the n elements of `src`, exactly n long (NULL when n is 0);
 * *ok becomes false when out of memory. */
static void *copy_array(const void *src, size_t n, size_t size, size_t *cap, bool *ok) {
  void *p = n ? malloc(n * size) : NULL;
  if (p)
    memcpy(p, src, n * size);
  if (n && !p)
    *ok = false;
  *cap = p ? n : 0;
  return p;
}

pl_err pl_room_copy(pl_room *dst, const pl_room *src) {
  *dst = *src;
  dst->items = calloc(src->n_items, sizeof *dst->items);
  if (!dst->items) {
    memset(dst, 0, sizeof *dst);
    return PL_ERR_INTERNAL;
  }
  bool ok = true;
  for (size_t i = 0; i < src->n_items; i++) {
    const pl_item *s = &src->items[i];
    pl_item *d = &dst->items[i];
    *d = *s;
    d->queue = copy_array(s->queue, s->n_queue, sizeof *s->queue, &d->cap_queue, &ok);
    d->tally = copy_array(s->tally, s->n_tally, sizeof *s->tally, &d->cap_tally, &ok);
    d->cont = copy_array(s->cont, s->n_cont, sizeof *s->cont, &d->cap_cont, &ok);
  }
  if (!ok) {
    pl_room_release(dst); /* frees what was copied, and NULL for the rest */
    return PL_ERR_INTERNAL;
  }
  return PL_ERR_OK;
}

/* -------------------------------------------------------------- lookups */

const pl_item *pl_room_current_item(const pl_room *r) {
  return r->current < r->n_items ? &r->items[r->current] : NULL;
}

const pl_item *pl_room_find_item(const pl_room *r, const char *item_id) {
  if (!item_id)
    return NULL;
  for (size_t i = 0; i < r->n_items; i++)
    if (strcmp(r->items[i].def.id, item_id) == 0)
      return &r->items[i];
  return NULL;
}

const pl_entry *pl_item_find_entry(const pl_item *it, const char *entry_id) {
  if (!it)
    return NULL;
  ptrdiff_t i = pl_room__entry_index(it, entry_id);
  return i >= 0 ? &it->queue[i] : NULL;
}

/* ---------------------------------------------------------------- clock */

int64_t pl_floor_spoken_ms(const pl_floor *f, int64_t now) {
  if (!f->held)
    return 0;
  int64_t ms = f->elapsed_ms;
  /* A clock stepped backwards must not make time spoken shrink. */
  if (pl_room__running(f) && now > f->running_since)
    ms += now - f->running_since;
  return ms;
}

/* When the floor expires, or 0 when no clock runs toward an expiry. */
static int64_t floor_deadline(const pl_room *r) {
  const pl_floor *f = &r->floor;
  if (!pl_room__running(f) || f->overrun)
    return 0;
  return f->running_since + ((int64_t)f->allotted_ms - f->elapsed_ms);
}

int64_t pl_room_deadline(const pl_room *r) {
  int64_t f = floor_deadline(r), l = pl_room__lists_deadline(r);
  return !f ? l : !l ? f : f < l ? f : l;
}

pl_err pl_room_tick(const pl_room *r, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_room__close_due(r, now, out);
  if (!floor_deadline(r) || now < floor_deadline(r))
    return PL_ERR_OK; /* no clock runs toward an expiry, or not yet */
  pl_event *ev = pl_room__emit(out, PL_EV_FLOOR_EXPIRED, r->floor.item, now);
  ev->entry = r->floor.entry;
  if (r->policy.on_expiry == PL_ON_EXPIRY_CUT)
    pl_room__emit_end(r, now, out);
  return PL_ERR_OK;
}

/* ---------------------------------------------------------------- apply */

static pl_item *item_mut(pl_room *r, const char *id) {
  return (pl_item *)pl_room_find_item(r, id);
}

/* Returns `arr` (of *cap elements of `size` bytes) grown to hold `need`
 * (at least one), doubling from `first`; NULL when out of memory, and then
 * arr and *cap are untouched. */
static void *grow_to(void *arr, size_t *cap, size_t need, size_t size, size_t first) {
  if (need <= *cap)
    return arr;
  size_t n = *cap ? *cap : first;
  while (n < need)
    n *= 2;
  void *grown = realloc(arr, n * size);
  if (grown)
    *cap = n;
  return grown;
}

/* Capacity for `more` (at least one) entries in `it`'s list and as many new
 * ledgers. */
static pl_err item_reserve(pl_item *it, size_t more) {
  pl_entry *q = grow_to(it->queue, &it->cap_queue, it->n_queue + more, sizeof *q, 16);
  if (!q)
    return PL_ERR_INTERNAL;
  it->queue = q;
  pl_tally *t = grow_to(it->tally, &it->cap_tally, it->n_tally + more, sizeof *t, 8);
  if (!t)
    return PL_ERR_INTERNAL;
  it->tally = t;
  return PL_ERR_OK;
}

/* Room for one more contingent ledger in the item of `ev` when it makes one. */
static pl_err contingent_reserve(pl_room *r, const pl_event *ev) {
  const char *group = ev->type == PL_EV_CONTINGENT_ADDED                         ? ev->group
                      : ev->type == PL_EV_SPEECH_ENDED && ev->speech.drawn_ms > 0 ? ev->speech.entry.contingent
                                                                                  : NULL;
  pl_item *it = group ? item_mut(r, ev->item) : NULL;
  if (!it || pl_room__contingent(it, group))
    return PL_ERR_OK;
  /* One more than now for each: a change makes at most a few. */
  pl_contingent *c = grow_to(it->cont, &it->cap_cont, it->n_cont + PL_MAX_EVENTS,
                             sizeof *c, 8);
  if (!c)
    return PL_ERR_INTERNAL;
  it->cont = c;
  return PL_ERR_OK;
}

pl_err pl_room_reserve(pl_room *r, const pl_event *evs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (contingent_reserve(r, &evs[i]) != PL_ERR_OK)
      return PL_ERR_INTERNAL;
    if (evs[i].type != PL_EV_QUEUE_ADDED)
      continue;
    pl_item *it = item_mut(r, evs[i].item);
    /* Every addition counted against its item, so two in one list fit. */
    size_t more = 0;
    for (size_t k = 0; k < n; k++)
      more += evs[k].type == PL_EV_QUEUE_ADDED && strcmp(evs[k].item, evs[i].item) == 0;
    if (it && item_reserve(it, more) != PL_ERR_OK)
      return PL_ERR_INTERNAL;
  }
  return PL_ERR_OK;
}

/* The ledger of `delegation`, made in reserved room when it has none. */
static pl_tally *tally_get(pl_item *it, const char *delegation) {
  pl_tally *t = (pl_tally *)pl_room__tally(it, delegation);
  if (t)
    return t;
  if (NEVER(it->n_tally == it->cap_tally))
    return NULL;
  t = &it->tally[it->n_tally++];
  memset(t, 0, sizeof *t);
  pl_room__copy(t->delegation, sizeof t->delegation, delegation);
  return t;
}

/* Adds `sign` to the ledgers an entry counts in: a right of reply in its
 * State's replies, any request of a non-State in its interventions. */
static pl_err tally_count(pl_item *it, const pl_entry *e, int32_t sign) {
  bool reply = e->kind == PL_SPEECH_RIGHT_OF_REPLY;
  bool observer = !pl_delegation_is_state(e->delegation.kind);
  if (!reply && !observer)
    return PL_ERR_OK;
  pl_tally *t = tally_get(it, e->delegation.id);
  if (!t)
    return PL_ERR_INTERNAL;
  if (reply)
    t->replies += sign;
  if (observer)
    t->interventions += sign;
  return PL_ERR_OK;
}

static pl_err apply_added(pl_room *r, pl_item *it, const pl_entry *e) {
  if (pl_room__entry_index(it, e->id) >= 0 ||
      (r->floor.held && strcmp(r->floor.entry.id, e->id) == 0))
    return PL_ERR_INTERNAL;
  if (NEVER(it->n_queue == it->cap_queue))
    return PL_ERR_INTERNAL; /* pl_room_reserve was not called */
  /* The ledger first: if it has no room, the list is left unchanged. */
  if (tally_count(it, e, +1) != PL_ERR_OK)
    return PL_ERR_INTERNAL;
  size_t pos = pl_room__insert_pos(it, e);
  memmove(&it->queue[pos + 1], &it->queue[pos], (it->n_queue - pos) * sizeof *it->queue);
  it->queue[pos] = *e;
  it->n_queue++;
  /* Ids are "e<n>"; the next one follows the highest seen, so a replayed
   * log hands out the same ids as the live room did. */
  if (e->id[0] == 'e') {
    char *end = NULL;
    unsigned long num = strtoul(e->id + 1, &end, 10);
    if (end && *end == '\0' && num >= r->next_entry && num < UINT32_MAX)
      r->next_entry = (uint32_t)num + 1;
  }
  return PL_ERR_OK;
}

static pl_err apply_removed(pl_item *it, const pl_event *ev) {
  ptrdiff_t i = pl_room__entry_index(it, ev->entry.id);
  if (i < 0)
    return PL_ERR_INTERNAL;
  pl_entry gone = it->queue[i];
  memmove(&it->queue[i], &it->queue[i + 1],
          (it->n_queue - (size_t)i - 1) * sizeof *it->queue);
  it->n_queue--;
  /* A speech given still counts against the policy; a request taken back
   * (by its delegation or by the chair) does not. */
  if (ev->reason != PL_REMOVED_CALLED)
    return tally_count(it, &gone, -1);
  return PL_ERR_OK;
}

static pl_err apply_moved(pl_item *it, const pl_event *ev) {
  ptrdiff_t i = pl_room__entry_index(it, ev->entry.id);
  if (i < 0 || ev->position < 0)
    return PL_ERR_INTERNAL;
  size_t to = (size_t)ev->position;
  if (to >= it->n_queue)
    to = it->n_queue - 1;
  pl_entry e = it->queue[i];
  size_t from = (size_t)i;
  if (to < from)
    memmove(&it->queue[to + 1], &it->queue[to], (from - to) * sizeof e);
  else if (to > from)
    memmove(&it->queue[from], &it->queue[from + 1], (to - from) * sizeof e);
  it->queue[to] = e;
  return PL_ERR_OK;
}

int64_t pl_item_spent_ms(const pl_item *it, int64_t now) {
  int64_t ms = it->spent_ms;
  if (it->open_since && now > it->open_since)
    ms += now - it->open_since;
  return ms;
}

/*
 * The items' clocks follow the events' instants alone: an item's time runs
 * from the item event that opens it to the one that opens another, and the
 * first item's from the meeting's first room event (the list or the floor
 * first moving is when the debate began). So a replay gives every item the
 * same duration.
 */
static void item_clock(pl_room *r, const pl_event *ev, pl_item *opened) {
  pl_item *cur = &r->items[r->current];
  if (opened && opened != cur) {
    if (cur->open_since && ev->at > cur->open_since)
      cur->spent_ms += ev->at - cur->open_since;
    cur->open_since = 0;
    opened->open_since = ev->at;
  } else if (!cur->open_since && !opened) {
    cur->open_since = ev->at;
  }
}

pl_err pl_room_apply(pl_room *r, const pl_event *ev) {
  pl_item *it = item_mut(r, ev->item);
  if (ev->type != PL_EV_ITEM || it)
    item_clock(r, ev, ev->type == PL_EV_ITEM ? it : NULL);
  switch (ev->type) {
  case PL_EV_QUEUE_ADDED:
    return it ? apply_added(r, it, &ev->entry) : PL_ERR_INTERNAL;
  case PL_EV_QUEUE_REMOVED:
    return it ? apply_removed(it, ev) : PL_ERR_INTERNAL;
  case PL_EV_QUEUE_MOVED:
    return it ? apply_moved(it, ev) : PL_ERR_INTERNAL;
  case PL_EV_QUEUE_UPDATED: {
    ptrdiff_t i = it ? pl_room__entry_index(it, ev->entry.id) : -1;
    if (i < 0)
      return PL_ERR_INTERNAL;
    /* Only the name to announce may change: the place and the allotment
     * belong to the delegation's original request. */
    pl_room__copy(it->queue[i].speaker, sizeof it->queue[i].speaker, ev->entry.speaker);
    return PL_ERR_OK;
  }
  case PL_EV_QUEUE_CLOSED:
  case PL_EV_QUEUE_OPENED:
    if (!it)
      return PL_ERR_INTERNAL;
    it->list_closed = ev->type == PL_EV_QUEUE_CLOSED;
    /* A closed list has no deadline left: reopened, it stays open. */
    if (it->list_closed)
      it->deadline_at = 0;
    return PL_ERR_OK;
  case PL_EV_QUEUE_DEADLINE:
    if (!it || ev->deadline < 0)
      return PL_ERR_INTERNAL;
    it->deadline_at = ev->deadline;
    return PL_ERR_OK;
  case PL_EV_FLOOR_CHANGED:
    r->floor = ev->floor;
    return PL_ERR_OK;
  case PL_EV_FLOOR_EXPIRED:
    if (!r->floor.held || strcmp(r->floor.entry.id, ev->entry.id) != 0)
      return PL_ERR_INTERNAL;
    r->floor.overrun = true;
    return PL_ERR_OK;
  case PL_EV_SPEECH_ENDED:
    /* The record, and what the speech drew on its contingent: the
     * floor.changed that follows it changes the floor. */
    if (ev->speech.drawn_ms <= 0)
      return PL_ERR_OK;
    return it ? pl_room__contingent_add(it, ev->speech.entry.contingent, 0,
                                        ev->speech.drawn_ms)
              : PL_ERR_INTERNAL;
  case PL_EV_CONTINGENT_ADDED:
    return it && ev->ms > 0 ? pl_room__contingent_add(it, ev->group, ev->ms, 0)
                            : PL_ERR_INTERNAL;
  case PL_EV_ITEM:
    if (!it)
      return PL_ERR_INTERNAL;
    r->current = (size_t)(it - r->items);
    return PL_ERR_OK;
  case PL_EV_MEETING_SUSPENDED:
  case PL_EV_MEETING_RESUMED:
  case PL_EV_MEETING_CLOSED:
    return pl_room__apply_sitting(r, ev);
  }
  return PL_ERR_INTERNAL;
}
