/*
 * The SQLite store: delegations, participants, meetings, the event log of
 * every meeting and the record of speeches. One connection, used only from
 * the lws service thread. Every write of an accepted change happens inside
 * pl_store_begin/commit, with synchronous=FULL, before anyone hears of it.
 *
 * Return convention: 0 on success, 1 for "not found" where it applies, -1 on
 * a database error (already logged once here, with SQLite's message).
 * Ids are INTEGER rowids in SQLite and prefixed strings on the wire
 * ("d3", "p12", "m5"); pl_id_format/pl_id_parse convert.
 */
#ifndef PL_STORE_H
#define PL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/room.h"
#include "model.h"
#include "token.h"

typedef struct pl_store pl_store;

/* Opens (creating the file and its folder if missing) and migrates the
 * database. On failure returns NULL with a message in err. */
pl_store *pl_store_open(const char *path, char *err, size_t errlen);
void pl_store_close(pl_store *s);

int pl_store_begin(pl_store *s); /* BEGIN IMMEDIATE */
int pl_store_commit(pl_store *s);
void pl_store_rollback(pl_store *s);

void pl_id_format(char *buf, size_t len, char prefix, int64_t id);
/* Returns the number, or -1 when `s` is not `prefix` followed by digits. */
int64_t pl_id_parse(const char *s, char prefix);

/* Delegations. insert sets d->id. */
int pl_store_delegation_insert(pl_store *s, pl_delegation_rec *d);
int pl_store_delegation_get(pl_store *s, const char *id, pl_delegation_rec *out);
typedef int (*pl_delegation_cb)(void *ctx, const pl_delegation_rec *d);
int pl_store_delegation_each(pl_store *s, pl_delegation_cb cb, void *ctx);
int pl_store_delegation_count(pl_store *s, int64_t *out);

/* Participants. insert sets p->id; the token is stored only as its hash. */
int pl_store_participant_insert(pl_store *s, pl_participant_rec *p,
                                const uint8_t token_hash[PL_HASH_LEN], const char *feed);
int pl_store_participant_by_token(pl_store *s, const uint8_t token_hash[PL_HASH_LEN],
                                  pl_participant_rec *out);
int pl_store_participant_by_feed(pl_store *s, const char *feed, pl_participant_rec *out);
int pl_store_participant_get(pl_store *s, const char *id, pl_participant_rec *out);
/* Copies the participant's feed key into buf. */
int pl_store_participant_feed(pl_store *s, const char *id, char *buf, size_t len);

/* Meetings, stored as their canonical JSON body (encoded by the caller) with
 * the columns needed to select them. insert assigns m->id; the caller then
 * encodes and calls update to store the body with its id. */
int pl_store_meeting_insert(pl_store *s, pl_meeting_rec *m);
int pl_store_meeting_update(pl_store *s, const pl_meeting_rec *m, const char *body);
typedef int (*pl_meeting_body_cb)(void *ctx, const char *id, const char *body);
int pl_store_meeting_each(pl_store *s, pl_meeting_body_cb cb, void *ctx);

/* The event log. body is the exact JSON text published to clients. */
int pl_store_event_append(pl_store *s, const char *meeting, uint64_t seq, int64_t at,
                          const char *body, size_t len);
typedef int (*pl_event_body_cb)(void *ctx, uint64_t seq, const char *body, size_t len);
/* Events of `meeting` with seq > since, in order. The callback may stop the
 * walk by returning non-zero (which is then returned). */
int pl_store_event_each(pl_store *s, const char *meeting, uint64_t since,
                        pl_event_body_cb cb, void *ctx);
int pl_store_event_count(pl_store *s, const char *meeting, int64_t *out);

/* The record of speeches. */
int pl_store_speech_insert(pl_store *s, const char *meeting, uint64_t seq,
                           const pl_speech *sp, int group);
typedef int (*pl_speech_cb)(void *ctx, const pl_speech *sp, int group);
int pl_store_speech_each(pl_store *s, const char *meeting, pl_speech_cb cb, void *ctx);

/* Online backup of the whole database to `dest` (sqlite3_backup). */
int pl_store_backup(pl_store *s, const char *dest);

#endif
