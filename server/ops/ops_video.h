/*
 * The meeting's video conference (ops_video.c; docs/VIDEO.md): signed joins
 * to its Jitsi room, and what the conference's hooks tell Plenary.
 *
 * Who is live in the conference is presence, not a change: it is told to
 * whoever presides and never kept. What the floor does because of it (the
 * speaker who left pauses, the called speaker whose microphone went live
 * starts) goes through the commit path like any other ruling.
 */
#ifndef PL_OPS_OPS_VIDEO_H
#define PL_OPS_OPS_VIDEO_H

#include "ops/op.h"
#include "wire/hook_json.h"

/* video.join {meeting}: {url, room, moderator, expires_at}, the url
 * carrying an HS256 JWT as Jitsi's token authentication verifies it. */
pl_err pl_op_video_join(pl_op_ctx *c, json_t *args);

/* The live meeting whose Jitsi room is `room`, or NULL. */
pl_live *pl_video_meeting_of_room(const char *room);

/* Applies one event of m's conference about `participant` (NULL for the
 * room's own events). Returns PL_ERR_OK with *applied saying what it did
 * ("presence", "paused", "ready", "ignored"); NOT_FOUND for a participant
 * Plenary does not know; INTERNAL when out of memory or the store failed;
 * msg set on error. */
pl_err pl_video_hook(pl_live *m, const char *participant, pl_video_event ev, int64_t now,
                     const char **applied, char *msg, size_t msglen);

#endif
