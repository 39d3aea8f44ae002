/*
 * The floor and its clock: who speaks, since when, for how long.
 *
 * The floor carries numbers, not a ticking counter: the instant the clock
 * last started (running_since) and the time spoken before it (elapsed_ms).
 * Time spoken is elapsed_ms plus, while running, now - running_since; a
 * pause folds the running stretch into elapsed_ms. Clients draw the
 * countdown from the same numbers, and the shell arms one timer at
 * pl_room_deadline, so nothing ticks per second.
 *
 * Hybrid handover: a speaker in the room speaks as soon as called; a remote
 * one is first "calling" (no clock) until their client says floor.ready or
 * the chair says floor.start. If a remote speaker's line drops while they
 * speak, the floor pauses ("disconnected") so nobody loses time to it;
 * back on the line, the speaker says so with floor.ready again (returned_at),
 * and the chair, who sees it, resumes: the clock is the chair's to restart.
 *
 * Every command builds the whole new floor and emits it in floor.changed, so
 * apply only copies it: a replay cannot compute a different clock.
 */
#include <string.h>

#include "core/room.h"
#include "core/room_impl.h"

static pl_err need_floor(const pl_room *r, pl_events *out) {
  if (r->floor.held)
    return PL_ERR_OK;
  return pl_room__refuse(out, PL_ERR_CONFLICT, "nobody has the floor");
}

static pl_floor *emit_floor(const pl_room *r, int64_t now, pl_events *out) {
  pl_event *ev = pl_room__emit(out, PL_EV_FLOOR_CHANGED, r->floor.item, now);
  ev->floor = r->floor;
  return &ev->floor;
}

/* Folds the running stretch into elapsed_ms and stops the clock. */
static void stop_clock(pl_floor *f, int64_t now) {
  f->elapsed_ms = pl_floor_spoken_ms(f, now);
  f->running_since = 0;
}

/* ----------------------------------------------------- giving the floor */

/* Gives the floor to entry `i` of the open item's list: the current speech,
 * if any, ends and goes on the record; the entry leaves the list; the floor
 * is the entry's. Three events at most: speech.ended, queue.removed,
 * floor.changed (no floor.changed to nobody in between: the floor passes
 * straight from one speaker to the next). */
static pl_err give(const pl_room *r, size_t i, int64_t now, pl_events *out) {
  const pl_item *it = pl_room_current_item(r);
  const pl_entry *e = &it->queue[i];
  /* The speech that ends draws on its contingent in this same change: the
   * next speaker of the same group is given what is left after it. */
  int64_t drawn_before = 0;
  if (r->floor.held) {
    pl_room__emit_speech(r, now, out);
    const pl_speech *sp = &out->ev[out->n - 1].speech;
    if (strcmp(sp->entry.contingent, e->contingent) == 0 && strcmp(sp->item, it->def.id) == 0)
      drawn_before = sp->drawn_ms;
  }
  pl_event *ev = pl_room__emit(out, PL_EV_QUEUE_REMOVED, it->def.id, now);
  ev->entry = *e;
  ev->reason = PL_REMOVED_CALLED;

  ev = pl_room__emit(out, PL_EV_FLOOR_CHANGED, it->def.id, now);
  pl_floor *f = &ev->floor;
  f->held = true;
  f->entry = *e;
  pl_room__copy(f->item, sizeof f->item, it->def.id);
  f->called_at = now;
  f->allotted_ms = e->allotted_ms;
  /* A speech draws on its group's contingent: it is given at most what is
   * left of it, and the floor shows that, for the clock of the group. */
  if (e->contingent[0]) {
    f->contingent_ms = pl_room_contingent_left(r, it, e->contingent) - drawn_before;
    if (f->contingent_ms < f->allotted_ms)
      f->allotted_ms = (int32_t)f->contingent_ms;
  }
  f->pause_reason = PL_PAUSE_NONE;
  if (e->presence == PL_PRESENCE_REMOTE) {
    f->phase = PL_PHASE_CALLING; /* the clock waits for floor.ready */
  } else {
    f->phase = PL_PHASE_SPEAKING;
    f->started_at = now;
    f->running_since = now;
  }
  return PL_ERR_OK;
}

pl_err pl_room_next(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "give the floor", out);
  if (err)
    return err;
  if (pl_room_current_item(r)->n_queue == 0)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the list of speakers is empty");
  return give(r, 0, now, out);
}

pl_err pl_room_give(const pl_room *r, const pl_actor *a, const char *entry,
                    int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "give the floor", out);
  if (err)
    return err;
  const pl_item *it = pl_room_current_item(r);
  ptrdiff_t i = pl_room__entry_index(it, entry);
  if (i < 0)
    return pl_room__refuse(out, PL_ERR_NOT_FOUND,
                           "entry %s is not in the list of speakers of item %s",
                           entry ? entry : "(none)", it->def.id);
  return give(r, (size_t)i, now, out);
}

