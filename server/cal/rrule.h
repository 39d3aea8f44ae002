/*
 * A meeting's recurrence rule, checked the way calendar programs will read
 * it (issue 16): a meeting repeats by the day at least; the rule must
 * produce the meeting's own start (RFC 5545 counts DTSTART as the first
 * instance whether or not the rule gives it, and programs disagree on
 * what to show when it does not); its expansion is bounded; and UNTIL is
 * in UTC, as RFC 5545 3.3.10 requires with a zoned DTSTART (a date or a
 * local time is converted in the meeting's zone).
 */
#ifndef PL_CAL_RRULE_H
#define PL_CAL_RRULE_H

#include <stddef.h>

#include "core/err.h"

#define PL_RRULE_MAX_COUNT 1000
#define PL_RRULE_MAX_YEARS 10

/* Checks `rrule` for a meeting starting at local `start` in zone `tz` and
 * writes the rule as it will be stored into norm (UNTIL in UTC). Returns
 * PL_ERR_OK, or PL_ERR_BAD_REQUEST with msg saying what is wrong. */
pl_err pl_rrule_check(const char *rrule, const char *start, const char *tz, char *norm,
                      size_t normlen, char *msg, size_t msglen);

#endif
