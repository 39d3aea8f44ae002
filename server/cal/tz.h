/*
 * Time zones through libical: validating IANA names and converting a local
 * date-time in a zone to a UTC instant. Meetings are stored as local times
 * plus a zone (a meeting is at 10:00 in Geneva whatever DST does), so this is
 * the one place where wall-clock becomes an instant.
 */
#ifndef PL_TZ_H
#define PL_TZ_H

#include <stdbool.h>
#include <stdint.h>

/* True when libical knows `name` as a zone ("UTC" included). */
bool pl_tz_is_known(const char *name);

/* Parses "YYYY-MM-DDTHH:MM" strictly (real calendar date, 00:00-23:59).
 * Returns 0 and fills the parts, or -1. */
int pl_local_parse(const char *s, int *y, int *mo, int *d, int *h, int *mi);

/* The UTC instant (ms) of local time `local` in zone `tz`, by RFC 5545
 * 3.3.5 (below). Returns 0, or -1 for a bad zone or date. */
int pl_local_to_utc(const char *local, const char *tz, int64_t *out_ms);

/* The same, saying what kind of local time it was: one that happens once,
 * one the clocks skip (a gap: read with the offset before it, so "02:30"
 * of a spring-forward night is 03:30), or one they pass twice (the first). */
typedef enum { PL_LOCAL_ONCE, PL_LOCAL_GAP, PL_LOCAL_TWICE } pl_local_kind;
int pl_local_to_utc_ex(const char *local, const char *tz, int64_t *out_ms, pl_local_kind *kind);

/* Formats instant `ms` as local time in `tz` into buf ("YYYY-MM-DDTHH:MM").
 * Returns 0, or -1 for an unknown zone. */
int pl_utc_to_local(int64_t ms, const char *tz, char *buf, unsigned len);

/* The instant ms as ISO 8601 in zone tz with its offset, to the second
 * ("2027-03-09T10:03:27+01:00"; "...Z" where the offset is zero, so "UTC"
 * gives the UTC form). Returns 0, or -1 for an unknown zone. */
int pl_utc_to_iso(int64_t ms, const char *tz, char *buf, unsigned len);

#endif
