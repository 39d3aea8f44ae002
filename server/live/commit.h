/*
 * The commit path: the one way an accepted change reaches the log, the
 * views, the meetings in memory and the clients.
 *
 *   pl_change ch;
 *   pl_change_init(&ch, now);
 *   pl_change_room(&ch, m, &evs);         ...or any other add below
 *   e = pl_change_commit(&ch, msg, sizeof msg);
 *   pl_change_release(&ch);
 *
 * THE RULE: everything that can fail happens before BEGIN. Each add encodes
 * and frames its events, builds what the change will install (a new
 * meeting, a new record, a fresh room) and reserves the memory applying
 * will need. pl_change_commit then appends the events and updates the views
 * in one transaction; if any of that fails, it rolls back and nothing in
 * memory has changed. After COMMIT nothing can fail: applying is assignment
 * into reserved room and publishing is queueing references, and assertions
 * (core/invariant.h) say so. An add that fails records its error; commit
 * then refuses the whole change.
 *
 * A change holds programme events and the events of at most one meeting.
 */
#ifndef PL_LIVE_COMMIT_H
#define PL_LIVE_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pevent.h"
#include "core/room.h"
#include "live/live.h"
#include "wire/msg.h"

typedef struct pl_change_pev {
  pl_pevent ev;
  pl_msg *msg; /* owned: the encoded event, as stored and as the secretariat reads it */
  char *body;  /* owned: a meeting event's record as canonical JSON */
  /* owned: what the States and the public are sent of it (wire/decision_json.h);
   * NULL when it is not for them */
  pl_msg *to_state, *to_public;
} pl_change_pev;

/* One event on the meeting's stream: a room event, or meeting.changed. */
typedef struct pl_change_mev {
  pl_msg *msg;  /* owned */
  bool is_room; /* ev is the room event; otherwise meeting.changed */
  pl_event ev;
} pl_change_mev;

typedef struct pl_change {
  int64_t now;
  pl_err err; /* the first add that failed */
  char msg[128];
  /* the programme stream */
  pl_change_pev *prog; /* owned */
  size_t n_prog, cap_prog;
  int64_t new_delegations, new_participants, new_groups; /* ids handed out by this change */
  /* meetings the change creates: built whole, installed at commit */
  pl_live **born; /* owned, and each until installed */
  size_t n_born, cap_born;
  /* a meeting whose record the change replaces */
  pl_live *target;
  pl_meeting_rec next; /* owned until installed */
  bool has_fresh;      /* the agenda changed: `fresh` replaces the room */
  pl_room fresh;
  /* the one meeting whose stream the change extends */
  pl_live *m;
  pl_change_mev mev[PL_MAX_EVENTS + 1];
  size_t n_mev;
  /* whose sessions close after the commit (a token reissued or revoked) */
  char closing[PL_ID_LEN];
  /* 0 for a change decided here; with --cluster, the log's sequence of the
   * change another node decided and this one rebuilt (live/cluster.h) */
  uint64_t from_log;
} pl_change;

void pl_change_init(pl_change *ch, int64_t now);
void pl_change_release(pl_change *ch);

/* The id the change gives its next new delegation ('d'), participant ('p')
 * or group ('g'), written into buf. */
void pl_change_new_id(pl_change *ch, char kind, char *buf, size_t len);

/* Adds a programme event that is not about a meeting (a delegation, a
 * participant, a token, a feed key). */
void pl_change_programme(pl_change *ch, const pl_pevent *ev);

/* Adds a new meeting: gives rec its id and created_at/updated_at, takes its
 * items and builds the live meeting, announced by event `how` (created,
 * imported, planned). Returns it (in the registry once committed; the
 * change frees it otherwise), or NULL when an add has failed. */
pl_live *pl_change_meeting_new(pl_change *ch, pl_meeting_rec *rec, pl_pevent_type how);

/* Replaces m's record by *next (its items taken; sequence and updated_at
 * are set here), with event `how` (updated, cancelled) on the programme
 * stream and meeting.changed on m's. When the agenda changed, a fresh room
 * for it is built now; the caller has checked that the meeting had not
 * begun. */
void pl_change_meeting_update(pl_change *ch, pl_live *m, pl_meeting_rec *next,
                              pl_pevent_type how);

/* Adds the room events a command or tick decided for m, encoded against
 * the room as it is now. */
void pl_change_room(pl_change *ch, pl_live *m, const pl_events *evs);

/* Closes the open sessions of `participant` once the change commits. */
void pl_change_close_sessions(pl_change *ch, const char *participant);

/* The change as the log holds it (live/cluster.h): malloc'd, *len bytes.
 *   plenary-change 1 / at <ms> / [close <participant>]
 *   p <len> LF <programme event text>        for each programme event
 *   m <meeting> <len> LF <meeting event text> for each meeting event
 * each line ending in LF. NULL when out of memory. */
char *pl_change_record(const pl_change *ch, size_t *len);

/* Commits the change: BEGIN, append every event and update the views,
 * COMMIT; then apply and publish. Returns PL_ERR_OK; or the first add's
 * error, or PL_ERR_INTERNAL when the store refused, with msg set, and then
 * nothing was applied or published. */
pl_err pl_change_commit(pl_change *ch, char *msg, size_t msglen);

#endif
