/* libical zone lookup for the calendar files (ical_tz.h). */
#include "cal/ical_tz.h"

#include <string.h>

icaltimezone *pl_ical_zone(const char *name) {
  if (!name || !*name || strlen(name) > 63)
    return NULL;
  if (strcmp(name, "UTC") == 0)
    return icaltimezone_get_utc_timezone();
  /* libical turns the name into a path under zoneinfo: allow only the
   * characters of IANA names, and no "..". */
  for (const char *p = name; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '/' || *p == '_' || *p == '-' || *p == '+'))
      return NULL;
  if (strstr(name, "..") || name[0] == '/')
    return NULL;
  return icaltimezone_get_builtin_timezone(name);
}

int32_t pl_ical_offset_at(icaltimezone *zone, int64_t utc_s) {
  struct icaltimetype t =
      icaltime_from_timet_with_zone((time_t)utc_s, 0, icaltimezone_get_utc_timezone());
  int is_daylight = 0;
  return (int32_t)icaltimezone_get_utc_offset_of_utc_time(zone, &t, &is_daylight);
}
