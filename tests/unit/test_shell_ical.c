/*
 * Tests of the calendar shell: feeds rendered by ical.c and read back with
 * libical using the feed's own VTIMEZONEs (not the system zones), so a wrong
 * TZID, a floating time or a bad VTIMEZONE shows up as a wrong instant;
 * injection attempts; import and its errors; the zone tables schedule_tz.c
 * builds for the scheduling core.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libical/ical.h>

#include "core/schedule.h"
#include "cal/ical.h"
#include "cal/schedule_tz.h"

/* A meeting as the store would hold it; start_at/end_at from libical. */
static void meeting(pl_meeting_rec *m, const char *id, const char *title, const char *tz,
                    const char *start, const char *end) {
  memset(m, 0, sizeof *m);
  snprintf(m->id, sizeof m->id, "%s", id);
  snprintf(m->title, sizeof m->title, "%s", title);
  snprintf(m->tz, sizeof m->tz, "%s", tz);
  snprintf(m->start, sizeof m->start, "%s", start);
  snprintf(m->end, sizeof m->end, "%s", end);
  m->pillar = -1;
  m->sequence = 2;
  m->created_at = 1790000000000LL;
  m->updated_at = 1795000000000LL;
  char d[11];
  memcpy(d, start, 10), d[10] = 0;
  assert_int_equal(pl_sched_local_to_utc(d, start + 11, tz, &m->start_at), 0);
  memcpy(d, end, 10), d[10] = 0;
  assert_int_equal(pl_sched_local_to_utc(d, end + 11, tz, &m->end_at), 0);
}

static int64_t iso_ms(const char *s) { /* "2027-03-16T09:00Z" */
  int32_t days;
  char d[11];
  memcpy(d, s, 10), d[10] = 0;
  assert_true(pl_sched_parse_date(d, &days));
  return (int64_t)days * 86400000LL + ((s[11] - '0') * 10 + (s[12] - '0')) * 3600000LL +
         ((s[14] - '0') * 10 + (s[15] - '0')) * 60000LL;
}

/* DTSTART/DTEND of the event with UID prefix `id` in a parsed feed, as UTC
 * ms, resolved through the feed's own VTIMEZONE of the TZID. */
static void instants(icalcomponent *cal, const char *id, int64_t *start, int64_t *end) {
  const size_t n = strlen(id);
  for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    const char *uid = icalcomponent_get_uid(ev);
    if (strncmp(uid, id, n) != 0 || uid[n] != '-')
      continue;
    for (int k = 0; k < 2; k++) {
      icalproperty *p = icalcomponent_get_first_property(
          ev, k ? ICAL_DTEND_PROPERTY : ICAL_DTSTART_PROPERTY);
      assert_non_null(p);
      struct icaltimetype t = icalvalue_get_datetime(icalproperty_get_value(p));
      icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
      icaltimezone *zone = icaltimezone_get_utc_timezone();
      if (tzp) {
        zone = icalcomponent_get_timezone(cal, icalparameter_get_tzid(tzp));
        assert_non_null(zone); /* the feed carries the VTIMEZONE it names */
      } else {
        assert_true(icaltime_is_utc(t)); /* never a floating time */
      }
      *(k ? end : start) = (int64_t)icaltime_as_timet_with_zone(t, zone) * 1000;
    }
    return;
  }
  fail_msg("no event %s", id);
}

