/* The IANA zone behind an exporter's TZID (zone_name.h). */
#include "cal/zone_name.h"

#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "cal/ical_tz.h"

static bool iana(const char *name, char *out, size_t cap) {
  if (!*name || strlen(name) >= cap || !pl_ical_zone(name))
    return false;
  snprintf(out, cap, "%s", name);
  return true;
}

static bool windows(const char *name, char *out, size_t cap) {
  UChar win[128], id[128];
  UErrorCode st = U_ZERO_ERROR;
  if (strlen(name) >= 120)
    return false;
  u_uastrcpy(win, name);
  int32_t n = ucal_getTimeZoneIDForWindowsID(win, -1, NULL, id, 128, &st);
  if (U_FAILURE(st) || n <= 0 || n >= 127)
    return false;
  char ascii[128];
  u_austrncpy(ascii, id, sizeof ascii - 1);
  ascii[sizeof ascii - 1] = '\0';
  return iana(ascii, out, cap);
}

bool pl_zone_from_tzid(const char *tzid, char *out, size_t cap) {
  if (iana(tzid, out, cap) || windows(tzid, out, cap))
    return true;
  /* a prefix of any number of segments: try each tail */
  for (const char *p = strchr(tzid, '/'); p; p = strchr(p + 1, '/'))
    if (iana(p + 1, out, cap))
      return true;
  return false;
}

bool pl_zone_matching(icaltimezone *zone, int64_t at_s, char *out, size_t cap) {
  enum { SAMPLES = 24 };
  int32_t want[SAMPLES];
  const int64_t step = 365 * 86400 / SAMPLES, from = at_s - 183 * 86400;
  for (int i = 0; i < SAMPLES; i++)
    want[i] = pl_ical_offset_at(zone, from + i * step);
  icalarray *all = icaltimezone_get_builtin_timezones();
  for (size_t k = 0; all && k < all->num_elements; k++) {
    icaltimezone *z = icalarray_element_at(all, k);
    bool same = true;
    for (int i = 0; same && i < SAMPLES; i++)
      same = pl_ical_offset_at(z, from + i * step) == want[i];
    /* The TZID, once the zone is loaded, is "/freeassociation.../Asia/X";
     * its location field is not to be trusted in this libical. */
    const char *tzid = same ? icaltimezone_get_tzid(z) : NULL;
    if (tzid && pl_zone_from_tzid(tzid, out, cap))
      return true;
  }
  return false;
}
