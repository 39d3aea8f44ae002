/*
 * Inscription deadlines: the chair (or the secretariat) says when an item's
 * list of speakers closes, and at that instant it closes itself, whether or
 * not the item is open. The deadline is one more instant in
 * pl_room_deadline, so the shell's one timer serves it and the floor alike,
 * and a deadline that passed while the server was down is due at once when
 * the server starts: the tick closes the list then, as an event on the log.
 * A list that closes, by the chair or by its deadline, forgets its deadline,
 * so a list the chair reopens stays open.
 */
#include <string.h>

#include "core/room.h"
#include "core/room_impl.h"

pl_err pl_room_set_deadline(const pl_room *r, const pl_actor *a, const char *item,
                            int64_t at, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "set an inscription deadline", out);
  if (err)
    return err;
  if (at != 0 && at <= now)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "at must be later than now (or null to take the deadline away)");
  const pl_item *it = pl_room_find_item(r, item);
  if (!it)
    return pl_room__refuse(out, PL_ERR_NOT_FOUND, "item %s is not on the agenda",
                           item ? item : "(none)");
  if (it->list_closed)
    return pl_room__refuse(out, PL_ERR_CONFLICT,
                           "the list of speakers of item %s is closed already", it->def.id);
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_DEADLINE, it->def.id, now);
  ev->deadline = at;
  return PL_ERR_OK;
}

int64_t pl_room__lists_deadline(const pl_room *r) {
  int64_t first = 0;
  for (size_t i = 0; i < r->n_items; i++) {
    const pl_item *it = &r->items[i];
    if (!it->list_closed && it->deadline_at && (!first || it->deadline_at < first))
      first = it->deadline_at;
  }
  return first;
}

void pl_room__close_due(const pl_room *r, int64_t now, pl_events *out) {
  /* Two events are left for the floor's expiry in the same tick; lists
   * still due after that are due again at once, and close at the next. */
  for (size_t i = 0; i < r->n_items && out->n + 2 < PL_MAX_EVENTS; i++) {
    const pl_item *it = &r->items[i];
    if (!it->list_closed && it->deadline_at && now >= it->deadline_at)
      pl_room__emit(out, PL_EV_QUEUE_CLOSED, it->def.id, now)->why = PL_CLOSED_DEADLINE;
  }
}
