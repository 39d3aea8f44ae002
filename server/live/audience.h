/*
 * Who is joined to a live meeting (audience.c): the sessions that hear its
 * events, the presiding ones among them, and the attendance the chair sees.
 * Presence is told to the presiding sessions only: thousands joining must
 * not become thousands of broadcasts to thousands.
 */
#ifndef PL_LIVE_AUDIENCE_H
#define PL_LIVE_AUDIENCE_H

#include <jansson.h>
#include <stdbool.h>

#include "live/live.h"

/* Joins `s` to `m` (or changes its presence), as attendance or, `screen`,
 * as a screen that shows the meeting and counts as nobody. Returns 0; -1 when
 * out of memory or the session has joined PL_MAX_JOINS meetings; -2 when it
 * joined this meeting the other way (a screen does not become attendance). */
int pl_live_join(pl_live *m, pl_session *s, pl_presence presence, bool screen);
/* The session's join of meeting m, or NULL when it has not joined it. */
pl_join *pl_session_joined(pl_session *s, const pl_live *m);
/* Leaves; the participant's attendance is recounted, and the last connection
 * of a remote speaker pauses their floor. */
void pl_live_leave(pl_live *m, pl_session *s);
/* The participant `p` (of `delegation`) joined (`live`) or left the
 * meeting's video conference, as its hooks tell: the presiding sessions are
 * told, and a remote speaker who left pauses the floor as a dropped line
 * does. Returns 0, or -1 when out of memory. */
int pl_live_video_presence(pl_live *m, const pl_participant_rec *p,
                           const pl_delegation_ref *delegation, bool live);
/* The video conference ended: nobody is live in it any more. */
void pl_live_video_ended(pl_live *m);
/* The attendee of `participant` in m, made when new. NULL when out of
 * memory. */
pl_attendee *pl_live_attendee(pl_live *m, const char *participant, const char *name,
                              const pl_delegation_ref *delegation);
/* Tells the presiding sessions an attendee's presence, every node's
 * connections counted. */
void pl_live_tell_presence(pl_live *m, const pl_attendee *a);
/* Who is in the room, remote, online, in the video conference: the chair's
 * `attendance` list. */
json_t *pl_live_attendance(const pl_live *m);
/* Room for every joined session in the presiding list, so that a rebuild
 * after the chair changes cannot fail. Returns false when out of memory. */
bool pl_live_presiding_reserve(pl_live *m);
/* Recomputes which joined sessions preside (after the chair changed), in
 * room reserved by pl_live_presiding_reserve. */
void pl_live_presiding_rebuild(pl_live *m);

#endif