static void test_render_instants(void **state) {
  (void)state;
  pl_meeting_rec m[8];
  /* Before both changes, between the US (14 Mar) and EU (28 Mar) changes,
   * on each change day, after both; and a UTC meeting. */
  meeting(&m[0], "m1", "Before", "Europe/Zurich", "2027-03-09T10:00", "2027-03-09T13:00");
  meeting(&m[1], "m2", "Gap weeks, Zurich", "Europe/Zurich", "2027-03-16T10:00",
          "2027-03-16T13:00");
  meeting(&m[2], "m3", "Gap weeks, New York", "America/New_York", "2027-03-16T09:00",
          "2027-03-16T11:00");
  meeting(&m[3], "m4", "Tokyo", "Asia/Tokyo", "2027-03-16T18:00", "2027-03-16T20:00");
  meeting(&m[4], "m5", "US change day", "America/New_York", "2027-03-14T10:00",
          "2027-03-14T12:00");
  meeting(&m[5], "m6", "EU change day", "Europe/Zurich", "2027-03-28T10:00",
          "2027-03-28T12:00");
  meeting(&m[6], "m7", "After", "America/New_York", "2027-04-06T09:00", "2027-04-06T10:30");
  meeting(&m[7], "m8", "UTC", "UTC", "2027-03-20T12:00", "2027-03-20T13:00");
  snprintf(m[1].rrule, sizeof m[1].rrule, "FREQ=WEEKLY;COUNT=4");
  m[2].status = PL_STATUS_CANCELLED;
  m[3].pillar = PL_PILLAR_CAPACITY_BUILDING;
  snprintf(m[0].video_url, sizeof m[0].video_url, "https://video.example.org/j/123?pwd=a;b");
  static const char *const want[8][2] = {
      {"2027-03-09T09:00Z", "2027-03-09T12:00Z"}, {"2027-03-16T09:00Z", "2027-03-16T12:00Z"},
      {"2027-03-16T13:00Z", "2027-03-16T15:00Z"}, {"2027-03-16T09:00Z", "2027-03-16T11:00Z"},
      {"2027-03-14T14:00Z", "2027-03-14T16:00Z"}, {"2027-03-28T08:00Z", "2027-03-28T10:00Z"},
      {"2027-04-06T13:00Z", "2027-04-06T14:30Z"}, {"2027-03-20T12:00Z", "2027-03-20T13:00Z"}};
  for (int i = 0; i < 8; i++) {
    assert_true(m[i].start_at == iso_ms(want[i][0]));
    assert_true(m[i].end_at == iso_ms(want[i][1]));
  }
  size_t len = 0;
  char *body = pl_ical_render_feed(m, 8, "Japan", "Asia/Tokyo", "https://plenary.example", &len);
  assert_non_null(body);
  assert_int_equal(len, strlen(body));
  if (getenv("PL_ICAL_DUMP")) { /* for tests/integration/ical_check.* by hand */
    FILE *f = fopen(getenv("PL_ICAL_DUMP"), "w");
    if (f) {
      fwrite(body, 1, len, f);
      fclose(f);
    }
  }
  /* the shape the contract names */
  static const char *const needles[] = {
      "METHOD:PUBLISH",  "X-WR-CALNAME:Japan", "PRODID:",        "VERSION:2.0",
      "TZID:Europe/Zurich", "TZID:America/New_York", "TZID:Asia/Tokyo",
      "DTSTART;TZID=Europe/Zurich:20270309T100000", "RRULE:FREQ=WEEKLY;COUNT=4",
      "STATUS:CANCELLED", "STATUS:CONFIRMED", "SEQUENCE:2", "CATEGORIES:capacity_building",
      "CONFERENCE;VALUE=URI;FEATURE=VIDEO", "DTSTART:20270320T120000Z", "DTSTAMP:20261"};
  for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
    if (!strstr(body, needles[i]))
      fail_msg("feed lacks %s", needles[i]);
  assert_null(strstr(body, "freeassociation"));
  assert_int_equal(strstr(body, "BEGIN:VTIMEZONE") != NULL, 1);
  /* one VTIMEZONE per zone (UTC needs none) */
  int nvtz = 0;
  for (const char *p = body; (p = strstr(p, "BEGIN:VTIMEZONE")); p++)
    nvtz++;
  assert_int_equal(nvtz, 3);

  icalcomponent *cal = icalparser_parse_string(body);
  assert_non_null(cal);
  assert_int_equal(icalcomponent_count_errors(cal), 0);
  for (int i = 0; i < 8; i++) {
    int64_t s = 0, e = 0;
    instants(cal, m[i].id, &s, &e);
    if (s != m[i].start_at || e != m[i].end_at)
      fail_msg("%s: %lld %lld, want %s %s", m[i].id, (long long)s, (long long)e, want[i][0],
               want[i][1]);
  }
  /* The description gives the viewer's time: 10:00 Zurich on 16 March is
   * 18:00 in Tokyo. */
  assert_non_null(strstr(body, "18:00\xe2\x80\x93"));
  assert_non_null(strstr(body, "for your delegation"));
  icalcomponent_free(cal);
  free(body);

  /* Deterministic: same meetings, same bytes; a new SEQUENCE, new ETag. */
  char *a = pl_ical_render_feed(m, 8, "Japan", "Asia/Tokyo", NULL, &len);
  char *b = pl_ical_render_feed(m, 8, "Japan", "Asia/Tokyo", NULL, &len);
  char ta[19], tb[19];
  pl_ical_etag(a, strlen(a), ta);
  pl_ical_etag(b, strlen(b), tb);
  assert_string_equal(a, b);
  assert_string_equal(ta, tb);
  m[4].sequence++;
  free(b);
  b = pl_ical_render_feed(m, 8, "Japan", "Asia/Tokyo", NULL, &len);
  pl_ical_etag(b, strlen(b), tb);
  assert_string_not_equal(ta, tb);
  free(a);
  free(b);
  assert_true(pl_ical_last_modified(m, 8) == 1795000000000LL);
  /* One meeting; an unknown zone fails the feed rather than lie */
  body = pl_ical_render_meeting(&m[5], "Europe/Zurich", NULL, &len);
  assert_non_null(strstr(body, "X-WR-CALNAME:EU change day"));
  assert_null(strstr(body, "for your delegation"));
  free(body);
  snprintf(m[5].tz, sizeof m[5].tz, "Mars/Olympus");
  assert_null(pl_ical_render_feed(m, 8, "x", NULL, NULL, &len));
}

