/*
 * The views (store.h): the rows ops read, written only here, by the events
 * they follow and inside the transaction that appends those events. Because
 * this is the only writer, the log rebuilds them exactly: app/replay.c runs
 * the same functions over the log into an empty database and compares.
 */
#include <string.h>

#include "store/views.h"

#include <stdlib.h>

#include "store/groups.h"
#include "store/portal.h"
#include "store/store_impl.h"

static pl_store_rc delegation_put(pl_store *s, const pl_delegation_rec *d, bool update) {
  sqlite3_stmt *st = pl_store__stmt(s, update ? Q_DELEG_UPDATE : Q_DELEG_INSERT);
  int i = 1;
  if (!update)
    sqlite3_bind_int64(st, i++, pl_id_parse(d->id, 'd'));
  pl_store__bind_text(st, i++, d->name);
  pl_store__bind_text(st, i++, PL_ENUM_NAME(pl_delegation_kind, d->kind));
  pl_store__bind_text_or_null(st, i++, d->group >= 0 ? PL_ENUM_NAME(pl_group, d->group) : NULL);
  pl_store__bind_text(st, i++, d->tz);
  if (!update)
    return pl_store__run(s, st, "insert delegation");
  sqlite3_bind_int64(st, i, pl_id_parse(d->id, 'd'));
  return pl_store__run_one(s, st, "update delegation");
}

static pl_store_rc participant_insert(pl_store *s, const pl_participant_rec *p) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_INSERT);
  sqlite3_bind_int64(st, 1, pl_id_parse(p->id, 'p'));
  sqlite3_bind_int64(st, 2, pl_id_parse(p->delegation, 'd'));
  pl_store__bind_text(st, 3, p->name);
  pl_store__bind_text(st, 4, PL_ENUM_NAME(pl_role, p->role));
  pl_store_rc rc = pl_store__run(s, st, "insert participant");
  if (rc != PL_STORE_OK || !p->language[0])
    return rc;
  st = pl_store__stmt(s, Q_LANG_PUT);
  sqlite3_bind_int64(st, 1, pl_id_parse(p->id, 'p'));
  pl_store__bind_text(st, 2, p->language);
  return pl_store__run(s, st, "insert language");
}

/* A revoked token is NULL: UNIQUE allows many, and no hash matches it. */
static pl_store_rc participant_token(pl_store *s, const char *id, const uint8_t *hash) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_TOKEN);
  if (hash)
    sqlite3_bind_blob(st, 1, hash, PL_HASH_LEN, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 1);
  sqlite3_bind_int64(st, 2, pl_id_parse(id, 'p'));
  return pl_store__run_one(s, st, "set token");
}

static pl_store_rc participant_feed(pl_store *s, const char *id, const char *feed) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_FEED_SET);
  pl_store__bind_text(st, 1, feed);
  sqlite3_bind_int64(st, 2, pl_id_parse(id, 'p'));
  return pl_store__run_one(s, st, "set feed");
}

static pl_store_rc meeting_put(pl_store *s, const pl_meeting_rec *m, const char *body,
                               bool update) {
  sqlite3_stmt *st = pl_store__stmt(s, update ? Q_MEET_UPDATE : Q_MEET_INSERT);
  int i = 1;
  if (!body)
    return PL_STORE_ERROR;
  if (!update)
    sqlite3_bind_int64(st, i++, pl_id_parse(m->id, 'm'));
  sqlite3_bind_int64(st, i++, m->start_at);
  sqlite3_bind_int64(st, i++, m->end_at);
  pl_store__bind_text(st, i++, PL_ENUM_NAME(pl_meeting_status, m->status));
  pl_store__bind_text(st, i++, body);
  if (!update)
    return pl_store__run(s, st, "insert meeting");
  sqlite3_bind_int64(st, i, pl_id_parse(m->id, 'm'));
  return pl_store__run_one(s, st, "update meeting");
}

static pl_store_rc webhook_insert(pl_store *s, const pl_webhook_rec *w) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_HOOK_INSERT);
  if (!w)
    return PL_STORE_ERROR;
  sqlite3_bind_int64(st, 1, pl_id_parse(w->id, 'w'));
  pl_store__bind_text(st, 2, w->url);
  pl_store__bind_text(st, 3, w->events);
  pl_store__bind_text(st, 4, w->secret);
  sqlite3_bind_int64(st, 5, w->created_at);
  return pl_store__run(s, st, "insert webhook");
}

/* A deleted endpoint takes its pending deliveries and their record along. */
static pl_store_rc webhook_delete(pl_store *s, const char *id) {
  int64_t n = pl_id_parse(id, 'w');
  const int qs[] = {Q_OUTBOX_DROP_HOOK, Q_ATTEMPT_DROP_HOOK, Q_HOOK_DELETE};
  pl_store_rc rc = PL_STORE_OK;
  for (size_t i = 0; rc == PL_STORE_OK && i < sizeof qs / sizeof qs[0]; i++) {
    sqlite3_stmt *st = pl_store__stmt(s, qs[i]);
    sqlite3_bind_int64(st, 1, n);
    rc = qs[i] == Q_HOOK_DELETE ? pl_store__run_one(s, st, "delete webhook")
                                : pl_store__run(s, st, "delete webhook deliveries");
  }
  return rc;
}

