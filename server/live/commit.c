/*
 * The commit path (commit.h). A change is built, then committed whole:
 *
 *   add      encode, frame, build, reserve        may fail: nothing changed
 *   snapshot every K events: the room             out of memory: skipped,
 *            the change leaves, on a copy         never refused (it saves replay)
 *   BEGIN    append events, update views,         may fail: ROLLBACK, nothing changed
 *            the snapshot
 *   COMMIT                                        may fail: ROLLBACK, nothing changed
 *   install  ids, meetings, records, rooms        cannot fail
 *   publish  fan the framed events out            cannot fail
 *
 * A crash before COMMIT loses a change nobody heard of; after it, the
 * restart replays it. The views are updated only here, by the events, so
 * `plenaryd replay --check` can rebuild them from the log and compare.
 */
#include "live/commit.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/server.h"
#include "core/invariant.h"
#include "live/audience.h"
#include "live/cluster.h"
#include "live/decisions.h"
#include "net/deliver.h"
#include "live/screens.h"
#include "net/fanout.h"
#include "net/session.h"
#include "store/applied.h"
#include "store/snapshots.h"
#include "store/store.h"
#include "store/views.h"
#include "store/webhooks.h"
#include "wire/codec.h"
#include "wire/decision_json.h"
#include "wire/meeting_json.h"
#include "wire/pevent_json.h"
#include "wire/snapshot.h"

static void fail(pl_change *ch, const char *why) {
  if (ch->err == PL_ERR_OK) {
    ch->err = PL_ERR_INTERNAL;
    snprintf(ch->msg, sizeof ch->msg, "%s; nothing changed", why);
  }
}

/* Only the header is cleared: the event slots and the record and room
 * held for install are about 20 KiB, written only when used, and clearing
 * them twice per change was 9% of a broadcast's instructions at 2,000
 * clients (callgrind). */
void pl_change_init(pl_change *ch, int64_t now) {
  ch->now = now;
  ch->err = PL_ERR_OK;
  ch->msg[0] = '\0';
  ch->prog = NULL;
  ch->n_prog = ch->cap_prog = 0;
  ch->new_delegations = ch->new_participants = ch->new_groups = 0;
  ch->born = NULL;
  ch->n_born = ch->cap_born = 0;
  ch->target = NULL;
  ch->next.items = NULL;
  ch->next.n_items = 0;
  ch->has_fresh = false;
  ch->m = NULL;
  ch->n_mev = 0;
  ch->from_log = 0;
  ch->closing[0] = '\0';
}

void pl_change_release(pl_change *ch) {
  for (size_t i = 0; i < ch->n_prog; i++) {
    pl_msg_unref(ch->prog[i].msg);
    pl_msg_unref(ch->prog[i].to_state);
    pl_msg_unref(ch->prog[i].to_public);
    free(ch->prog[i].body);
  }
  free(ch->prog);
  for (size_t i = 0; i < ch->n_born; i++)
    pl_live_free(ch->born[i]); /* NULL once installed */
  free(ch->born);
  pl_meeting_rec_release(&ch->next);
  if (ch->has_fresh)
    pl_room_release(&ch->fresh);
  for (size_t i = 0; i < ch->n_mev; i++)
    pl_msg_unref(ch->mev[i].msg);
  pl_change_init(ch, ch->now); /* released twice is harmless */
}

void pl_change_new_id(pl_change *ch, char kind, char *buf, size_t len) {
  int64_t n = kind == 'd'   ? pl_srv->prog.next_delegation + ch->new_delegations++
              : kind == 'g' ? pl_srv->prog.next_group + ch->new_groups++
                            : pl_srv->prog.next_participant + ch->new_participants++;
  pl_id_format(buf, len, kind, n);
}

/* The message `who` is sent of the event `o` whose full message is `full`:
 * a reference to it, a message of its redacted form, or NULL. */
static pl_msg *audience_msg(json_t *o, pl_msg *full, pl_audience who, bool *oom) {
  json_t *seen = pl_pevent_for(o, who);
  pl_msg *m = !seen ? NULL : seen == o ? pl_msg_ref(full) : pl_msg_new(seen, false);
  if (seen && !m)
    *oom = true;
  json_decref(seen);
  return m;
}