static void test_render_injection(void **state) {
  (void)state;
  pl_meeting_rec m;
  meeting(&m, "m1", "Evil\r\nX-INJECT:1\r\nBEGIN:VALARM", "Europe/Zurich", "2027-03-09T10:00",
          "2027-03-09T13:00");
  snprintf(m.location, sizeof m.location, "Room, 1; wing \\ B\nX-INJECT:2\x01\x1b");
  snprintf(m.video_url, sizeof m.video_url, "https://x.example/\r\nX-INJECT:3");
  size_t len = 0;
  char *body =
      pl_ical_render_feed(&m, 1, "Cal\r\nX-INJECT:4", "Europe/Zurich\r\nX-INJECT:5", NULL, &len);
  assert_non_null(body);
  /* no line of the output starts a property we did not write */
  for (const char *line = body; line; line = strchr(line, '\n')) {
    if (*line == '\n')
      line++;
    assert_true(strncmp(line, "X-INJECT", 8) != 0);
    assert_true(strncmp(line, "BEGIN:VALARM", 12) != 0);
  }
  for (const char *p = body; *p; p++) /* only CR LF line ends, no control bytes */
    if ((unsigned char)*p < 0x20)
      assert_true((*p == '\r' && p[1] == '\n') || (*p == '\n' && p > body && p[-1] == '\r'));
  assert_null(strstr(body, "URL:"));        /* the unsafe video link is left out */
  assert_null(strstr(body, "CONFERENCE"));
  assert_null(strstr(body, "X-WR-TIMEZONE")); /* not a zone */
  icalcomponent *cal = icalparser_parse_string(body);
  icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_string_equal(icalcomponent_get_summary(ev), "Evil\nX-INJECT:1\nBEGIN:VALARM");
  /* the control bytes became spaces (which libical trims at the end) */
  assert_int_equal(strncmp(icalcomponent_get_location(ev), "Room, 1; wing \\ B\nX-INJECT:2", 29), 0);
  assert_null(icalcomponent_get_first_property(ev, ICAL_X_PROPERTY));
  assert_null(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT));
  icalcomponent_free(cal);
  free(body);

  /* Folding: a long title of 1-, 2- and 3-octet characters comes back
   * whole; no line passes 75 octets or starts inside a UTF-8 sequence. */
  char title[PL_TITLE_LEN] = "";
  while (strlen(title) + 8 < sizeof title)
    strcat(title, "a\xc3\xa9\xe6\x97\xa5,"); /* "aé日," */
  snprintf(m.title, sizeof m.title, "%s", title);
  body = pl_ical_render_feed(&m, 1, "Cal", NULL, NULL, &len);
  for (const char *line = body; *line;) {
    const char *eol = strstr(line, "\r\n");
    assert_non_null(eol);
    assert_true(eol - line <= 75);
    if (line[0] == ' ')
      assert_true(((unsigned char)line[1] & 0xC0) != 0x80);
    line = eol + 2;
  }
  cal = icalparser_parse_string(body);
  ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_string_equal(icalcomponent_get_summary(ev), title);
  icalcomponent_free(cal);
  free(body);

  assert_true(pl_ical_url_is_safe("https://meet.example.org/abc?x=1&y=2"));
  assert_false(pl_ical_url_is_safe("http://meet.example.org/"));
  assert_false(pl_ical_url_is_safe("https://"));
  assert_false(pl_ical_url_is_safe("https:///path"));
  assert_false(pl_ical_url_is_safe("https://a.example/ b"));
  assert_false(pl_ical_url_is_safe("https://a.example/\r\nX:1"));
  assert_false(pl_ical_url_is_safe("https://a.example/\x7f"));
  assert_false(pl_ical_url_is_safe("javascript:alert(1)"));
  assert_false(pl_ical_url_is_safe(NULL));
}

/* ---- import ---- */

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" body "END:VCALENDAR\r\n"
/* No UID: two events of one file with the same UID are one too many. */
#define EV(body) "BEGIN:VEVENT\r\nCLASS:PUBLIC\r\nDTSTAMP:20270101T000000Z\r\n" body "END:VEVENT\r\n"

/* pl_ical_import, with the meetings as one array; an event skipped makes it
 * fail with that event's reason, so each refusal below is the event's own. */
