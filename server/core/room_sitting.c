/*
 * Adjourning a meeting (room.h): suspend, resume, close. A meeting over
 * several days is suspended at the end of each and resumed the next morning;
 * it is closed once, at its end. Kept apart from the list and the floor: the
 * commands here compose theirs (a suspension pauses the floor as
 * floor.pause would, a closing ends the speech as floor.end would), and the
 * shell asks pl_room_sitting_allows before any other command.
 */
#include "core/room_impl.h"

static const char *item_id(const pl_room *r) {
  const pl_item *it = pl_room_current_item(r);
  return it ? it->def.id : "";
}

static pl_err need_sitting(const pl_room *r, pl_sitting want, const char *what,
                           pl_events *out) {
  if (r->sitting == want)
    return PL_ERR_OK;
  return pl_room__refuse(out, PL_ERR_CONFLICT, "the meeting is %s: it cannot be %s",
                         PL_ENUM_NAME(pl_sitting, r->sitting), what);
}

pl_err pl_room_suspend(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "suspend the meeting", out);
  if (err || (err = need_sitting(r, PL_SITTING_OPEN, "suspended", out)))
    return err;
  /* No one loses time to a suspension: a running clock stops first. */
  if (pl_room__running(&r->floor) && (err = pl_room_pause(r, a, now, out)))
    return err;
  pl_room__emit(out, PL_EV_MEETING_SUSPENDED, item_id(r), now);
  return PL_ERR_OK;
}

pl_err pl_room_resume_sitting(const pl_room *r, const pl_actor *a, int64_t now,
                              pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "resume the meeting", out);
  if (err || (err = need_sitting(r, PL_SITTING_SUSPENDED, "resumed", out)))
    return err;
  /* The floor stays paused: the chair gives the speaker back the floor
   * when the room is ready (floor.resume). */
  pl_room__emit(out, PL_EV_MEETING_RESUMED, item_id(r), now);
  return PL_ERR_OK;
}

pl_err pl_room_close_sitting(const pl_room *r, const pl_actor *a, int64_t now,
                             pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "close the meeting", out);
  if (err)
    return err;
  if (r->sitting == PL_SITTING_CLOSED)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the meeting is closed already");
  /* The speech on the floor ends and goes on the record, as floor.end. */
  if (r->floor.held)
    pl_room__emit_end(r, now, out);
  pl_room__emit(out, PL_EV_MEETING_CLOSED, item_id(r), now);
  return PL_ERR_OK;
}

pl_err pl_room_sitting_allows(const pl_room *r, pl_act_class c, pl_events *out) {
  pl_room__begin(out);
  if (r->sitting == PL_SITTING_CLOSED)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the meeting is closed");
  if (r->sitting == PL_SITTING_SUSPENDED && c == PL_ACT_BUSINESS)
    return pl_room__refuse(out, PL_ERR_CONFLICT,
                           "the meeting is suspended: the chair resumes it first");
  return PL_ERR_OK;
}

pl_err pl_room__apply_sitting(pl_room *r, const pl_event *ev) {
  switch (ev->type) {
  case PL_EV_MEETING_SUSPENDED:
    if (r->sitting != PL_SITTING_OPEN)
      return PL_ERR_INTERNAL;
    r->sitting = PL_SITTING_SUSPENDED;
    return PL_ERR_OK;
  case PL_EV_MEETING_RESUMED:
    if (r->sitting != PL_SITTING_SUSPENDED)
      return PL_ERR_INTERNAL;
    r->sitting = PL_SITTING_OPEN;
    return PL_ERR_OK;
  case PL_EV_MEETING_CLOSED:
    if (r->sitting == PL_SITTING_CLOSED)
      return PL_ERR_INTERNAL;
    r->sitting = PL_SITTING_CLOSED;
    return PL_ERR_OK;
  default:
    return PL_ERR_INTERNAL;
  }
}
