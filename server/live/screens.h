/*
 * Links for the room's screen (screens.c). A meeting may have one: a token
 * that opens the projector and shows only what the room may see, with no
 * participant behind it. Issuing a new one replaces the last; revoking
 * leaves none. Like the decisions they have no view: each live meeting
 * holds its link's hash, set from the programme stream as each change
 * commits and rebuilt from the log at start.
 */
#ifndef PL_LIVE_SCREENS_H
#define PL_LIVE_SCREENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pevent.h"
#include "live/live.h"

/* Applies screen.issued / screen.revoked to its live meeting. Returns 0, or
 * -1 when the meeting is not live (a damaged log). */
int pl_screens_apply(const pl_pevent *ev);
/* The live meeting whose screen link has this hash, or NULL. */
pl_live *pl_screens_by_hash(const uint8_t hash[PL_HASH_LEN]);
/* True when a stored programme event's text is a screen event. */
bool pl_screens_text_is_screen(const char *body, size_t len);
/* At start: one stored programme event; 0 when it is not a screen event or
 * applied, 1 when damaged (logged). */
int pl_screens_replay(uint64_t seq, const char *body, size_t len);

#endif