static int import_len(const char *ics, size_t len, pl_meeting_rec **ms, size_t *n, char *err,
                      size_t errlen) {
  pl_ical_event *evs = NULL;
  size_t ne = 0;
  *ms = NULL;
  *n = 0;
  if (pl_ical_import(ics, len, &evs, &ne, err, errlen) != 0)
    return -1;
  for (size_t i = 0; i < ne; i++)
    if (evs[i].skipped) {
      snprintf(err, errlen, "%.199s", evs[i].why);
      pl_ical_events_free(evs, ne);
      return -1;
    }
  *ms = calloc(ne, sizeof **ms);
  assert_non_null(*ms);
  for (size_t i = 0; i < ne; i++)
    (*ms)[i] = evs[i].rec; /* the items move with it */
  *n = ne;
  free(evs);
  return 0;
}

static int import(const char *ics, pl_meeting_rec **ms, size_t *n, char *err) {
  return import_len(ics, strlen(ics), ms, n, err, 200);
}

static void free_meetings(pl_meeting_rec *ms, size_t n) {
  for (size_t i = 0; i < n; i++)
    pl_meeting_rec_release(&ms[i]);
  free(ms);
}

static void test_import_ok(void **state) {
  (void)state;
  static const char ics[] = CAL(
      "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\n"
      "DTSTART:19701101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
      "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
      "DTSTART:19700308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
      EV("SUMMARY:Informal meeting\\, norms\r\nDTSTART;TZID=America/New_York:20270316T090000\r\n"
         "DTEND;TZID=America/New_York:20270316T110000\r\nLOCATION:Conference Room 4\r\n"
         "URL:https://video.example.org/j/9\r\nCATEGORIES:Meeting,Capacity building\r\n"
         "RRULE:FREQ=WEEKLY;COUNT=3\r\n")
      EV("SUMMARY:UTC one\r\nDTSTART:20270320T120000Z\r\nDURATION:PT90M\r\n")
      EV("SUMMARY:Prefixed\r\nDTSTART;TZID=/freeassociation.sourceforge.net/Europe/Zurich:"
         "20270328T100000\r\nDTEND;TZID=Asia/Tokyo:20270328T190000\r\nSTATUS:CANCELLED\r\n"));
  pl_meeting_rec *ms = NULL;
  size_t n = 0;
  char err[200];
  if (import(ics, &ms, &n, err) != 0)
    fail_msg("%s", err);
  assert_int_equal(n, 3);
  assert_string_equal(ms[0].title, "Informal meeting, norms");
  assert_string_equal(ms[0].tz, "America/New_York");
  assert_string_equal(ms[0].start, "2027-03-16T09:00");
  assert_string_equal(ms[0].end, "2027-03-16T11:00");
  assert_true(ms[0].start_at == iso_ms("2027-03-16T13:00Z"));
  assert_string_equal(ms[0].location, "Conference Room 4");
  assert_string_equal(ms[0].video_url, "https://video.example.org/j/9");
  assert_int_equal(ms[0].format, PL_FORMAT_HYBRID);
  assert_int_equal(ms[0].pillar, PL_PILLAR_CAPACITY_BUILDING);
  assert_int_equal(ms[0].kind, PL_MEETING_OTHER);
  assert_string_equal(ms[0].rrule, "FREQ=WEEKLY;COUNT=3");
  assert_int_equal(ms[0].n_items, 1);
  assert_int_equal(ms[0].items[0].kind, PL_ITEM_GENERAL);
  assert_string_equal(ms[1].tz, "UTC");
  assert_string_equal(ms[1].end, "2027-03-20T13:30");
  assert_int_equal(ms[1].format, PL_FORMAT_IN_PERSON);
  assert_int_equal(ms[1].pillar, -1);
  assert_string_equal(ms[2].tz, "Europe/Zurich");
  assert_string_equal(ms[2].end, "2027-03-28T12:00"); /* 19:00 Tokyo = 10:00Z */
  assert_true(ms[2].start_at == iso_ms("2027-03-28T08:00Z"));
  assert_int_equal(ms[2].status, PL_STATUS_CANCELLED);
  /* and what we render, we import back the same (ids make the UIDs) */
  for (size_t i = 0; i < n; i++)
    snprintf(ms[i].id, sizeof ms[i].id, "m%zu", i + 1);
  size_t len;
  char *body = pl_ical_render_feed(ms, n, "x", NULL, NULL, &len);
  pl_meeting_rec *back = NULL;
  size_t nb = 0;
  if (import_len(body, len, &back, &nb, err, sizeof err) != 0)
    fail_msg("%s", err);
  assert_int_equal(nb, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(back[i].start, ms[i].start);
    assert_string_equal(back[i].end, ms[i].end);
    assert_string_equal(back[i].tz, ms[i].tz);
    assert_string_equal(back[i].title, ms[i].title);
    assert_true(back[i].start_at == ms[i].start_at);
  }
  free(body);
  free_meetings(back, nb);
  free_meetings(ms, n);
  /* UTF-8 of 2, 3 and 4 octets is kept */
  static const char utf[] = CAL(EV("SUMMARY:R\xc3\xa9union \xe6\x97\xa5 \xf0\x9f\x98\x80\r\n"
                                  "DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\n"));
  if (import(utf, &ms, &n, err) != 0)
    fail_msg("%s", err);
  assert_string_equal(ms[0].title, "R\xc3\xa9union \xe6\x97\xa5 \xf0\x9f\x98\x80");
  free_meetings(ms, n);
}

