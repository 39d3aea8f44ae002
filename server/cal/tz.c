/*
 * Zone lookups and conversions (tz.h). libical reads the system zoneinfo;
 * lookups of the same zone are cached inside libical, so no cache here.
 */
#include "cal/tz.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>

#include "cal/ical_tz.h"

static icaltimezone *zone_get(const char *name) {
  if (!name || !*name || strlen(name) > 63)
    return NULL;
  if (strcmp(name, "UTC") == 0)
    return icaltimezone_get_utc_timezone();
  /* Reject path tricks before libical opens files under zoneinfo. */
  if (strstr(name, "..") || name[0] == '/')
    return NULL;
  return icaltimezone_get_builtin_timezone(name);
}

bool pl_tz_is_known(const char *name) { return zone_get(name) != NULL; }

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int pl_local_parse(const char *s, int *y, int *mo, int *d, int *h, int *mi) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || strlen(s) != 16)
    return -1;
  for (int i = 0; i < 16; i++) {
    char c = s[i];
    bool want_digit = !(i == 4 || i == 7 || i == 10 || i == 13);
    if (want_digit ? (c < '0' || c > '9')
                   : (c != (i == 10 ? 'T' : i == 13 ? ':' : '-')))
      return -1;
  }
  int yy, mm, dd, hh, nn;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d", &yy, &mm, &dd, &hh, &nn) != 5)
    return -1;
  if (yy < 1970 || yy > 2200 || mm < 1 || mm > 12 || hh > 23 || nn > 59 || dd < 1)
    return -1;
  if (dd > days[mm - 1] + (mm == 2 && is_leap(yy)))
    return -1;
  *y = yy, *mo = mm, *d = dd, *h = hh, *mi = nn;
  return 0;
}

/* RFC 5545 3.3.5: a local time in a gap is read with the offset before the
 * gap; one that happens twice is the first. Offsets a day either side
 * stand for "before" and "after": no zone changes twice within two days. */
int pl_local_to_utc_ex(const char *local, const char *tz, int64_t *out_ms, pl_local_kind *kind) {
  int y, mo, d, h, mi;
  icaltimezone *zone = zone_get(tz);
  if (!zone || pl_local_parse(local, &y, &mo, &d, &h, &mi))
    return -1;
  struct icaltimetype t = icaltime_null_time();
  t.year = y, t.month = mo, t.day = d, t.hour = h, t.minute = mi;
  t.is_date = 0;
  /* the local clock reading, as if it were UTC */
  int64_t wall = (int64_t)icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
  int32_t before = pl_ical_offset_at(zone, wall - 86400);
  int32_t after = pl_ical_offset_at(zone, wall + 86400);
  int64_t c1 = wall - before, c2 = wall - after;
  bool ok1 = pl_ical_offset_at(zone, c1) == before;
  bool ok2 = pl_ical_offset_at(zone, c2) == after;
  pl_local_kind k = PL_LOCAL_ONCE;
  int64_t u = c1;
  if (ok1 && ok2 && c1 != c2) {
    k = PL_LOCAL_TWICE;
    u = c1 < c2 ? c1 : c2;
  } else if (ok2 && !ok1) {
    u = c2;
  } else if (!ok1 && !ok2) {
    k = PL_LOCAL_GAP; /* c1: the offset before the gap */
  }
  *out_ms = u * 1000;
  if (kind)
    *kind = k;
  return 0;
}

int pl_local_to_utc(const char *local, const char *tz, int64_t *out_ms) {
  return pl_local_to_utc_ex(local, tz, out_ms, NULL);
}

int pl_utc_to_iso(int64_t ms, const char *tz, char *buf, unsigned len) {
  icaltimezone *zone = zone_get(tz);
  if (!zone)
    return -1;
  int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  struct icaltimetype t = icaltime_from_timet_with_zone((time_t)s, 0, zone);
  int32_t off = pl_ical_offset_at(zone, s);
  if (off == 0) {
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour,
             t.minute, t.second);
    return 0;
  }
  int32_t a = off < 0 ? -off : off;
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month, t.day,
           t.hour, t.minute, t.second, off < 0 ? '-' : '+', (int)(a / 3600),
           (int)(a % 3600 / 60));
  return 0;
}

int pl_utc_to_local(int64_t ms, const char *tz, char *buf, unsigned len) {
  icaltimezone *zone = zone_get(tz);
  if (!zone)
    return -1;
  struct icaltimetype t = icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, zone);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return 0;
}
