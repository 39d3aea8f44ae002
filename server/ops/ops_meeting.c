/* Ops on meetings as a whole (ops_meeting.h). */
#include "ops/ops_meeting.h"

#include <stdlib.h>
#include <string.h>

#include "base/server.h"
#include "cal/tz.h"
#include "live/audience.h"
#include "live/decisions.h"
#include "store/store.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"

#define SYNC_MAX_EVENTS 10000
#define SYNC_PAGE_DEFAULT 1000
#define SYNC_PAGE_MAX 2000

/* The year of a meeting's local start ("2027-03-09T10:00"). */
static int32_t year_of(const pl_meeting_rec *m) {
  return (int32_t)strtol(m->start, NULL, 10);
}

pl_err pl_meeting_check_chair(const pl_meeting_rec *m, char *msg, size_t msglen) {
  pl_participant_rec p;
  const char *chair = m->chair;
  if (!chair[0])
    return PL_ERR_OK;
  pl_store_rc rc = pl_store_participant_get(pl_srv->store, chair, &p);
  if (rc == PL_STORE_NOT_FOUND) {
    snprintf(msg, msglen, "field 'chair': no participant '%.40s'", chair);
    return PL_ERR_BAD_REQUEST;
  }
  if (rc != PL_STORE_OK) {
    snprintf(msg, msglen, "the store failed");
    return PL_ERR_INTERNAL;
  }
  /* Whom the bureau elected for the meeting's year may chair it too. */
  bool elected = p.role == PL_ROLE_DELEGATE &&
                 (pl_decisions_elected(chair, PL_OFFICE_CHAIR, year_of(m)) ||
                  pl_decisions_elected(chair, PL_OFFICE_VICE_CHAIR, year_of(m)));
  if (p.role != PL_ROLE_CHAIR && p.role != PL_ROLE_SECRETARIAT && !elected) {
    snprintf(msg, msglen, "field 'chair': %.40s is a %s, not a chair, nor elected to the "
             "bureau for %d", chair, PL_ENUM_NAME(pl_role, p.role), (int)year_of(m));
    return PL_ERR_BAD_REQUEST;
  }
  return PL_ERR_OK;
}

/* A start or end the clocks skip is moved to the time it really is (RFC
 * 5545 3.3.5: the offset before the gap), so the record, the feed and its
 * description say the same; the warning tells the secretariat. Writes the
 * warning into buf, or "" when neither falls in a gap. */
static void resolve_gaps(pl_meeting_rec *m, char *buf, size_t len) {
  char *fields[] = {m->start, m->end};
  const char *names[] = {"start", "end"};
  buf[0] = '\0';
  for (int i = 0; i < 2; i++) {
    int64_t at;
    pl_local_kind kind;
    char real[PL_LOCAL_LEN];
    if (pl_local_to_utc_ex(fields[i], m->tz, &at, &kind) || kind != PL_LOCAL_GAP ||
        pl_utc_to_local(at, m->tz, real, sizeof real))
      continue;
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s %s does not exist in %s (the clocks go forward): it "
             "will be %s", n ? "; " : "", names[i], fields[i], m->tz, real);
    memcpy(fields[i], real, sizeof real);
  }
}

static json_t *meeting_reply(const pl_meeting_rec *m, const char *warning) {
  json_t *o = json_pack("{s:o}", "meeting", pl_json_meeting(m));
  if (o && warning[0])
    json_object_set_new(o, "warning", json_string(warning));
  return o;
}