static void test_import_errors(void **state) {
  (void)state;
  static const struct {
    const char *ics, *want;
  } cases[] = {
      {"garbage", "VCALENDAR"},
      {"", "VCALENDAR"},
      {CAL(""), "no VEVENT"},
      {CAL(EV("SUMMARY:x\r\nDTEND:20270309T110000Z\r\n")), "DTSTART is missing"},
      {CAL(EV("DTSTART:20270309T250000Z\r\nDTEND:20270309T260000Z\r\n")), "DTSTART (line 7)"},
      {CAL(EV("DTSTART:20270230T100000Z\r\nDTEND:20270230T110000Z\r\n")), "not a real date"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDTEND:20270309T090000Z\r\n")), "DTEND (line 8)"},
      {CAL(EV("DTSTART:20270309T100000Z\r\n")), "DTEND (or DURATION) is missing"},
      {CAL(EV("DTSTART;TZID=Mars/Olympus:20270309T100000\r\nDTEND:20270309T110000Z\r\n")),
       "unknown time zone \"Mars/Olympus\""},
      {CAL(EV("DTSTART;TZID=../../etc/passwd:20270309T100000\r\nDURATION:PT1H\r\n")),
       "unknown time zone"},
      {CAL(EV("DTSTART:20270309T100000\r\nDURATION:PT1H\r\n")), "floating"},
      {CAL(EV("DTSTART;VALUE=DATE:20270309\r\nDURATION:P1D\r\n")), "all-day"},
      {CAL(EV("DTSTART:2027030\r\nDURATION:PT1H\r\n")), "event 1, DTSTART (line 7): Can't parse"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nURL:ftp://x.example/\r\n")),
       "URL (line 9)"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=SOMETIMES\r\n")),
       "event 1, RRULE (line 9)"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=HOURLY\r\n")),
       "event 1, RRULE (line 9): "},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nUID:a\r\n")
               EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nUID:a\r\n")),
       "event 2, UID (line 16): a second event"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nUID:a\r\n"
              "RECURRENCE-ID:20270316T100000Z\r\n")),
       "event 1, RECURRENCE-ID (line 10): changes an occurrence of a series that is not"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nSUMMARY:a\xc3(\r\n")),
       "SUMMARY (line 9): longer than 255 bytes, or not UTF-8"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\nLOCATION:\xed\xa0\x80\r\n")),
       "LOCATION (line 9)"},
      {CAL(EV("DTSTART:20270309T100000Z\r\nDURATION:PT1H\r\n")
               EV("DTSTART:20270309T100000Z\r\nDTEND:20270309T100000Z\r\n")),
       "event 2, DTEND"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pl_meeting_rec *ms = (pl_meeting_rec *)1;
    size_t n = 7;
    char err[200] = "";
    if (import(cases[i].ics, &ms, &n, err) != -1 || ms != NULL || n != 0 ||
        !strstr(err, cases[i].want))
      fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].want);
    if (getenv("PL_ICAL_VERBOSE"))
      print_message("case %zu: %s\n", i, err);
  }
}

/* Mutations of a valid calendar: import must answer every one with either
 * meetings that hold together or an error and nothing (run under ASan in
 * the sanitizer build). PL_ICAL_MUTATIONS raises the count. */
/* A series as Outlook and Google write one: EXDATE (two values in one
 * property, and one as a date), RDATE, an occurrence moved and one
 * cancelled by events with its RECURRENCE-ID. Imported into the series and
 * written back, each reader sees the same occurrences. */
