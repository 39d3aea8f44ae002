/*
 * Private to the room core (room.c, room_queue.c, room_floor.c): the few
 * helpers that both the deciding side (commands) and the applying side
 * (pl_room_apply) must share, so that a command predicts exactly what apply
 * will do. Named pl_room__* (libuv's uv__ convention): not for the shell.
 */
#ifndef PL_CORE_ROOM_IMPL_H
#define PL_CORE_ROOM_IMPL_H

#include "core/room.h"

/* Copies `src` into `dst` (capacity `cap`), truncating, always terminated. */
void pl_room__copy(char *dst, size_t cap, const char *src);

/* Where new entry `e` goes in `it`'s list: after the last entry of its own
 * class or of an earlier class, and in protocol order after the last of its
 * class that does not rank below it (see room.c). */
size_t pl_room__insert_pos(const pl_item *it, const pl_entry *e);

/* Index of entry `id` in `it`'s list, or -1. */
ptrdiff_t pl_room__entry_index(const pl_item *it, const char *id);

/* The item whose list holds entry `id` (any item, not only the open one),
 * or NULL; *index gets its position. */
const pl_item *pl_room__find_queued(const pl_room *r, const char *id, size_t *index);

/* The ledger of `delegation` in `it`, or NULL when it has none yet. */
const pl_tally *pl_room__tally(const pl_item *it, const char *delegation);

/* True when the floor's clock runs: speaking and not paused. */
bool pl_room__running(const pl_floor *f);

/* Starts an event of `type` about `item` at `now`; NULL when `out` is full
 * (a bug: no command makes more than PL_MAX_EVENTS). */
pl_event *pl_room__emit(pl_events *out, pl_event_type type, const char *item,
                        int64_t now);

/* Appends speech.ended for the current floor (which must be held). */
void pl_room__emit_speech(const pl_room *r, int64_t now, pl_events *out);

/* Appends speech.ended for the current floor, then floor.changed to nobody. */
void pl_room__emit_end(const pl_room *r, int64_t now, pl_events *out);

/* Refuses: clears out, formats out->message, returns `err`. */
pl_err pl_room__refuse(pl_events *out, pl_err err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* PL_ERR_OK when `a` presides this meeting (its chair, or the secretariat);
 * otherwise refuses with FORBIDDEN, "only the chair may <what>". */
pl_err pl_room__need_presides(const pl_actor *a, const char *what, pl_events *out);

/* --- groups and contingents (room_groups.c) --- */

/* The contingent ledger of `group` in `it`, or NULL when it has none yet. */
const pl_contingent *pl_room__contingent(const pl_item *it, const char *group);

/* What a speech of entry `e` on `item` that lasted `spoken_ms` draws on
 * its contingent now: at most what is left. */
int32_t pl_room__draw(const pl_room *r, const pl_entry *e, const char *item,
                      int64_t spoken_ms);

/* Checks whom request `req` speaks for and fills e's on_behalf,
 * on_behalf_name and joint; *group_time says whether it has the group
 * time. Refuses FORBIDDEN (not a member), NOT_FOUND (no such group) or
 * BAD_REQUEST (a malformed joint list). */
pl_err pl_room__check_behalf(const pl_room *r, const pl_actor *a, const pl_request *req,
                             pl_entry *e, bool *group_time, pl_events *out);

/* Sets e->contingent to the group whose contingent entry `e` (its kind and
 * on_behalf set) draws on, and refuses LIMIT when that one is spent. */
pl_err pl_room__check_contingent(const pl_room *r, const pl_actor *a, pl_entry *e,
                                 pl_events *out);

/* Adds to the ledger of `group` in reserved room: the chair's time and
 * what speeches drew. */
pl_err pl_room__contingent_add(pl_item *it, const char *group, int64_t added_ms,
                               int64_t used_ms);

/* --- inscription deadlines (room_deadline.c) --- */

/* The earliest deadline of a list still open, or 0. */
int64_t pl_room__lists_deadline(const pl_room *r);

/* Appends queue.closed (reason deadline) for every open list whose
 * deadline has come, leaving room for two more events. */
void pl_room__close_due(const pl_room *r, int64_t now, pl_events *out);
/* Applies meeting.suspended / .resumed / .closed (room_sitting.c). */
pl_err pl_room__apply_sitting(pl_room *r, const pl_event *ev);

/* Clears `out` before a command fills it. */
void pl_room__begin(pl_events *out);

#endif
