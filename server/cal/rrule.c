/* A meeting's recurrence rule, checked (rrule.h). */
#include "cal/rrule.h"

#include <libical/ical.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/tz.h"

#define MAX_STEPS 20000 /* occurrences walked to find the start: bounded */

static pl_err bad(char *msg, size_t msglen, const char *why) {
  snprintf(msg, msglen, "field 'rrule': %s", why);
  return PL_ERR_BAD_REQUEST;
}

static struct icaltimetype local_time(const char *s) {
  struct icaltimetype t = icaltime_null_time();
  int y, mo, d, h, mi;
  if (pl_local_parse(s, &y, &mo, &d, &h, &mi) == 0) {
    t.year = y, t.month = mo, t.day = d, t.hour = h, t.minute = mi;
    t.is_date = 0;
  }
  return t;
}

/* A local time in `tz` as a UTC instant (s), by RFC 5545 3.3.5. */
static bool to_utc(struct icaltimetype t, const char *tz, int64_t *out_s) {
  char buf[32];
  int64_t ms;
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour,
           t.minute);
  if (pl_local_to_utc(buf, tz, &ms))
    return false;
  *out_s = ms / 1000;
  return true;
}

/* UNTIL in UTC, as RFC 5545 wants with a zoned start: a date means the end
 * of that day in the meeting's zone, a local time that time there. */
static bool until_in_utc(struct icalrecurrencetype *r, const char *tz) {
  if (icaltime_is_null_time(r->until) || icaltime_is_utc(r->until))
    return true;
  struct icaltimetype u = r->until;
  if (u.is_date) {
    u.is_date = 0;
    u.hour = 23, u.minute = 59; /* meetings have minutes, not seconds */
  }
  int64_t s;
  if (!to_utc(u, tz, &s))
    return false;
  r->until = icaltime_from_timet_with_zone((time_t)s, 0, icaltimezone_get_utc_timezone());
  return true;
}

/* An earlier start whose implied parts (weekday, day of month, month) are
 * the start's own, and which the rule's period steps onto the start's. */
static struct icaltimetype earlier_anchor(struct icaltimetype start,
                                          const struct icalrecurrencetype *r) {
  int n = r->interval > 0 ? r->interval : 1;
  switch (r->freq) {
  case ICAL_DAILY_RECURRENCE: icaltime_adjust(&start, -n, 0, 0, 0); break;
  case ICAL_WEEKLY_RECURRENCE: icaltime_adjust(&start, -7 * n, 0, 0, 0); break;
  case ICAL_MONTHLY_RECURRENCE: start.year -= n; break; /* 12n months: the same month */
  default: start.year -= 4 * n; break; /* a leap day stays one */
  }
  return start;
}

/* True when the rule, walked from an earlier anchor, lands on `start`. */
static bool produces(struct icalrecurrencetype r, struct icaltimetype start) {
  r.count = 0; /* counted from the anchor it would stop early */
  icalrecur_iterator *it = icalrecur_iterator_new(r, earlier_anchor(start, &r));
  if (!it)
    return false;
  bool hit = false;
  for (int i = 0; i < MAX_STEPS && !hit; i++) {
    struct icaltimetype t = icalrecur_iterator_next(it);
    if (icaltime_is_null_time(t))
      break;
    int c = icaltime_compare(t, start);
    if (c > 0)
      break;
    hit = c == 0;
  }
  icalrecur_iterator_free(it);
  return hit;
}

pl_err pl_rrule_check(const char *rrule, const char *start, const char *tz, char *norm,
                      size_t normlen, char *msg, size_t msglen) {
  struct icalrecurrencetype r = icalrecurrencetype_from_string(rrule);
  icalerror_clear_errno();
  if (r.freq == ICAL_NO_RECURRENCE)
    return bad(msg, msglen, "not an RFC 5545 recurrence rule");
  if (r.freq == ICAL_SECONDLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE ||
      r.freq == ICAL_HOURLY_RECURRENCE)
    return bad(msg, msglen, "a meeting repeats by the day at the most often "
                            "(DAILY, WEEKLY, MONTHLY or YEARLY)");
  if (r.count && !icaltime_is_null_time(r.until))
    return bad(msg, msglen, "COUNT and UNTIL cannot go together (RFC 5545 3.3.10)");
  if (r.count < 0 || r.count > PL_RRULE_MAX_COUNT) {
    snprintf(msg, msglen, "field 'rrule': COUNT must be 1 to %d", PL_RRULE_MAX_COUNT);
    return PL_ERR_BAD_REQUEST;
  }
  struct icaltimetype s = local_time(start);
  int64_t start_s;
  if (icaltime_is_null_time(s) || !to_utc(s, tz, &start_s))
    return bad(msg, msglen, "the meeting's start is not a time");
  if (!until_in_utc(&r, tz))
    return bad(msg, msglen, "UNTIL is not a time");
  if (!icaltime_is_null_time(r.until)) {
    int64_t until_s = (int64_t)icaltime_as_timet(r.until);
    if (until_s < start_s)
      return bad(msg, msglen, "UNTIL is before the meeting's start: it never repeats");
    if (until_s - start_s > (int64_t)PL_RRULE_MAX_YEARS * 366 * 86400) {
      snprintf(msg, msglen, "field 'rrule': UNTIL is more than %d years after the start",
               PL_RRULE_MAX_YEARS);
      return PL_ERR_BAD_REQUEST;
    }
  }
  if (!produces(r, s))
    return bad(msg, msglen, "the rule does not produce the meeting's own start (check "
                            "BYDAY, BYMONTHDAY and BYMONTH against the start date)");
  char *text = icalrecurrencetype_as_string_r(&r);
  bool fits = text && strlen(text) < normlen && !strpbrk(text, "\r\n");
  if (fits)
    snprintf(norm, normlen, "%s", text);
  free(text); /* libical's malloc */
  return fits ? PL_ERR_OK : bad(msg, msglen, "too long");
}
