/*
 * The SQLite store: the event log of every stream and the views that ops
 * read. One connection, used only from the lws service thread.
 *
 * The log is one table, events(pos, stream, seq, at, body): the programme
 * stream ("programme") and one stream per meeting ("m5"), each with its own
 * consecutive seq, and pos the order in which changes committed. The views
 * (delegations, participants, meetings, speeches, groups) are written only by
 * views.h, inside the transaction that appends the events they follow, so
 * they can always be rebuilt from the log (app/replay.c, with diff.h).
 *
 * Every write of an accepted change happens inside pl_store_begin/commit,
 * with synchronous=FULL, before anyone hears of it. A failure is logged once
 * here, with SQLite's message.
 */
#ifndef PL_STORE_STORE_H
#define PL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/model.h"
#include "base/pevent.h"
#include "base/token.h"
#include "core/room.h"

typedef struct pl_store pl_store;

typedef enum {
  PL_STORE_OK = 0,
  PL_STORE_NOT_FOUND, /* a lookup found no row */
  PL_STORE_STOPPED,   /* a walk's callback asked to stop */
  PL_STORE_ERROR,     /* SQLite failed (logged) */
} pl_store_rc;

/* The schema this code writes (PRAGMA user_version). */
#define PL_STORE_SCHEMA 7

/* Opens (creating the file and its folder if missing) and upgrades the
 * database; ":memory:" opens an empty one in memory. On failure returns
 * NULL with a message in err. */
pl_store *pl_store_open(const char *path, char *err, size_t errlen);
void pl_store_close(pl_store *s);

/* synchronous=OFF (true) or FULL (false, as opened): OFF only for a tool
 * that fills a database it can make again (tools/restart_fill.c), where a
 * fsync per change would make a million changes take a quarter of an hour. */
pl_store_rc pl_store_set_bulk(pl_store *s, bool bulk);

pl_store_rc pl_store_begin(pl_store *s); /* BEGIN IMMEDIATE */
pl_store_rc pl_store_commit(pl_store *s);
void pl_store_rollback(pl_store *s);      /* a no-op outside a transaction */

/* --- reads of the views ---------------------------------------------------- */

pl_store_rc pl_store_delegation_get(pl_store *s, const char *id, pl_delegation_rec *out);
typedef int (*pl_delegation_cb)(void *ctx, const pl_delegation_rec *d);
pl_store_rc pl_store_delegation_each(pl_store *s, pl_delegation_cb cb, void *ctx);
pl_store_rc pl_store_delegation_count(pl_store *s, int64_t *out);

/* A revoked token matches nobody. */
pl_store_rc pl_store_participant_by_token(pl_store *s, const uint8_t token_hash[PL_HASH_LEN],
                                          pl_participant_rec *out);
pl_store_rc pl_store_participant_by_feed(pl_store *s, const char *feed,
                                         pl_participant_rec *out);
pl_store_rc pl_store_participant_get(pl_store *s, const char *id, pl_participant_rec *out);
/* Calls cb for every participant, or only those of `delegation` when it is
 * not NULL, in id order; `active` is false once the token was revoked. A
 * nonzero return from cb stops the walk. */
typedef int (*pl_participant_cb)(void *ctx, const pl_participant_rec *p, bool active);
pl_store_rc pl_store_participant_each(pl_store *s, const char *delegation,
                                      pl_participant_cb cb, void *ctx);
/* Copies the participant's feed key into buf ("" when none was issued). */
pl_store_rc pl_store_participant_feed(pl_store *s, const char *id, char *buf, size_t len);

typedef int (*pl_meeting_body_cb)(void *ctx, const char *id, const char *body);
pl_store_rc pl_store_meeting_each(pl_store *s, pl_meeting_body_cb cb, void *ctx);

/* The next free number of each kind of id (1 in an empty database). */
pl_store_rc pl_store_next_ids(pl_store *s, int64_t *delegation, int64_t *participant,
                              int64_t *meeting, int64_t *group);

/* Each speech with the seq of its speech.ended event on the meeting's stream. */
typedef int (*pl_speech_cb)(void *ctx, uint64_t seq, const pl_speech *sp, int group);
pl_store_rc pl_store_speech_each(pl_store *s, const char *meeting, pl_speech_cb cb, void *ctx);

/* --- the log --------------------------------------------------------------- */

/* Appends one event; body is the exact JSON text published to clients. */
pl_store_rc pl_store_event_append(pl_store *s, const char *stream, uint64_t seq, int64_t at,
                                  const char *body, size_t len);
typedef int (*pl_event_body_cb)(void *ctx, uint64_t seq, const char *body, size_t len);
/* Events of `stream` with seq > since, in order. The callback may stop the
 * walk by returning non-zero (PL_STORE_STOPPED). */
pl_store_rc pl_store_stream_each(pl_store *s, const char *stream, uint64_t since,
                                 pl_event_body_cb cb, void *ctx);
/* The stream's last seq (0 when it has none). */
pl_store_rc pl_store_stream_last(pl_store *s, const char *stream, uint64_t *out);
typedef int (*pl_log_cb)(void *ctx, const char *stream, uint64_t seq, const char *body,
                         size_t len);
/* Every event of every stream, in the order they committed. */
pl_store_rc pl_store_log_each(pl_store *s, pl_log_cb cb, void *ctx);
/* The chain hash of one event (NOT_FOUND when there is none). */
pl_store_rc pl_store_event_hash(pl_store *s, const char *stream, uint64_t seq,
                                uint8_t hash[PL_DIGEST_LEN]);
/* Every event stream by stream, in seq order, with its stored hash (NULL
 * when the row has none), for plenaryd verify. */
typedef int (*pl_chain_cb)(void *ctx, const char *stream, uint64_t seq, const char *body,
                           size_t len, const uint8_t *hash);
pl_store_rc pl_store_chain_each(pl_store *s, pl_chain_cb cb, void *ctx);

/* Online backup of the whole database to `dest` (sqlite3_backup). */
pl_store_rc pl_store_backup(pl_store *s, const char *dest);

#endif