void pl_change_programme(pl_change *ch, const pl_pevent *ev) {
  if (ch->err)
    return;
  if (pl_decisions_reserve(ev) != PL_ERR_OK)
    return fail(ch, "out of memory");
  pl_change_pev *p = pl_reserve(ch->prog, &ch->cap_prog, ch->n_prog, sizeof *p, 4);
  if (!p)
    return fail(ch, "out of memory");
  ch->prog = p;
  p = &ch->prog[ch->n_prog];
  memset(p, 0, sizeof *p);
  p->ev = *ev;
  p->ev.at = ch->now;
  json_t *o = pl_json_pevent(&p->ev, pl_srv->prog.seq + ch->n_prog + 1);
  /* What clients are sent of the programme is never dropped for a resync,
   * as a meeting's events may be: it is rare, and has no resync of its own. */
  p->msg = o ? pl_msg_new(o, false) : NULL;
  bool oom = !p->msg;
  /* The view's body is the event's own meeting object, encoded once. */
  if (o && ev->meeting && !(p->body = json_dumps(json_object_get(o, "meeting"), JSON_COMPACT)))
    oom = true;
  /* Credentials and records go to nobody: no forms to build for them
   * (a bulk of invitations is most of the programme stream). */
  if (p->msg && pl_pevent_published(ev->type)) {
    p->to_state = audience_msg(o, p->msg, PL_SEES_STATE, &oom);
    p->to_public = audience_msg(o, p->msg, PL_SEES_PUBLIC, &oom);
  }
  json_decref(o);
  if (oom) {
    pl_msg_unref(p->msg);
    pl_msg_unref(p->to_state);
    pl_msg_unref(p->to_public);
    free(p->body);
    return fail(ch, "out of memory");
  }
  ch->n_prog++;
}

pl_live *pl_change_meeting_new(pl_change *ch, pl_meeting_rec *rec, pl_pevent_type how) {
  if (ch->err)
    return NULL;
  int64_t n = pl_srv->prog.next_meeting + (int64_t)ch->n_born;
  pl_live **born = pl_reserve(ch->born, &ch->cap_born, ch->n_born, sizeof *born, 4);
  if (born)
    ch->born = born;
  pl_id_format(rec->id, sizeof rec->id, 'm', n);
  rec->created_at = rec->updated_at = ch->now;
  pl_live *m = born && pl_live_reserve_slot(n) ? pl_live_new(rec) : NULL;
  if (!m) {
    fail(ch, "out of memory");
    return NULL;
  }
  ch->born[ch->n_born++] = m;
  pl_pevent ev = {.type = how, .meeting = &m->rec};
  pl_change_programme(ch, &ev);
  return ch->err ? NULL : m;
}

/* Appends one encoded event to m's stream in the change. */
static pl_change_mev *meeting_event(pl_change *ch, pl_live *m) {
  if (ch->m && ch->m != m) {
    PL_ASSERT(!"a change extends one meeting's stream");
    fail(ch, "a change extends one meeting's stream");
    return NULL;
  }
  if (NEVER(ch->n_mev == PL_MAX_EVENTS + 1)) {
    fail(ch, "too many events in one change");
    return NULL;
  }
  ch->m = m;
  pl_change_mev *e = &ch->mev[ch->n_mev];
  e->msg = NULL;
  e->is_room = false;
  return e;
}

void pl_change_meeting_update(pl_change *ch, pl_live *m, pl_meeting_rec *next,
                              pl_pevent_type how) {
  if (ch->err || NEVER(ch->target != NULL))
    return fail(ch, "one meeting record per change");
  bool agenda = pl_meeting_agenda_differs(next, &m->rec);
  ch->target = m;
  ch->next = *next; /* takes the items */
  next->items = NULL;
  next->n_items = 0;
  ch->next.sequence = m->rec.sequence + 1;
  ch->next.updated_at = ch->now;
  if (agenda) {
    if (pl_room_init(&ch->fresh, &ch->next.policy, ch->next.items, ch->next.n_items) !=
        PL_ERR_OK)
      return fail(ch, "out of memory");
    ch->has_fresh = true;
  }
  if (!pl_live_presiding_reserve(m))
    return fail(ch, "out of memory");
  pl_pevent ev = {.type = how, .meeting = &ch->next};
  pl_change_programme(ch, &ev);
  pl_change_mev *e = meeting_event(ch, m);
  if (!e)
    return;
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:o}", "ev", "meeting.changed", "meeting",
                        m->rec.id, "seq", (json_int_t)(m->stream.seq + ch->n_mev + 1), "at",
                        (json_int_t)ch->now, "meeting", pl_json_meeting(&ch->next));
  e->msg = o ? pl_msg_new(o, true) : NULL;
  json_decref(o);
  if (!e->msg)
    return fail(ch, "out of memory");
  ch->n_mev++;
}