static pl_store_rc group_put(pl_store *s, const pl_group_def *g, bool update) {
  char *members = g ? pl_store_group_members_json(g) : NULL;
  if (!members)
    return PL_STORE_ERROR;
  sqlite3_stmt *st = pl_store__stmt(s, update ? Q_GROUP_UPDATE : Q_GROUP_INSERT);
  int i = 1;
  if (!update)
    sqlite3_bind_int64(st, i++, pl_id_parse(g->id, 'g'));
  pl_store__bind_text(st, i++, g->name);
  pl_store__bind_text_or_null(st, i++, g->coordinator[0] ? g->coordinator : NULL);
  sqlite3_bind_text(st, i++, members, -1, free);
  if (!update)
    return pl_store__run(s, st, "insert group");
  sqlite3_bind_int64(st, i, pl_id_parse(g->id, 'g'));
  return pl_store__run_one(s, st, "update group");
}

static pl_store_rc rank_put(pl_store *s, const char *participant, pl_rank rank) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_RANK_PUT);
  sqlite3_bind_int64(st, 1, pl_id_parse(participant, 'p'));
  pl_store__bind_text(st, 2, PL_ENUM_NAME(pl_rank, rank));
  return pl_store__run(s, st, "set rank");
}

pl_store_rc pl_store_view_apply(pl_store *s, const pl_pevent *ev, const char *meeting_body) {
  switch (ev->type) {
  case PL_PEV_DELEGATION_CREATED:
    return delegation_put(s, &ev->delegation, false);
  case PL_PEV_DELEGATION_UPDATED:
    return delegation_put(s, &ev->delegation, true);
  case PL_PEV_PARTICIPANT_INVITED:
    return participant_insert(s, &ev->participant);
  case PL_PEV_TOKEN_ISSUED:
  case PL_PEV_TOKEN_REISSUED:
    return participant_token(s, ev->participant.id, ev->token_hash);
  case PL_PEV_TOKEN_REVOKED:
    return participant_token(s, ev->participant.id, NULL);
  case PL_PEV_FEED_ISSUED:
    return participant_feed(s, ev->participant.id, ev->feed);
  case PL_PEV_MEETING_CREATED:
  case PL_PEV_MEETING_IMPORTED:
  case PL_PEV_MEETING_PLANNED:
    return meeting_put(s, ev->meeting, meeting_body, false);
  case PL_PEV_MEETING_UPDATED:
  case PL_PEV_MEETING_CANCELLED:
    return meeting_put(s, ev->meeting, meeting_body, true);
  case PL_PEV_WEBHOOK_CREATED:
    return webhook_insert(s, ev->webhook);
  case PL_PEV_WEBHOOK_DELETED:
    return ev->webhook ? webhook_delete(s, ev->webhook->id) : PL_STORE_ERROR;
  case PL_PEV_GROUP_CREATED:
    return group_put(s, ev->group, false);
  case PL_PEV_GROUP_UPDATED:
    return group_put(s, ev->group, true);
  case PL_PEV_PARTICIPANT_RANKED:
    return rank_put(s, ev->participant.id, ev->rank);
  case PL_PEV_DOCUMENT_UPLOADED:
  case PL_PEV_DOCUMENT_WITHDRAWN:
  case PL_PEV_REPORT_SUBMITTED:
  case PL_PEV_REPORT_ROTATION:
  case PL_PEV_REPORT_REMINDER:
    return pl_store_portal_apply(s, ev);
  case PL_PEV_SCREEN_ISSUED:
  case PL_PEV_SCREEN_REVOKED:
    return PL_STORE_OK; /* in memory only (live/screens.c), like the decisions */
  case PL_PEV__COUNT:
    break;
  default:
    /* The decisions have no view: procedures, links and applications
     * live in memory, built from the log at start (live/decisions.c), as
     * rooms are. */
    return pl_pevent_is_decision(ev->type) ? PL_STORE_OK : PL_STORE_ERROR;
  }
  return PL_STORE_ERROR;
}

pl_store_rc pl_store_speech_insert(pl_store *s, const char *meeting, uint64_t seq,
                                   const pl_speech *sp) {
  const pl_entry *e = &sp->entry;
  sqlite3_stmt *st = pl_store__stmt(s, Q_SPEECH_INSERT);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  pl_store__bind_text(st, 3, sp->item);
  pl_store__bind_text(st, 4, e->id);
  pl_store__bind_text(st, 5, e->delegation.id);
  pl_store__bind_text(st, 6, e->delegation.name);
  pl_store__bind_text(st, 7, PL_ENUM_NAME(pl_delegation_kind, e->delegation.kind));
  sqlite3_bind_int64(st, 8, pl_id_parse(e->delegation.id, 'd'));
  pl_store__bind_text(st, 9, e->participant);
  pl_store__bind_text(st, 10, e->speaker);
  pl_store__bind_text(st, 11, e->on_behalf);
  pl_store__bind_text(st, 12, PL_ENUM_NAME(pl_speech_kind, e->kind));
  pl_store__bind_text(st, 13, PL_ENUM_NAME(pl_presence, e->presence));
  sqlite3_bind_int64(st, 14, e->requested_at);
  sqlite3_bind_int64(st, 15, sp->started_at);
  sqlite3_bind_int64(st, 16, sp->ended_at);
  sqlite3_bind_int64(st, 17, sp->spoken_ms);
  sqlite3_bind_int64(st, 18, sp->allotted_ms);
  return pl_store__run(s, st, "insert speech");
}