static void test_import_series(void **state) {
  (void)state;
  static const char ics[] = CAL(
      "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:Weekly\r\n"
      "DTSTART;TZID=Europe/Berlin:20270301T100000\r\nDTEND;TZID=Europe/Berlin:20270301T110000\r\n"
      "RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20270308T100000,20270315T100000\r\n"
      "EXDATE;VALUE=DATE:20270322\r\nRDATE;TZID=Europe/Berlin:20270303T150000\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:Weekly (moved)\r\n"
      "RECURRENCE-ID;TZID=Europe/Berlin:20270329T100000\r\n"
      "DTSTART:20270330T130000Z\r\nDTEND:20270330T140000Z\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20270101T000000Z\r\n"
      "RECURRENCE-ID:20270405T080000Z\r\nSTATUS:CANCELLED\r\n"
      "DTSTART:20270405T080000Z\r\nDTEND:20270405T090000Z\r\nEND:VEVENT\r\n");
  pl_meeting_rec *ms = NULL;
  size_t n = 0;
  char err[200];
  if (import(ics, &ms, &n, err) != 0)
    fail_msg("%s", err);
  assert_int_equal(n, 1); /* the overrides went into their series */
  assert_string_equal(ms[0].import_uid, "s1");
  assert_int_equal(ms[0].n_exdate, 4);
  assert_string_equal(ms[0].exdate[0], "2027-03-08T10:00");
  assert_string_equal(ms[0].exdate[1], "2027-03-15T10:00");
  assert_string_equal(ms[0].exdate[2], "2027-03-22T10:00"); /* the date, at the series' time */
  assert_string_equal(ms[0].exdate[3], "2027-04-05T10:00"); /* cancelled, in Berlin time */
  assert_int_equal(ms[0].n_rdate, 1);
  assert_string_equal(ms[0].rdate[0], "2027-03-03T15:00");
  assert_int_equal(ms[0].n_moved, 1);
  assert_string_equal(ms[0].moved[0].of, "2027-03-29T10:00");
  assert_string_equal(ms[0].moved[0].start, "2027-03-30T15:00"); /* 13:00Z is 15:00 CEST */
  assert_string_equal(ms[0].moved[0].end, "2027-03-30T16:00");
  snprintf(ms[0].id, sizeof ms[0].id, "m1");
  size_t len;
  char *body = pl_ical_render_feed(ms, n, "x", NULL, NULL, &len);
  assert_non_null(body);
  assert_non_null(strstr(body, "EXDATE;TZID=Europe/Berlin:20270322T100000"));
  assert_non_null(strstr(body, "RDATE;TZID=Europe/Berlin:20270303T150000"));
  assert_non_null(strstr(body, "RECURRENCE-ID;TZID=Europe/Berlin:20270329T100000"));
  pl_meeting_rec *back = NULL;
  size_t nb = 0;
  if (import_len(body, len, &back, &nb, err, sizeof err) != 0)
    fail_msg("%s", err);
  assert_int_equal(nb, 1);
  assert_int_equal(back[0].n_exdate, 4);
  assert_int_equal(back[0].n_rdate, 1);
  assert_int_equal(back[0].n_moved, 1);
  assert_memory_equal(back[0].moved, ms[0].moved, sizeof *ms[0].moved);
  assert_memory_equal(back[0].exdate, ms[0].exdate, sizeof ms[0].exdate);
  free(body);
  free_meetings(back, nb);
  free_meetings(ms, n);
}

/* What real exports carry that is not plain iCalendar, or not a meeting. */
static void test_import_exports(void **state) {
  (void)state;
  /* quoted-printable with a soft line break; a two-day DURATION across the
   * end of summer time is nominal: the same wall-clock hour */
  static const char ics[] = CAL(
      EV("SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:R=C3=A9union =\r\n"
         "du groupe=0D=0Ade travail\r\n"
         "DTSTART;TZID=Europe/Paris:20271030T100000\r\nDURATION:P2DT1H\r\n"
         "URL:http://calendar.example.org/event/7\r\n")
      EV("SUMMARY:All day\r\nDTSTART;VALUE=DATE:20271101\r\nDTEND;VALUE=DATE:20271102\r\n"));
  pl_ical_event *evs = NULL;
  size_t n = 0;
  char err[200];
  if (pl_ical_import(ics, sizeof ics - 1, &evs, &n, err, sizeof err) != 0)
    fail_msg("%s", err);
  assert_int_equal(n, 2);
  assert_false(evs[0].skipped);
  assert_string_equal(evs[0].rec.title, "R\xc3\xa9union du groupe de travail");
  assert_string_equal(evs[0].rec.end, "2027-11-01T11:00");
  assert_true(evs[0].rec.end_at - evs[0].rec.start_at == (49 * 3600 + 3600) * 1000LL);
  assert_string_equal(evs[0].rec.video_url, "");
  assert_non_null(strstr(evs[0].note, "URL over http is not kept"));
  assert_true(evs[1].skipped);
  assert_string_equal(evs[1].rec.title, "All day");
  assert_non_null(strstr(evs[1].why, "event 2, DTSTART (line 17): an all-day event"));
  pl_ical_events_free(evs, n);
}