void pl_change_room(pl_change *ch, pl_live *m, const pl_events *evs) {
  if (ch->err)
    return;
  if (NEVER(evs->overflow))
    return fail(ch, "a command made too many events");
  if (pl_room_reserve(&m->room, evs->ev, evs->n) != PL_ERR_OK)
    return fail(ch, "out of memory");
  for (size_t i = 0; i < evs->n; i++) {
    pl_change_mev *e = meeting_event(ch, m);
    if (!e)
      return;
    json_t *o = pl_json_event(&evs->ev[i], &m->room, m->rec.id, m->stream.seq + ch->n_mev + 1,
                              ch->now);
    e->msg = o ? pl_msg_new(o, true) : NULL;
    json_decref(o);
    if (!e->msg)
      return fail(ch, "out of memory");
    e->is_room = true;
    e->ev = evs->ev[i];
    ch->n_mev++;
  }
}

void pl_change_close_sessions(pl_change *ch, const char *participant) {
  snprintf(ch->closing, sizeof ch->closing, "%s", participant);
}

/* --- the snapshot ----------------------------------------------------------- */

/* How many snapshots of a meeting the store keeps: the newest, and the one
 * before in case the newest cannot be read. */
#define SNAPSHOTS_KEPT 2

/* When the change's events reach a multiple of snapshot_every on its
 * meeting's stream, the room they leave, as a snapshot written in the same
 * transaction: the room after install and publish, built on a copy, in
 * their order (the new policy or fresh room, then each room event). Fills
 * *row and returns its malloc'd text, or NULL for no snapshot: out of
 * memory only costs the next start some replay, so it never refuses the
 * change. */
static char *snapshot_of(const pl_change *ch, pl_snapshot_row *row) {
  const pl_live *m = ch->m;
  uint64_t every = pl_srv->snapshot_every;
  if (!m || !every || !ch->n_mev ||
      (m->stream.seq + ch->n_mev) / every == m->stream.seq / every)
    return NULL;
  bool fresh = ch->target == m && ch->has_fresh;
  pl_room r;
  if (pl_room_copy(&r, fresh ? &ch->fresh : &m->room) != PL_ERR_OK)
    goto out_oom;
  if (ch->target == m)
    r.policy = ch->next.policy;
  row->room_events = m->room_events;
  for (size_t i = 0; i < ch->n_mev; i++) {
    if (!ch->mev[i].is_room)
      continue;
    if (pl_room_reserve(&r, &ch->mev[i].ev, 1) != PL_ERR_OK) {
      pl_room_release(&r);
      goto out_oom;
    }
    PL_VERIFY(pl_room_apply(&r, &ch->mev[i].ev) == PL_ERR_OK);
    row->room_events++;
  }
  char *text = pl_snapshot_encode(&r, &row->len);
  pl_room_release(&r);
  if (!text)
    goto out_oom;
  row->stream = m->rec.id;
  row->seq = m->stream.seq + ch->n_mev;
  row->body = text;
  return text;
out_oom:
  pl_log(PL_LOG_WARN, "snapshot.skipped", "meeting", m->rec.id, "msg",
         "out of memory: no snapshot this time", NULL);
  return NULL;
}

/* --- commit ----------------------------------------------------------------- */

