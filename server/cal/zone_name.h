/*
 * The IANA zone behind the TZID an exporter wrote (issue 16): a bare IANA
 * name; one behind a prefix, of one or more segments
 * ("/mozilla.org/20050126_1/Europe/Berlin",
 * "/freeassociation.sourceforge.net/Europe/Zurich"); or a Windows name as
 * Outlook and Exchange write them ("W. Europe Standard Time"), mapped with
 * ICU's CLDR table (ucal_getTimeZoneIDForWindowsID).
 */
#ifndef PL_CAL_ZONE_NAME_H
#define PL_CAL_ZONE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

/* Writes the IANA name into out and returns true, or returns false when
 * the name is none of those. */
bool pl_zone_from_tzid(const char *tzid, char *out, size_t cap);

/* The first IANA zone (in libical's list, which is tzdata's order) whose
 * UTC offsets equal `zone`'s at every one of the instants of the year
 * around `at_s` (twice a month): the zone a file's own VTIMEZONE stands
 * for when its name maps to none ("Customized Time Zone"). */
bool pl_zone_matching(icaltimezone *zone, int64_t at_s, char *out, size_t cap);

#endif