static void test_import_mutations(void **state) {
  (void)state;
  static const char seed[] = CAL(
      EV("SUMMARY:A\\, b\r\nDTSTART;TZID=Europe/Zurich:20270309T100000\r\n"
         "DTEND;TZID=Europe/Zurich:20270309T130000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
         "URL:https://v.example/j/1\r\nCATEGORIES:norms\r\n")
      EV("DTSTART:20270320T120000Z\r\nDURATION:PT90M\r\nLOCATION:Room 1\r\n"));
  static const char *const tokens[] = {"\r\n", ":", ";", "TZID=", "Z", "25", "\\", ",",
                                       "BEGIN:VEVENT\r\n", "END:VEVENT\r\n", "\r\n ",
                                       "VALUE=DATE:", "\xc3", "Asia/Tokyo", "END:VCALENDAR"};
  const char *env = getenv("PL_ICAL_MUTATIONS");
  const long rounds = env ? atol(env) : 3000;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  char buf[2 * sizeof seed + 64];
  for (long k = 0; k < rounds; k++) {
    size_t n = sizeof seed - 1;
    memcpy(buf, seed, n);
    for (int edits = 1 + (int)(k % 4); edits > 0; edits--) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      const size_t at = (size_t)(x >> 8) % (n + 1);
      const char *t = tokens[(x >> 40) % (sizeof tokens / sizeof *tokens)];
      const size_t tl = strlen(t);
      switch (x % 4) {
      case 0: /* flip a byte */
        if (at < n)
          buf[at] = (char)(buf[at] ^ (1 << ((x >> 20) % 8)));
        break;
      case 1: /* cut a run */
        if (at < n) {
          const size_t len = 1 + (x >> 30) % 12 < n - at ? 1 + (x >> 30) % 12 : n - at;
          memmove(buf + at, buf + at + len, n - at - len);
          n -= len;
        }
        break;
      default: /* insert a token */
        if (n + tl < sizeof buf) {
          memmove(buf + at + tl, buf + at, n - at);
          memcpy(buf + at, t, tl);
          n += tl;
        }
      }
    }
    pl_meeting_rec *ms = NULL;
    size_t nm = 0;
    char err[200] = "";
    const int rc = import_len(buf, n, &ms, &nm, err, sizeof err);
    if (rc != 0) {
      assert_int_equal(rc, -1);
      assert_true(ms == NULL && nm == 0 && err[0]);
      for (const char *q = err; *q; q++)
        assert_true(*q >= 0x20 && *q < 0x7f);
      continue;
    }
    for (size_t i = 0; i < nm; i++) {
      int32_t d;
      char date[11];
      assert_true(ms[i].start_at < ms[i].end_at);
      assert_int_equal(strlen(ms[i].start), 16);
      memcpy(date, ms[i].start, 10), date[10] = 0;
      assert_true(pl_sched_parse_date(date, &d));
      assert_true(strlen(ms[i].title) < sizeof ms[i].title);
    }
    size_t len;
    char *body = pl_ical_render_feed(ms, nm, "m", "Asia/Tokyo", NULL, &len);
    assert_non_null(body); /* what imports, renders */
    free(body);
    free_meetings(ms, nm);
  }
}

static int libical_offset(icaltimezone *zone, int64_t utc_s) {
  struct icaltimetype tt =
      icaltime_from_timet_with_zone((time_t)utc_s, 0, icaltimezone_get_utc_timezone());
  int dst;
  return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dst);
}