static pl_store_rc write_all(const pl_change *ch, const pl_snapshot_row *snap) {
  pl_store *st = pl_srv->store;
  pl_store_rc rc = PL_STORE_OK;
  for (size_t i = 0; rc == PL_STORE_OK && i < ch->n_prog; i++) {
    const pl_change_pev *p = &ch->prog[i];
    uint64_t seq = pl_srv->prog.seq + i + 1;
    rc = pl_store_event_append(st, PL_PROGRAMME_STREAM, seq, p->ev.at, pl_msg_text(p->msg),
                               p->msg->len);
    if (rc == PL_STORE_OK)
      rc = pl_store_view_apply(st, &p->ev, p->body);
    /* Webhooks get what the secretariat is sent; credentials and records
     * are sent to nobody, so to no endpoint either. */
    if (rc == PL_STORE_OK && pl_pevent_published(p->ev.type))
      rc = pl_store_outbox_add(st, PL_PROGRAMME_STREAM, seq, pl_pevent_names[p->ev.type],
                               pl_msg_text(p->msg), p->msg->len, ch->now);
  }
  for (size_t i = 0; rc == PL_STORE_OK && i < ch->n_mev; i++) {
    const pl_change_mev *e = &ch->mev[i];
    uint64_t seq = ch->m->stream.seq + i + 1;
    rc = pl_store_event_append(st, ch->m->rec.id, seq, ch->now, pl_msg_text(e->msg),
                               e->msg->len);
    if (rc == PL_STORE_OK && e->is_room && e->ev.type == PL_EV_SPEECH_ENDED)
      rc = pl_store_speech_insert(st, ch->m->rec.id, seq, &e->ev.speech);
    if (rc == PL_STORE_OK)
      rc = pl_store_outbox_add(st, ch->m->rec.id, seq,
                               e->is_room ? pl_event_names[e->ev.type] : "meeting.changed",
                               pl_msg_text(e->msg), e->msg->len, ch->now);
  }
  if (rc == PL_STORE_OK && snap)
    rc = pl_store_snapshot_put(st, snap, SNAPSHOTS_KEPT);
  return rc;
}

/* After COMMIT: every step below is assignment into room reserved by the
 * adds, or queueing a reference; none can fail. */
static void install(pl_change *ch) {
  pl_programme *p = &pl_srv->prog;
  p->seq += ch->n_prog;
  p->next_delegation += ch->new_delegations;
  p->next_participant += ch->new_participants;
  p->next_group += ch->new_groups;
  p->next_meeting += (int64_t)ch->n_born;
  for (size_t i = 0; i < ch->n_prog; i++) {
    const pl_pevent *ev = &ch->prog[i].ev;
    PL_VERIFY(pl_pevent_is_screen(ev->type) ? pl_screens_apply(&ch->prog[i].ev) == 0
                                            : pl_decisions_apply(&ch->prog[i].ev) == PL_ERR_OK);
    /* Webhook ids are never reused: the log's webhook.created events count them,
     * whichever node's change made one. */
    if (ev->type == PL_PEV_WEBHOOK_CREATED && ev->webhook &&
        pl_id_parse(ev->webhook->id, 'w') >= p->next_webhook)
      p->next_webhook = pl_id_parse(ev->webhook->id, 'w') + 1;
  }
  for (size_t i = 0; i < ch->n_born; i++) {
    pl_live_install(ch->born[i]);
    ch->born[i] = NULL;
  }
  if (ch->target) {
    pl_live *t = ch->target;
    pl_meeting_rec_release(&t->rec);
    t->rec = ch->next;
    ch->next.items = NULL;
    ch->next.n_items = 0;
    /* The room follows the new policy; entries keep the allotment they
     * were given when they asked. */
    t->room.policy = t->rec.policy;
    if (ch->has_fresh) {
      pl_room_release(&t->room);
      t->room = ch->fresh;
      ch->has_fresh = false;
    }
    pl_live_presiding_rebuild(t); /* the chair may have changed */
  }
}

/* Programme events go to every session that said hello, as each may see
 * them; they are few, so one queueing per session is no cost. */
static void publish_programme(const pl_change_pev *p) {
  if (!pl_pevent_published(p->ev.type))
    return;
  for (size_t i = 0; i < pl_srv->n_sessions; i++) {
    pl_session *s = pl_srv->sessions[i];
    if (!s->authed || s->applicant || s->screen)
      continue;
    pl_audience who = pl_session_audience(s);
    if (p->ev.type == PL_PEV_REPORT_REMINDER && who != PL_SEES_SECRETARIAT &&
        strcmp(s->delegation.id, p->ev.reminder.delegation) != 0)
      continue; /* a reminder is its State's business */
    pl_msg *m = who == PL_SEES_SECRETARIAT ? p->msg
                : who == PL_SEES_STATE     ? p->to_state
                                           : p->to_public;
    if (m)
      pl_session_send(s, m);
  }
}