pl_err pl_op_meeting_create(pl_op_ctx *c, json_t *args) {
  pl_meeting_rec rec;
  pl_err e;
  if (pl_meeting_init_defaults(&rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  if ((e = pl_meeting_from_json(&rec, args, PL_MEETING_CREATE, c->msg, sizeof c->msg)) ||
      (e = pl_meeting_check_chair(&rec, c->msg, sizeof c->msg))) {
    pl_meeting_rec_release(&rec);
    return e;
  }
  char warning[400];
  resolve_gaps(&rec, warning, sizeof warning);
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_live *m = pl_change_meeting_new(&ch, &rec, PL_PEV_MEETING_CREATED);
  e = pl_op_commit(c, &ch);
  if (e == PL_ERR_OK) /* m is in the registry now */
    c->result = meeting_reply(&m->rec, warning);
  pl_meeting_rec_release(&rec);
  return e;
}

/* Commits `next` as m's record (its items taken). */
static pl_err commit_update(pl_op_ctx *c, pl_live *m, pl_meeting_rec *next,
                            pl_pevent_type how) {
  if (pl_meeting_agenda_differs(next, &m->rec) && m->room_events)
    return pl_op_fail(c, PL_ERR_CONFLICT,
                      "the agenda of a meeting that has begun cannot be replaced");
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_meeting_update(&ch, m, next, how);
  pl_err e = pl_op_commit(c, &ch);
  if (e == PL_ERR_OK)
    c->result = json_pack("{s:o}", "meeting", pl_json_meeting(&m->rec));
  return e;
}

pl_err pl_op_meeting_update(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_ERR_OK;
  pl_live *m = pl_op_take_meeting(c, args, &e);
  if (!m)
    return e;
  pl_meeting_rec next;
  if (pl_meeting_rec_copy(&next, &m->rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  char warning[400] = "";
  if (!(e = pl_meeting_from_json(&next, args, PL_MEETING_UPDATE, c->msg, sizeof c->msg)) &&
      !(e = pl_meeting_check_chair(&next, c->msg, sizeof c->msg))) {
    resolve_gaps(&next, warning, sizeof warning);
    if (!(e = commit_update(c, m, &next, PL_PEV_MEETING_UPDATED)) && warning[0])
      json_object_set_new(c->result, "warning", json_string(warning));
  }
  pl_meeting_rec_release(&next);
  return e;
}

pl_err pl_op_meeting_cancel(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_ERR_OK;
  pl_live *m = pl_op_take_meeting(c, args, &e);
  if (!m || (e = PL_OP_UNPACK(c, args, "{}")))
    return e;
  if (m->rec.status == PL_STATUS_CANCELLED)
    return pl_op_fail(c, PL_ERR_CONFLICT, "the meeting is already cancelled");
  pl_meeting_rec next;
  if (pl_meeting_rec_copy(&next, &m->rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  next.status = PL_STATUS_CANCELLED;
  e = commit_update(c, m, &next, PL_PEV_MEETING_CANCELLED);
  pl_meeting_rec_release(&next);
  return e;
}

pl_err pl_op_meeting_list(pl_op_ctx *c, json_t *args) {
  json_int_t from = INT64_MIN, to = INT64_MAX;
  pl_err e = PL_OP_UNPACK(c, args, "{s?I, s?I}", "from", &from, "to", &to);
  if (e)
    return e;
  json_t *list = json_array();
  /* Ids grow with creation; the client sorts by time as it needs. */
  for (size_t i = 0; i < pl_srv->n_live; i++) {
    pl_live *m = pl_srv->live[i];
    if (m && m->rec.end_at >= from && m->rec.start_at <= to)
      json_array_append_new(list, pl_json_meeting(&m->rec));
  }
  c->result = json_pack("{s:o}", "meetings", list);
  return PL_ERR_OK;
}

pl_err pl_op_meeting_join(pl_op_ctx *c, json_t *args) {
  const char *id, *presence;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "meeting", &id, "presence", &presence);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  /* "screen": the room's projector, which shows the meeting and is nobody's
   * attendance (docs/PROTOCOL.md, section I). */
  bool screen = strcmp(presence, "screen") == 0;
  /* A screen link follows its own meeting, and only as a screen. */
  if (c->s->screen && strcmp(c->s->who.id, m->rec.id) != 0)
    return pl_op_fail(c, PL_ERR_FORBIDDEN, "this screen link is for meeting %s only",
                      c->s->who.id);
  screen = screen || c->s->screen;
  int p = screen ? PL_PRESENCE_ROOM : PL_ENUM_PARSE(pl_presence, presence);
  if (p < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'presence' must be 'room', 'remote' or 'screen'");
  if (!pl_session_joined(c->s, m) && c->s->n_joins == PL_MAX_JOINS)
    return pl_op_fail(c, PL_ERR_CONFLICT, "a connection may join at most %d meetings",
                      PL_MAX_JOINS);
  int rc = pl_live_join(m, c->s, (pl_presence)p, screen);
  if (rc == -2)
    return pl_op_fail(c, PL_ERR_CONFLICT,
                      screen ? "this connection joined meeting %s as a participant"
                             : "this connection joined meeting %s as a screen",
                      id);
  if (rc)
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  c->result = json_pack("{s:o}", "state", pl_live_state(m, c->s, c->now));
  return PL_ERR_OK;
}

pl_err pl_op_meeting_leave(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &id);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  if (!pl_session_joined(c->s, m))
    return pl_op_fail(c, PL_ERR_CONFLICT, "you have not joined meeting %s", id);
  pl_live_leave(m, c->s);
  return PL_ERR_OK;
}

/* A page of the log: at most `limit` events. */
typedef struct sync_page {
  json_t *events;
  size_t limit;
  bool more;
} sync_page;

static int sync_one(void *ctx, uint64_t seq, const char *body, size_t len) {
  (void)seq;
  sync_page *pg = ctx;
  if (json_array_size(pg->events) == pg->limit) {
    pg->more = true;
    return 1;
  }
  json_t *ev = json_loadb(body, len, 0, NULL);
  return ev ? json_array_append_new(pg->events, ev) : -1;
}

pl_err pl_op_meeting_sync(pl_op_ctx *c, json_t *args) {
  const char *id;
  json_int_t since, limit = SYNC_PAGE_DEFAULT;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:I, s?I}", "meeting", &id, "since", &since,
                          "limit", &limit);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  if (!pl_session_joined(c->s, m))
    return pl_op_fail(c, PL_ERR_CONFLICT, "join meeting %s before you sync it", id);
  if (since < 0 || (uint64_t)since > m->stream.seq)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'since' must be between 0 and %llu",
                      (unsigned long long)m->stream.seq);
  if (limit < 1 || limit > SYNC_PAGE_MAX)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'limit' must be between 1 and %d",
                      SYNC_PAGE_MAX);
  /* Past this many, the state is smaller than the events and one reply. */
  if (m->stream.seq - (uint64_t)since > SYNC_MAX_EVENTS) {
    c->result = json_pack("{s:o}", "state", pl_live_state(m, c->s, c->now));
    return PL_ERR_OK;
  }
  /* A page at a time, so one client's catch-up never holds the service
   * thread (or its queue) for long: 1,000 events are about 15 ms and
   * 340 KB, where the 10,000 of one reply were 150 ms and 3.4 MB. */
  sync_page pg = {.events = json_array(), .limit = (size_t)limit};
  pl_store_rc rc = pl_store_stream_each(pl_srv->store, m->rec.id, (uint64_t)since, sync_one,
                                        &pg);
  if (rc != PL_STORE_OK && rc != PL_STORE_STOPPED) {
    json_decref(pg.events);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o, s:I, s:b}", "events", pg.events, "seq",
                        (json_int_t)m->stream.seq, "more", pg.more);
  /* Presence has no seq and is not kept: a presiding session that was told
   * to resync gets the attendance as it is now. */
  if (c->result && pl_session_presides(c->s, m))
    json_object_set_new(c->result, "attendance", pl_live_attendance(m));
  return PL_ERR_OK;
}