/* The zone tables of schedule_tz.c match libical's instants. */
static void test_schedule_tables(void **state) {
  (void)state;
  int32_t from, to;
  assert_true(pl_sched_parse_date("2027-03-01", &from));
  assert_true(pl_sched_parse_date("2027-11-30", &to));
  pl_sched_zones *zs = pl_sched_zones_new(from, to);
  const pl_sched_zone *ny = pl_sched_zones_get(zs, "America/New_York");
  const pl_sched_zone *zh = pl_sched_zones_get(zs, "Europe/Zurich");
  assert_non_null(ny);
  assert_true(pl_sched_zones_get(zs, "America/New_York") == ny); /* shared */
  assert_null(pl_sched_zones_get(zs, "Mars/Olympus"));
  assert_int_equal(ny->n, 3);
  assert_true(ny->spans[1].from_ms == iso_ms("2027-03-14T07:00Z"));
  assert_true(ny->spans[2].from_ms == iso_ms("2027-11-07T06:00Z"));
  assert_int_equal(zh->n, 3);
  assert_true(zh->spans[1].from_ms == iso_ms("2027-03-28T01:00Z"));
  int64_t t;
  assert_int_equal(pl_sched_local_to_utc("2027-03-16", "09:00", "America/New_York", &t), 0);
  assert_true(t == iso_ms("2027-03-16T13:00Z"));
  assert_int_equal(pl_sched_local_to_utc("2027-03-16", "24:00", "UTC", &t), 0);
  assert_true(t == iso_ms("2027-03-17T00:00Z"));
  assert_int_equal(pl_sched_local_to_utc("2027-02-30", "09:00", "UTC", &t), -1);
  char buf[20];
  pl_sched_format_local(pl_sched_local_ms(ny, iso_ms("2027-03-16T13:00Z")), buf, sizeof buf);
  assert_string_equal(buf, "2027-03-16T09:00");
  /* a whole suggest through real zones: Zurich, New York, Tokyo in the gap
   * weeks; the best 2-hour slot burdens someone, and the ranking holds */
  const pl_sched_zone *zones[] = {zh, ny, pl_sched_zones_get(zs, "Asia/Tokyo")};
  pl_sched_request r = {.tz = zh, .duration_s = 7200, .zones = zones, .n_delegations = 3,
                        .window_start_s = 8 * 3600, .window_end_s = 20 * 3600};
  assert_true(pl_sched_parse_date("2027-03-15", &r.date_from));
  r.date_to = r.date_from + 4;
  pl_sched_slot out[5];
  size_t n = 0;
  char msg[100];
  const clock_t c0 = clock();
  assert_int_equal(pl_sched_suggest(&r, out, 5, &n, msg, sizeof msg), PL_ERR_OK);
  assert_int_equal(n, 5);
  for (size_t i = 1; i < n; i++)
    assert_true(out[i - 1].burden_s <= out[i].burden_s);
  assert_true(clock() - c0 < CLOCKS_PER_SEC);
  pl_sched_outside o[3];
  const size_t no = pl_sched_outside_list(&r, &out[0], o);
  assert_int_equal(no, out[0].n_outside);
  int64_t sum = 0;
  for (size_t i = 0; i < no; i++) {
    sum += o[i].burden_s;
    assert_int_equal(strlen(o[i].local_start), 16);
  }
  assert_int_equal(sum, out[0].burden_s);
  /* Every table agrees with libical at random instants and around each of
   * its changes, in zones with odd rules: 30-minute DST (Lord Howe), 45-
   * minute offsets (Kathmandu, Chatham), changes at local midnight
   * (Santiago, Havana), Ramadan suspensions (Casablanca). */
  static const char *const odd[] = {"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham",
                                    "America/Santiago",    "America/Havana", "Africa/Casablanca",
                                    "Pacific/Apia",        "Asia/Tehran",    "Europe/Dublin",
                                    "America/St_Johns",    "Antarctica/Troll"};
  uint64_t x = 12345;
  for (size_t k = 0; k < sizeof odd / sizeof *odd; k++) {
    const pl_sched_zone *z = pl_sched_zones_get(zs, odd[k]);
    icaltimezone *lz = icaltimezone_get_builtin_timezone(odd[k]);
    assert_non_null(z);
    assert_non_null(lz);
    for (int i = 0; i < 300; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      const int64_t u = ((int64_t)from - 2) * 86400 + (int64_t)(x % ((uint64_t)(to - from + 5) * 86400));
      assert_int_equal(pl_sched_offset(z, u * 1000), libical_offset(lz, u));
    }
    for (size_t i = 1; i < z->n; i++) {
      assert_int_not_equal(z->spans[i].offset_s, z->spans[i - 1].offset_s);
      for (int64_t d = -1; d <= 0; d++) {
        const int64_t u = z->spans[i].from_ms / 1000 + d;
        assert_int_equal(pl_sched_offset(z, u * 1000), libical_offset(lz, u));
      }
    }
  }
  pl_sched_zones_free(zs);
}

/* The benchmark of issue 4 as a smoke check: 1,000 meetings render. */
static void test_render_thousand(void **state) {
  (void)state;
  static const char *const tzs[] = {"Europe/Zurich", "America/New_York", "Asia/Tokyo",
                                    "Africa/Nairobi", "America/Sao_Paulo"};
  pl_meeting_rec *m = calloc(1000, sizeof *m);
  for (int i = 0; i < 1000; i++) {
    char s[40], e[40], id[16]; /* sized for any int: -Wformat-truncation */
    snprintf(s, sizeof s, "2027-%02d-%02dT10:00", 1 + i % 12, 1 + i % 28);
    snprintf(e, sizeof e, "2027-%02d-%02dT13:00", 1 + i % 12, 1 + i % 28);
    snprintf(id, sizeof id, "m%d", i);
    meeting(&m[i], id, "Thematic meeting on capacity building", tzs[i % 5], s, e);
  }
  size_t len;
  char *body = pl_ical_render_feed(m, 1000, "All", "Asia/Tokyo", "https://p.example", &len);
  assert_non_null(body); /* the first render also loads the zones */
  free(body);
  const clock_t c0 = clock();
  for (int k = 0; k < 5; k++) {
    body = pl_ical_render_feed(m, 1000, "All", "Asia/Tokyo", "https://p.example", &len);
    assert_non_null(body);
    free(body);
  }
  const double ms = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC / 5;
  print_message("1000 meetings: %zu bytes in %.1f ms per feed\n", len, ms);
  free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_render_instants),
      cmocka_unit_test(test_render_injection),
      cmocka_unit_test(test_import_ok),
      cmocka_unit_test(test_import_errors),
      cmocka_unit_test(test_import_series),
      cmocka_unit_test(test_import_exports),
      cmocka_unit_test(test_import_mutations),
      cmocka_unit_test(test_schedule_tables),
      cmocka_unit_test(test_render_thousand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
