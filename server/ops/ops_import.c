/*
 * meeting.import (ops_import.h).
 *
 * Each event of the file is decided on its own: created, updated or
 * skipped, and why. An event's UID is kept on its meeting (import_uid), so
 * the same file imported twice creates nothing twice, and an event with a
 * higher SEQUENCE than the one imported before replaces the calendar's part
 * of its meeting (times, rule and dates, title, place, link, status); what
 * Plenary alone knows (kind, agenda, policy, chair) stays. With dry_run the
 * answer is the same and nothing is committed.
 *
 * The new meetings are one change; each update is a change of its own,
 * because a change replaces the record of at most one meeting.
 */
#include "ops/ops_import.h"

#include <stdlib.h>
#include <string.h>

#include "base/server.h"
#include "cal/ical.h"
#include "live/commit.h"
#include "wire/meeting_json.h"

typedef enum { ACT_CREATE, ACT_UPDATE, ACT_SKIP } action;
static const char *const action_names[] = {"create", "update", "skip"};

/* The meeting imported before from the event with this UID, or NULL. */
static pl_live *imported_before(const char *uid) {
  for (size_t i = 0; uid[0] && i < pl_srv->n_live; i++) {
    pl_live *m = pl_srv->live[i];
    if (m && strcmp(m->rec.import_uid, uid) == 0)
      return m;
  }
  return NULL;
}

/* The calendar's part of `from` over a copy of m's record. */
static int merged(pl_meeting_rec *next, const pl_live *m, const pl_meeting_rec *from) {
  if (pl_meeting_rec_copy(next, &m->rec))
    return -1;
  memcpy(next->title, from->title, sizeof next->title);
  memcpy(next->tz, from->tz, sizeof next->tz);
  memcpy(next->start, from->start, sizeof next->start);
  memcpy(next->end, from->end, sizeof next->end);
  memcpy(next->rrule, from->rrule, sizeof next->rrule);
  memcpy(next->rdate, from->rdate, sizeof next->rdate);
  next->n_rdate = from->n_rdate;
  memcpy(next->exdate, from->exdate, sizeof next->exdate);
  next->n_exdate = from->n_exdate;
  memcpy(next->moved, from->moved, sizeof next->moved);
  next->n_moved = from->n_moved;
  memcpy(next->location, from->location, sizeof next->location);
  if (from->video_url[0])
    memcpy(next->video_url, from->video_url, sizeof next->video_url);
  next->status = from->status;
  next->start_at = from->start_at;
  next->end_at = from->end_at;
  next->import_sequence = from->import_sequence;
  return 0;
}

/* What to do with event e, and why when it is skipped. */
static action decide(const pl_ical_event *e, pl_live **m, char *why, size_t len) {
  *m = NULL;
  if (e->skipped) {
    snprintf(why, len, "%s", e->why);
    return ACT_SKIP;
  }
  *m = imported_before(e->rec.import_uid);
  if (!*m)
    return ACT_CREATE;
  if (e->rec.import_sequence <= (*m)->rec.import_sequence) {
    snprintf(why, len, "imported before as meeting %s, and its SEQUENCE (%d) is not higher "
             "than then (%d)", (*m)->rec.id, (int)e->rec.import_sequence,
             (int)(*m)->rec.import_sequence);
    return ACT_SKIP;
  }
  return ACT_UPDATE;
}

static json_t *result(action a, const pl_ical_event *e, const char *why, json_t *meeting) {
  json_t *r = json_pack("{s:s, s:s}", "action", action_names[a], "title", e->rec.title);
  if (r && e->rec.import_uid[0])
    json_object_set_new(r, "uid", json_string(e->rec.import_uid));
  if (r && a == ACT_SKIP)
    json_object_set_new(r, "reason", json_string(why));
  if (r && a != ACT_SKIP && e->note[0])
    json_object_set_new(r, "note", json_string(e->note));
  if (r && meeting)
    json_object_set_new(r, "meeting", meeting);
  return r;
}

static pl_err update_one(pl_op_ctx *c, pl_live *m, const pl_meeting_rec *from) {
  pl_meeting_rec next;
  if (merged(&next, m, from))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  const bool cancels = next.status == PL_STATUS_CANCELLED && m->rec.status != next.status;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_meeting_update(&ch, m, &next,
                           cancels ? PL_PEV_MEETING_CANCELLED : PL_PEV_MEETING_UPDATED);
  pl_meeting_rec_release(&next);
  return pl_op_commit(c, &ch);
}

/* Commits the creations (one change) and then each update; fills the
 * meeting of each result. */
static pl_err commit(pl_op_ctx *c, pl_ical_event *evs, size_t n, const action *acts,
                     pl_live **targets, json_t *results) {
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_live **made = calloc(n ? n : 1, sizeof *made);
  if (!made)
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  size_t n_made = 0;
  for (size_t i = 0; i < n; i++)
    if (acts[i] == ACT_CREATE)
      made[i] = pl_change_meeting_new(&ch, &evs[i].rec, PL_PEV_MEETING_IMPORTED), n_made++;
  pl_err e = n_made ? pl_op_commit(c, &ch) : (pl_change_release(&ch), PL_ERR_OK);
  for (size_t i = 0; e == PL_ERR_OK && i < n; i++) {
    if (acts[i] == ACT_UPDATE)
      e = update_one(c, targets[i], &evs[i].rec);
    pl_live *m = acts[i] == ACT_CREATE ? made[i] : acts[i] == ACT_UPDATE ? targets[i] : NULL;
    if (e == PL_ERR_OK && m)
      json_object_set_new(json_array_get(results, i), "meeting", pl_json_meeting(&m->rec));
  }
  free(made);
  return e;
}

pl_err pl_op_meeting_import(pl_op_ctx *c, json_t *args) {
  const char *ics;
  size_t len;
  int dry_run = 0;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s%, s?b}", "ics", &ics, &len, "dry_run", &dry_run);
  if (e)
    return e;
  pl_ical_event *evs = NULL;
  size_t n = 0;
  if (pl_ical_import(ics, len, &evs, &n, c->msg, sizeof c->msg))
    return PL_ERR_BAD_REQUEST;
  action *acts = calloc(n ? n : 1, sizeof *acts);
  pl_live **targets = calloc(n ? n : 1, sizeof *targets);
  json_t *results = json_array();
  if (!acts || !targets || !results) {
    e = pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
    goto out;
  }
  int counts[3] = {0};
  for (size_t i = 0; i < n; i++) {
    char why[320];
    acts[i] = decide(&evs[i], &targets[i], why, sizeof why);
    counts[acts[i]]++;
    json_array_append_new(results, result(acts[i], &evs[i], why,
                                          dry_run && acts[i] != ACT_SKIP
                                              ? pl_json_meeting(&evs[i].rec) : NULL));
  }
  if (!dry_run && (e = commit(c, evs, n, acts, targets, results)))
    goto out;
  /* `meetings`, what the op answered before it had results: those made or changed */
  json_t *meetings = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(results, i, r) {
    json_t *m = json_object_get(r, "meeting");
    if (m)
      json_array_append(meetings, m);
  }
  c->result = json_pack("{s:b, s:o, s:o, s:{s:i, s:i, s:i}}", "dry_run", dry_run, "meetings",
                        meetings, "results", results, "counts", "created",
                        counts[ACT_CREATE], "updated", counts[ACT_UPDATE], "skipped",
                        counts[ACT_SKIP]);
  results = NULL;
out:
  json_decref(results);
  free(targets);
  free(acts);
  pl_ical_events_free(evs, n);
  return e;
}
