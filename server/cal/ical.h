/*
 * iCalendar for meetings: the feeds delegations subscribe to (render) and
 * the VCALENDAR files the secretariat imports (import). Both go through
 * libical; this header keeps libical out of its callers.
 *
 * Feeds are deterministic: the same meetings give the same bytes (DTSTAMP is
 * the meeting's updated_at, never the clock), so a hash of the body is a
 * strong ETag that changes exactly when a meeting does.
 */
#ifndef PL_ICAL_H
#define PL_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

/* The feed of `n` meetings: VCALENDAR with PRODID, VERSION, METHOD:PUBLISH,
 * X-WR-CALNAME `calname`, one VTIMEZONE per zone used (TZID = the bare IANA
 * name, cut to the dates used) and one VEVENT per meeting. `viewer_tz` (may
 * be NULL) is the zone of the participant's delegation: each DESCRIPTION
 * also gives the time there. `base_url` (may be NULL or "") makes the
 * meeting's URL when it has no video link: base_url + "/#/meetings/" + id.
 * Returns a malloc'd NUL-terminated body (caller frees), its length in
 * *len_out; NULL for an unknown zone or a malformed start/end in a meeting,
 * or out of memory.
 * Meetings whose video_url fails pl_ical_url_is_safe get no URL/CONFERENCE. */
char *pl_ical_render_feed(const pl_meeting_rec *meetings, size_t n, const char *calname,
                          const char *viewer_tz, const char *base_url,
                          size_t *len_out /* OUT */);

/* What a feed is rendered for: the above, and for subscribers' programs an
 * ORGANIZER (the secretariat's name; NULL for none) on every event and a
 * reminder `alarm_min` minutes before each (0 for none). */
typedef struct pl_ical_feed {
  const char *calname, *viewer_tz, *base_url;
  const char *organizer;
  int alarm_min;
} pl_ical_feed;
char *pl_ical_render(const pl_meeting_rec *meetings, size_t n, const pl_ical_feed *f,
                     size_t *len_out /* OUT */);

/* One meeting as a calendar (GET /meetings/{id}.ics): the feed of one, named
 * after the meeting. Same ownership and errors. */
char *pl_ical_render_meeting(const pl_meeting_rec *m, const char *viewer_tz,
                             const char *base_url, size_t *len_out /* OUT */);

/* True for an https:// URL with a host, printable ASCII only (no space, no
 * control character, no CR/LF: libical writes URI values unescaped, so one
 * CR LF would start a property of the attacker's choosing), shorter than
 * PL_URL_LEN. The ops layer validates video_url with it. */
bool pl_ical_url_is_safe(const char *url);

/* Strong ETag of a body, written as a quoted header value ("\"<16 hex>\"",
 * FNV-1a 64) into out (at least 19 bytes). The HTTP layer hashes the body
 * it sends, so the tag follows every byte, SEQUENCE changes included. */
void pl_ical_etag(const char *body, size_t len, char *out);

/* Last-Modified of a feed: the largest updated_at, or 0 for none (ms). */
int64_t pl_ical_last_modified(const pl_meeting_rec *meetings, size_t n);

/* One VEVENT of an imported file: a meeting, or skipped and why. */
typedef struct pl_ical_event {
  /* The meeting (kind other; format hybrid when the event has an https URL,
   * else in_person; one general item; default policy; id empty; status
   * scheduled or cancelled; start_at/end_at computed; import_uid and
   * import_sequence from UID and SEQUENCE; rdate, exdate and moved from
   * RDATE, EXDATE and the events that change its occurrences). When
   * skipped, only title and import_uid are set, for the results. */
  pl_meeting_rec rec;
  bool skipped;
  char why[256];  /* why it was skipped, naming the event, the property and its line */
  char note[256]; /* what of it was not kept, or "" */
} pl_ical_event;

/* Parses a VCALENDAR. The file itself is refused whole, with err naming the
 * line where it can (-1, *out NULL): not one VCALENDAR, a syntax error
 * (libical's X-LIC-ERROR, hour 25, 30 February), no VEVENT or more than
 * 1000, more than 4 MiB or a NUL byte. Otherwise returns 0 and *out, a
 * malloc'd array of *n_out entries (free with pl_ical_events_free): one for
 * each event that is not a change of another's occurrence (RECURRENCE-ID),
 * and one for each such change that could not be applied. An event is
 * skipped when it is not a meeting: all-day, no DTSTART or end, an unknown
 * or floating zone, DTEND not after DTSTART, a bad RRULE, an unsafe URL,
 * text too long, a UID seen before in the file. Times carry a TZID (IANA,
 * Windows or prefixed, or matched through the file's own VTIMEZONE) or are
 * UTC; a DURATION's days and weeks are nominal (RFC 5545 3.3.6);
 * quoted-printable values are decoded. */
int pl_ical_import(const char *ics, size_t len, pl_ical_event **out /* OUT */,
                   size_t *n_out /* OUT */, char *err, size_t errlen);
void pl_ical_events_free(pl_ical_event *evs, size_t n);

/* A NUL-terminated copy of the len bytes of ics with each quoted-printable
 * property value (ENCODING=QUOTED-PRINTABLE, vCalendar 1.0 and Outlook)
 * decoded into an iCalendar TEXT value (ical_qp.c); NULL when out of
 * memory. */
char *pl_ical_unquote(const char *ics, size_t len);

#endif
