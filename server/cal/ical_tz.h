/*
 * libical zone lookup shared by the calendar files (ical.c, ical_import.c,
 * schedule_tz.c). tz.c validates names for the ops; this is the same rule,
 * kept here so the calendar code does not depend on a static helper there.
 */
#ifndef PL_ICAL_TZ_H
#define PL_ICAL_TZ_H

#include <libical/ical.h>
#include <stdint.h>

/* The libical zone for an IANA name ("UTC" included), or NULL when libical
 * does not know it or the name could reach outside the zoneinfo folder.
 * The zone belongs to libical's cache: never free it. */
icaltimezone *pl_ical_zone(const char *name);

/* Offset east of UTC, in seconds, of `zone` at the UTC instant utc_s. */
int32_t pl_ical_offset_at(icaltimezone *zone, int64_t utc_s);

#endif