static void publish(pl_change *ch) {
  bool procedures = false;
  for (size_t i = 0; i < ch->n_prog; i++) {
    publish_programme(&ch->prog[i]);
    procedures |= pl_pevent_is_procedure(ch->prog[i].ev.type);
  }
  if (procedures)
    pl_decisions_arm(); /* a deadline began, moved or passed */
  pl_live *m = ch->m;
  for (size_t i = 0; m && i < ch->n_mev; i++) {
    pl_change_mev *e = &ch->mev[i];
    if (e->is_room) {
      PL_VERIFY(pl_room_apply(&m->room, &e->ev) == PL_ERR_OK);
      m->room_events++;
    }
    m->stream.seq++;
    pl_fanout(m->subs, m->n_subs, e->msg);
  }
  if (m)
    pl_live_arm(m);
  if (ch->closing[0])
    for (size_t i = 0; i < pl_srv->n_sessions; i++) {
      pl_session *s = pl_srv->sessions[i];
      if (s->authed && strcmp(s->who.id, ch->closing) == 0)
        pl_session_close(s, PL_CLOSE_CREDENTIALS, "your token was reissued or revoked");
    }
}

/* --- the record of a change, for the log ------------------------------------ */

typedef struct text {
  char *p;
  size_t n, cap;
  bool oom;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->oom)
    return;
  if (t->n + n + 1 > t->cap) {
    size_t cap = (t->n + n + 1) * 2;
    char *grown = realloc(t->p, cap);
    if (!grown) {
      t->oom = true;
      return;
    }
    t->p = grown, t->cap = cap;
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
  t->p[t->n] = 0;
}

static void put_event(text *t, const char *meeting, const pl_msg *m) {
  char head[PL_ID_LEN + 48];
  int n = meeting ? snprintf(head, sizeof head, "m %s %zu\n", meeting, (size_t)m->len)
                  : snprintf(head, sizeof head, "p %zu\n", (size_t)m->len);
  put(t, head, (size_t)n);
  put(t, pl_msg_text(m), m->len);
  put(t, "\n", 1);
}

char *pl_change_record(const pl_change *ch, size_t *len) {
  text t = {0};
  char head[64 + PL_ID_LEN];
  int n = snprintf(head, sizeof head, "plenary-change 1\nat %lld\n", (long long)ch->now);
  put(&t, head, (size_t)n);
  if (ch->closing[0]) {
    n = snprintf(head, sizeof head, "close %s\n", ch->closing);
    put(&t, head, (size_t)n);
  }
  for (size_t i = 0; i < ch->n_prog; i++)
    put_event(&t, NULL, ch->prog[i].msg);
  for (size_t i = 0; i < ch->n_mev; i++)
    put_event(&t, ch->m->rec.id, ch->mev[i].msg);
  if (t.oom) {
    free(t.p);
    return NULL;
  }
  *len = t.n;
  return t.p;
}

pl_err pl_change_commit(pl_change *ch, char *msg, size_t msglen) {
  if (ch->err) {
    snprintf(msg, msglen, "%s", ch->msg);
    return ch->err;
  }
  if (ch->n_prog == 0 && ch->n_mev == 0)
    return PL_ERR_OK;
  /* With --cluster the log is JetStream's: the change is there, on a
   * quorum, before anything here changes. */
  uint64_t js_seq = ch->from_log;
  if (!js_seq && pl_cluster_on()) {
    size_t len = 0;
    char *record = pl_change_record(ch, &len);
    pl_err e = record ? pl_cluster_append(record, len, &js_seq, msg, msglen) : PL_ERR_INTERNAL;
    free(record);
    if (e != PL_ERR_OK) {
      if (e == PL_ERR_INTERNAL)
        snprintf(msg, msglen, "out of memory");
      return e;
    }
  }
  pl_snapshot_row snap;
  char *snap_text = snapshot_of(ch, &snap);
  pl_store *st = pl_srv->store;
  if (pl_store_begin(st) != PL_STORE_OK)
    goto out_fail;
  if (write_all(ch, snap_text ? &snap : NULL) != PL_STORE_OK ||
      (js_seq && pl_store_applied_set(st, js_seq) != PL_STORE_OK) ||
      pl_store_commit(st) != PL_STORE_OK)
    goto out_rollback;
  free(snap_text);
  /* Committed: from here on nothing can fail. */
  install(ch);
  publish(ch);
  pl_deliver_kick(); /* the outbox may have grown */
  return PL_ERR_OK;
out_rollback:
  pl_store_rollback(st);
out_fail:
  free(snap_text);
  if (js_seq) {
    /* The log has the change and this node's file cannot: it would serve a
     * state the log has left. It stops; started again, it applies the
     * change from the log. */
    pl_log(PL_LOG_ERROR, "cluster.diverged", "msg",
           "the store failed after the log took a change: stopping", NULL);
    exit(EXIT_FAILURE);
  }
  snprintf(msg, msglen, "the store failed; nothing changed");
  return PL_ERR_INTERNAL;
}
