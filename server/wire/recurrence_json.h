/*
 * The changed and extra occurrences of a series, as JSON: `rdate` and
 * `exdate` (arrays of local date-times of the start) and `moved` (objects
 * {of, start, end}), all in the meeting's zone. Imported from a calendar
 * program's RDATE, EXDATE and RECURRENCE-ID events and written back into
 * the feeds.
 */
#ifndef PL_WIRE_RECURRENCE_JSON_H
#define PL_WIRE_RECURRENCE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "base/model.h"
#include "core/err.h"

/* Reads whichever of the three arrays is non-NULL into m, replacing what m
 * had: each date a real local time, none twice (they are kept sorted), at
 * most PL_DATES_MAX (PL_MOVES_MAX moved), a moved occurrence ending after
 * it starts. Then checks that exdate and moved belong to a series (m has an
 * rrule or rdate). On error, msg says which field and m may be half
 * written: the caller discards it. */
pl_err pl_recurrence_from_json(pl_meeting_rec *m, json_t *rdate, json_t *exdate,
                               json_t *moved, char *msg, size_t msglen);

/* Adds "rdate", "exdate" and "moved" to obj, each only when non-empty. */
void pl_recurrence_to_json(json_t *obj, const pl_meeting_rec *m);

/* The one moved occurrence of m whose `of` is `local`, or NULL. */
const pl_moved *pl_recurrence_moved(const pl_meeting_rec *m, const char *local);

#endif