/* ------------------------------------------------------- starting to speak */

static pl_err start_speaking(const pl_room *r, int64_t now, pl_events *out) {
  if (r->floor.phase == PL_PHASE_SPEAKING)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "%s is already speaking",
                           r->floor.entry.speaker);
  pl_floor *f = emit_floor(r, now, out);
  f->phase = PL_PHASE_SPEAKING;
  f->started_at = now;
  f->running_since = now;
  f->elapsed_ms = 0;
  f->paused = false;
  f->pause_reason = PL_PAUSE_NONE;
  return PL_ERR_OK;
}

pl_err pl_room_ready(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = need_floor(r, out);
  if (err)
    return err;
  const pl_entry *e = &r->floor.entry;
  /* The delegation holds the floor, not one device: any member of it (the
   * speaker on another connection, a colleague at the same desk) may say
   * the microphone is live. */
  bool same = strcmp(a->participant, e->participant) == 0 ||
              ((a->role == PL_ROLE_DELEGATE || a->role == PL_ROLE_OBSERVER) &&
               strcmp(a->delegation.id, e->delegation.id) == 0);
  if (!same)
    return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                           "only %s, who has the floor, may say they are ready",
                           e->delegation.name);
  const pl_floor *cur = &r->floor;
  if (cur->phase == PL_PHASE_SPEAKING && cur->paused &&
      cur->pause_reason == PL_PAUSE_DISCONNECTED) {
    if (cur->returned_at)
      return pl_room__refuse(out, PL_ERR_CONFLICT,
                             "%s has said they are back already; the chair resumes the floor",
                             e->speaker);
    emit_floor(r, now, out)->returned_at = now;
    return PL_ERR_OK;
  }
  return start_speaking(r, now, out);
}

pl_err pl_room_start(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "start the speaker's clock", out);
  if (err || (err = need_floor(r, out)))
    return err;
  return start_speaking(r, now, out);
}

/* ------------------------------------------------------------ the clock */

pl_err pl_room_pause(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "pause the floor", out);
  if (err || (err = need_floor(r, out)))
    return err;
  if (r->floor.phase != PL_PHASE_SPEAKING)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "%s has not started speaking",
                           r->floor.entry.speaker);
  if (r->floor.paused)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the floor is already paused");
  pl_floor *f = emit_floor(r, now, out);
  stop_clock(f, now);
  f->paused = true;
  f->pause_reason = PL_PAUSE_CHAIR;
  return PL_ERR_OK;
}

pl_err pl_room_resume(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "resume the floor", out);
  if (err || (err = need_floor(r, out)))
    return err;
  if (!r->floor.paused)
    return pl_room__refuse(out, PL_ERR_CONFLICT, "the floor is not paused");
  pl_floor *f = emit_floor(r, now, out);
  f->paused = false;
  f->pause_reason = PL_PAUSE_NONE;
  f->running_since = now;
  f->returned_at = 0;
  return PL_ERR_OK;
}

pl_err pl_room_extend(const pl_room *r, const pl_actor *a, int32_t seconds,
                      int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "extend the speaking time", out);
  if (err)
    return err;
  if (seconds < 1 || seconds > 3600)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "seconds must be between 1 and 3600, not %ld", (long)seconds);
  if ((err = need_floor(r, out)))
    return err;
  pl_floor *f = emit_floor(r, now, out);
  int64_t allotted = (int64_t)f->allotted_ms + (int64_t)seconds * 1000;
  f->allotted_ms = allotted > INT32_MAX ? INT32_MAX : (int32_t)allotted;
  /* Extended past what was spoken, the speech is no longer overrun and a new
   * deadline runs; extended by less, it stays overrun (no second expiry). */
  if (pl_floor_spoken_ms(f, now) < f->allotted_ms)
    f->overrun = false;
  return PL_ERR_OK;
}

pl_err pl_room_end(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "end the speech", out);
  if (err || (err = need_floor(r, out)))
    return err;
  pl_room__emit_end(r, now, out);
  return PL_ERR_OK;
}

pl_err pl_room_disconnected(const pl_room *r, const char *participant, int64_t now,
                            pl_events *out) {
  pl_room__begin(out);
  const pl_floor *cur = &r->floor;
  /* Only a running clock of a remote speaker pauses: a speaker still being
   * called has no clock to lose, and one in the room is not on a line. */
  if (!participant || !pl_room__running(cur) ||
      cur->entry.presence != PL_PRESENCE_REMOTE ||
      strcmp(cur->entry.participant, participant) != 0)
    return PL_ERR_OK;
  pl_floor *f = emit_floor(r, now, out);
  stop_clock(f, now);
  f->paused = true;
  f->pause_reason = PL_PAUSE_DISCONNECTED;
  f->returned_at = 0;
  return PL_ERR_OK;
}
