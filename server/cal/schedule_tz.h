/*
 * The shell side of schedule.suggest: turns IANA zone names into the offset
 * tables the pure core reads (core/schedule.h), with libical, for the dates
 * of one request. The ops layer parses the request, asks this file for one
 * table per zone, calls pl_sched_suggest / pl_sched_plan_series, and formats
 * the slots (pl_sched_format_local for each `outside` local_start).
 */
#ifndef PL_SCHEDULE_TZ_H
#define PL_SCHEDULE_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/schedule.h"

#define PL_SCHED_LOCAL_LEN 17

/* The tables of one request; owns them. */
typedef struct pl_sched_zones pl_sched_zones;

/* For local dates date_from..date_to (days since epoch, as the request's):
 * tables are exact from two days before to three days after, which covers
 * every zone's wall clock on those dates and meetings of up to a day.
 * Returns NULL out of memory. Free with pl_sched_zones_free. */
pl_sched_zones *pl_sched_zones_new(int32_t date_from, int32_t date_to);
void pl_sched_zones_free(pl_sched_zones *zs);

/* The table of zone `name`, built on first use and shared afterwards (so
 * delegations in one zone share the pointer, which the core folds). NULL for
 * a zone libical does not know, or out of memory. Borrowed: valid until
 * pl_sched_zones_free. */
const pl_sched_zone *pl_sched_zones_get(pl_sched_zones *zs, const char *name);

/* The UTC instant (ms) of local `date` ("YYYY-MM-DD") at `hhmm` ("HH:MM",
 * "24:00" is the next midnight) in zone `tz`, as libical resolves it: a time
 * in a spring-forward gap moves forward by the gap, a repeated time is the
 * later instant. Returns 0, or -1 for a bad date, time or zone. */
int pl_sched_local_to_utc(const char *date, const char *hhmm, const char *tz,
                          int64_t *out_ms /* OUT */);

/* Writes local ms (core/schedule.h) as "YYYY-MM-DDTHH:MM" into buf
 * (at least 17 bytes). */
void pl_sched_format_local(int64_t local_ms, char *buf, size_t len);

/* One entry of a slot's `outside` list (contract section 7). */
typedef struct pl_sched_outside {
  size_t delegation;  /* index into the request's delegations */
  int64_t burden_s;   /* its time outside the window (wire: minutes) */
  char local_start[PL_SCHED_LOCAL_LEN]; /* "YYYY-MM-DDTHH:MM" in its zone */
} pl_sched_outside;

/* Fills out[0..return) (caller's array of req->n_delegations) with the
 * delegations that spend some of `slot` outside their window, in request
 * order. */
size_t pl_sched_outside_list(const pl_sched_request *req, const pl_sched_slot *slot,
                             pl_sched_outside *out /* OUT */);

#endif
