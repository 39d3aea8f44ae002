/*
 * iCalendar import (pl_ical_import in ical.h): a VCALENDAR from someone's
 * calendar program becomes meetings, event by event: a file that does not
 * parse is refused whole, an event that is not a meeting is skipped with
 * the reason.
 *
 * libical's parser is lenient (LIBRARY-NOTES 5): bad lines become
 * X-LIC-ERROR properties, hour 25 and unknown TZIDs pass silently. So every
 * value we keep is checked here again, and the first problem is reported
 * with the event's number, the property's name and its line in the input,
 * which a secretary can find in a text editor.
 */
#include <ctype.h>
#include <stdarg.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "cal/ical.h"
#include "cal/ical_tz.h"
#include "cal/rrule.h"
#include "cal/zone_name.h"

#define MAX_BYTES (4u << 20)
#define MAX_EVENTS 1000

typedef struct ctx {
  const char *ics; /* NUL-terminated copy of the input (borrowed) */
  char *err;       /* why the event at hand is skipped (or the file refused) */
  size_t errlen;
  char *note;      /* what of the event at hand is not kept */
  size_t notelen;
  /* the first event with a value that is not what its type allows (hour
   * 25, 30 February): the file is malformed, and refused whole */
  const char *malformed;
} ctx;

/* Physical line (1-based) where property `name` begins inside the ev-th
 * VEVENT (0-based), or 0 if not found. A plain scan of the text: folded
 * continuation lines start with a space, so they never match a name. */
static int line_of(const ctx *c, size_t ev, const char *name) {
  const size_t nl = strlen(name);
  size_t seen = 0;
  bool inside = false;
  int line = 1;
  for (const char *p = c->ics; *p; line++) {
    if (strncmp(p, "BEGIN:VEVENT", 12) == 0) {
      inside = seen++ == ev;
    } else if (strncmp(p, "END:VEVENT", 10) == 0) {
      if (inside)
        return 0;
    } else if (inside && strncasecmp(p, name, nl) == 0 && (p[nl] == ':' || p[nl] == ';')) {
      return line;
    }
    const char *q = strchr(p, '\n');
    if (!q)
      break;
    p = q + 1;
  }
  return 0;
}

/* Writes "event N, PROP (line L): why" and returns -1. */
static int fail(const ctx *c, size_t ev, const char *prop, const char *why) {
  const int line = prop ? line_of(c, ev, prop) : 0;
  if (line)
    snprintf(c->err, c->errlen, "event %zu, %s (line %d): %s", ev + 1, prop, line, why);
  else if (prop)
    snprintf(c->err, c->errlen, "event %zu, %s: %s", ev + 1, prop, why);
  else
    snprintf(c->err, c->errlen, "event %zu: %s", ev + 1, why);
  return -1;
}

/* True when s is well-formed UTF-8 (no overlongs, surrogates or values
 * past U+10FFFF): titles go out in JSON, whose encoders refuse the rest. */
static bool utf8_ok(const unsigned char *s) {
  while (*s) {
    const unsigned char c = *s;
    size_t k = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
               : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
    if (k == 9)
      return false;
    const uint32_t lead = k == 0 ? c : c & (0x3F >> k);
    uint32_t cp = lead;
    for (size_t i = 1; i <= k; i++) {
      if ((s[i] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    s += k + 1;
  }
  return true;
}

/* Copies TEXT into dst (cap bytes), control bytes turned into spaces; -1
 * when it does not fit or is not UTF-8. */
static int copy_text(char *dst, size_t cap, const char *s) {
  const size_t n = strlen(s);
  if (n >= cap || !utf8_ok((const unsigned char *)s))
    return -1;
  for (size_t i = 0; i <= n; i++)
    dst[i] = (i < n && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)) ? ' ' : s[i];
  return 0;
}

/* A value no calendar program writes: fails the event, and the file. */
static int malformed(ctx *c, size_t ev, const char *prop, const char *why) {
  fail(c, ev, prop, why);
  if (!c->malformed)
    c->malformed = c->err;
  return -1;
}

/* Adds a remark to the event's note: imported, but not all of it. */
__attribute__((format(printf, 2, 3))) static void note(const ctx *c, const char *fmt, ...) {
  const size_t n = strlen(c->note);
  if (n + 3 >= c->notelen)
    return;
  if (n)
    memcpy(c->note + n, "; ", 3);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->note + strlen(c->note), c->notelen - strlen(c->note), fmt, ap);
  va_end(ap);
}

static bool time_is_real(struct icaltimetype t) {
  if (t.year < 1970 || t.year > 2200 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 ||
      t.second > 60)
    return false;
  char date[48]; /* room for any int, to keep -Wformat-truncation quiet */
  int32_t days;
  snprintf(date, sizeof date, "%04d-%02d-%02d", t.year, t.month, t.day);
  return pl_sched_parse_date(date, &days);
}

/* The IANA zone for an event's TZID: the name's (zone_name.h), or else the
 * one whose offsets the file's own VTIMEZONE of that TZID has around the
 * event (Outlook's "Customized Time Zone"). The local time keeps its wall
 * clock: the zones agree on the offset there. */
static icaltimezone *zone_for(icalproperty *p, const char *tzid, struct icaltimetype t,
                              char *name, size_t cap) {
  if (pl_zone_from_tzid(tzid, name, cap))
    return pl_ical_zone(name);
  icalcomponent *ev = icalproperty_get_parent(p);
  icalcomponent *cal = ev ? icalcomponent_get_parent(ev) : NULL;
  icaltimezone *own = cal ? icalcomponent_get_timezone(cal, tzid) : NULL;
  if (!own)
    return NULL;
  t.zone = own;
  int64_t at = (int64_t)icaltime_as_timet_with_zone(t, own);
  return pl_zone_matching(own, at, name, cap) ? pl_ical_zone(name) : NULL;
}

/* Reads DTSTART or DTEND of event ev: the zone name (into tz, "UTC" for Z
 * times) and the instant. */
static int read_when(ctx *c, size_t ev, icalproperty *p, const char *prop, char *tz,
                     struct icaltimetype *t, int64_t *at_ms) {
  *t = icalvalue_get_datetime(icalproperty_get_value(p));
  if (t->is_date)
    return fail(c, ev, prop, "a date without a time (all-day events are not meetings)");
  if (!time_is_real(*t))
    return malformed(c, ev, prop, "not a real date and time");
  icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  icaltimezone *zone;
  if (icaltime_is_utc(*t)) {
    snprintf(tz, PL_TZ_LEN, "UTC");
    zone = icaltimezone_get_utc_timezone();
  } else if (tzp && icalparameter_get_tzid(tzp)) {
    const char *tzid = icalparameter_get_tzid(tzp);
    char name[PL_TZ_LEN];
    zone = zone_for(p, tzid, *t, name, sizeof name);
    if (!zone) {
      char why[PL_TZ_LEN + 120];
      snprintf(why, sizeof why, "unknown time zone \"%.63s\" (not an IANA or Windows name, "
               "and no VTIMEZONE in the file that an IANA zone matches)", tzid);
      return fail(c, ev, prop, why);
    }
    snprintf(tz, PL_TZ_LEN, "%s", name);
  } else {
    return fail(c, ev, prop, "a floating time: give a TZID or a UTC time");
  }
  t->zone = zone;
  t->second = 0; /* meetings are kept to the minute, as their local strings */
  *at_ms = (int64_t)icaltime_as_timet_with_zone(*t, zone) * 1000;
  return 0;
}

static void local_string(char *dst, const struct icaltimetype *t) {
  snprintf(dst, PL_LOCAL_LEN, "%04d-%02d-%02dT%02d:%02d", t->year, t->month, t->day, t->hour,
           t->minute);
}

/* CATEGORIES values as a pillar: "capacity_building", "Capacity building",
 * "capacity-building" all match; -1 when none does. */
static int pillar_of(icalcomponent *ve) {
  for (icalproperty *p = icalcomponent_get_first_property(ve, ICAL_CATEGORIES_PROPERTY); p;
       p = icalcomponent_get_next_property(ve, ICAL_CATEGORIES_PROPERTY)) {
    const char *v = icalproperty_get_categories(p);
    char word[64];
    size_t n = 0;
    for (const char *s = v ? v : "";; s++) {
      if (*s == ',' || *s == 0) {
        while (n && word[n - 1] == '_')
          n--;
        word[n] = 0;
        const int k = PL_ENUM_PARSE(pl_pillar, word);
        if (k >= 0)
          return k;
        n = 0;
        if (*s == 0)
          break;
      } else if (n < sizeof word - 1 && !(n == 0 && (*s == ' ' || *s == '_'))) {
        word[n++] = (*s == ' ' || *s == '-') ? '_' : (char)tolower((unsigned char)*s);
      }
    }
  }
  return -1;
}

/* The local time, in the zone and wall clock of the series' start `ts`,
 * of an EXDATE, RDATE or RECURRENCE-ID value t of property p: a date alone
 * (VALUE=DATE) is the series' time of day on that date. */
static int series_local(ctx *c, size_t ev, icalproperty *p, const char *prop,
                        struct icaltimetype t, const struct icaltimetype *ts, char *dst) {
  if (t.is_date) {
    t.is_date = 0;
    t.hour = ts->hour, t.minute = ts->minute, t.second = 0;
    t.zone = ts->zone;
  } else if (!time_is_real(t)) {
    return malformed(c, ev, prop, "not a real date and time");
  } else if (icaltime_is_utc(t)) {
    t.zone = icaltimezone_get_utc_timezone();
  } else {
    icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
    char name[PL_TZ_LEN];
    t.zone = tzid ? zone_for(p, tzid, t, name, sizeof name) : ts->zone; /* floating: the series' */
    if (!t.zone)
      return fail(c, ev, prop, "unknown time zone");
  }
  const time_t at = icaltime_as_timet_with_zone(t, (icaltimezone *)t.zone);
  struct icaltimetype l = icaltime_from_timet_with_zone(at, 0, (icaltimezone *)ts->zone);
  local_string(dst, &l);
  return 0;
}

/* EXDATE and RDATE (libical gives one property a value): into m. */
static int read_dates(ctx *c, size_t ev, icalcomponent *ve, const struct icaltimetype *ts,
                      pl_meeting_rec *m) {
  for (icalproperty *p = icalcomponent_get_first_property(ve, ICAL_EXDATE_PROPERTY); p;
       p = icalcomponent_get_next_property(ve, ICAL_EXDATE_PROPERTY)) {
    if (m->n_exdate == PL_DATES_MAX)
      return fail(c, ev, "EXDATE", "more than 64 excluded dates");
    if (series_local(c, ev, p, "EXDATE", icalproperty_get_exdate(p), ts,
                     m->exdate[m->n_exdate++]))
      return -1;
  }
  for (icalproperty *p = icalcomponent_get_first_property(ve, ICAL_RDATE_PROPERTY); p;
       p = icalcomponent_get_next_property(ve, ICAL_RDATE_PROPERTY)) {
    if (m->n_rdate == PL_DATES_MAX)
      return fail(c, ev, "RDATE", "more than 64 extra dates");
    const struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
    /* a PERIOD's own length is not kept: each meeting of a series is as long as its first */
    const struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
    if (series_local(c, ev, p, "RDATE", t, ts, m->rdate[m->n_rdate++]))
      return -1;
  }
  return 0;
}

/* The end of an event given by DURATION: RFC 5545 3.3.6 makes days and
 * weeks nominal (a day is the same wall-clock time on the next date,
 * whatever the clocks do) and hours, minutes and seconds exact. */
static int64_t end_of_duration(struct icaltimetype ts, struct icaldurationtype d,
                               int64_t start_ms) {
  const int sign = d.is_neg ? -1 : 1;
  ts.day += sign * (int)(d.weeks * 7 + d.days);
  ts = icaltime_normalize(ts);
  const int64_t day_ms = ((d.weeks || d.days) ? (int64_t)icaltime_as_timet_with_zone(
                                                    ts, (icaltimezone *)ts.zone) * 1000
                                              : start_ms);
  return day_ms + sign * ((int64_t)d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000;
}

static int read_event(ctx *c, size_t ev, icalcomponent *ve, pl_meeting_rec *m) {
  icalproperty *p = icalcomponent_get_first_property(ve, ICAL_SUMMARY_PROPERTY);
  const char *title = p && icalproperty_get_summary(p) && *icalproperty_get_summary(p)
                          ? icalproperty_get_summary(p)
                          : "Imported meeting";
  if (copy_text(m->title, sizeof m->title, title))
    return fail(c, ev, "SUMMARY", "longer than 255 bytes, or not UTF-8");
  p = icalcomponent_get_first_property(ve, ICAL_UID_PROPERTY);
  if (p && icalproperty_get_uid(p) &&
      copy_text(m->import_uid, sizeof m->import_uid, icalproperty_get_uid(p)))
    return fail(c, ev, "UID", "longer than 255 bytes, or not UTF-8");
  p = icalcomponent_get_first_property(ve, ICAL_SEQUENCE_PROPERTY);
  m->import_sequence = p && icalproperty_get_sequence(p) > 0 ? icalproperty_get_sequence(p) : 0;

  icalproperty *ps = icalcomponent_get_first_property(ve, ICAL_DTSTART_PROPERTY);
  if (!ps)
    return fail(c, ev, NULL, "DTSTART is missing");
  struct icaltimetype ts, te;
  if (icalproperty_get_dtstart(ps).is_date)
    return fail(c, ev, "DTSTART", "an all-day event (a date without a time) is not a meeting: "
                "give it a start and an end time to import it");
  if (read_when(c, ev, ps, "DTSTART", m->tz, &ts, &m->start_at))
    return -1;
  local_string(m->start, &ts);

  icalproperty *pe = icalcomponent_get_first_property(ve, ICAL_DTEND_PROPERTY);
  icalproperty *pd = icalcomponent_get_first_property(ve, ICAL_DURATION_PROPERTY);
  if (pe) {
    char end_tz[PL_TZ_LEN];
    if (read_when(c, ev, pe, "DTEND", end_tz, &te, &m->end_at))
      return -1;
  } else if (pd) {
    const struct icaldurationtype d = icalproperty_get_duration(pd);
    if (icaldurationtype_is_bad_duration(d))
      return fail(c, ev, "DURATION", "not a duration");
    m->end_at = end_of_duration(ts, d, m->start_at);
    m->end_at -= m->end_at % 60000; /* to the minute, as the local string */
  } else {
    return fail(c, ev, NULL, "DTEND (or DURATION) is missing");
  }
  if (m->end_at <= m->start_at)
    return fail(c, ev, pe ? "DTEND" : "DURATION", "the meeting must end after it starts");
  if (m->end_at - m->start_at > 31LL * 86400000)
    return fail(c, ev, pe ? "DTEND" : "DURATION", "a meeting lasts at most 31 days");
  /* The end in the start's zone (DTEND may name another zone). */
  te = icaltime_from_timet_with_zone((time_t)(m->end_at / 1000), 0, (icaltimezone *)ts.zone);
  local_string(m->end, &te);

  p = icalcomponent_get_first_property(ve, ICAL_LOCATION_PROPERTY);
  if (p && icalproperty_get_location(p) &&
      copy_text(m->location, sizeof m->location, icalproperty_get_location(p)))
    return fail(c, ev, "LOCATION", "longer than 255 bytes, or not UTF-8");

  p = icalcomponent_get_first_property(ve, ICAL_URL_PROPERTY);
  const char *prop = "URL";
  if (!p) {
    p = icalcomponent_get_first_property(ve, ICAL_CONFERENCE_PROPERTY);
    prop = "CONFERENCE";
  }
  if (p) {
    char *url = icalproperty_get_value_as_string_r(p); /* malloc'd: free */
    const bool safe = url && pl_ical_url_is_safe(url);
    const bool web = url && strncasecmp(url, "http://", 7) == 0;
    if (safe)
      snprintf(m->video_url, sizeof m->video_url, "%s", url);
    free(url);
    /* Programs put the event's web page in URL, often over http: that is not
     * the meeting's video link, and a link delegates join by stays https. */
    if (!safe && web)
      note(c, "%s over http is not kept: a meeting's video link must be https", prop);
    else if (!safe)
      return fail(c, ev, prop, "must be an https:// URL without spaces or control characters");
  }

  if (icalcomponent_count_properties(ve, ICAL_RRULE_PROPERTY) > 1)
    return fail(c, ev, "RRULE", "only one RRULE per event");
  p = icalcomponent_get_first_property(ve, ICAL_RRULE_PROPERTY);
  if (p) {
    struct icalrecurrencetype r = icalproperty_get_rrule(p);
    char *s = r.freq == ICAL_NO_RECURRENCE ? NULL : icalrecurrencetype_as_string_r(&r);
    const bool fits = s && strlen(s) < sizeof m->rrule;
    if (fits)
      snprintf(m->rrule, sizeof m->rrule, "%s", s);
    free(s);
    if (!fits)
      return fail(c, ev, "RRULE", "not a valid rule (or longer than 255 bytes)");
    /* held to what meeting.create holds a rule to, UNTIL made UTC */
    char norm[PL_RRULE_LEN], why[200];
    if (pl_rrule_check(m->rrule, m->start, m->tz, norm, sizeof norm, why, sizeof why))
      return fail(c, ev, "RRULE", why);
    memcpy(m->rrule, norm, sizeof norm);
  }
  if (read_dates(c, ev, ve, &ts, m))
    return -1;

  m->pillar = pillar_of(ve);
  m->kind = PL_MEETING_OTHER;
  m->format = m->video_url[0] ? PL_FORMAT_HYBRID : PL_FORMAT_IN_PERSON;
  p = icalcomponent_get_first_property(ve, ICAL_STATUS_PROPERTY);
  m->status = p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED ? PL_STATUS_CANCELLED
                                                                       : PL_STATUS_SCHEDULED;
  pl_policy_default(&m->policy);
  m->items = calloc(1, sizeof *m->items);
  if (!m->items)
    return fail(c, ev, NULL, "out of memory");
  m->n_items = 1;
  snprintf(m->items[0].id, sizeof m->items[0].id, "i1");
  snprintf(m->items[0].title, sizeof m->items[0].title, "General debate");
  m->items[0].kind = PL_ITEM_GENERAL;
  return 0;
}

/* A VEVENT with a RECURRENCE-ID changes one occurrence of the series of the
 * same UID (RFC 5545 3.8.4.4): cancelled, it is an EXDATE of the series;
 * otherwise the occurrence is moved to its DTSTART and DTEND. Its other
 * properties are not kept: a meeting has one title and one place. */
static int read_override(ctx *c, size_t ev, icalcomponent *ve, pl_meeting_rec *m) {
  pl_meeting_rec o;
  memset(&o, 0, sizeof o);
  icaltimezone *zone = pl_ical_zone(m->tz);
  struct icaltimetype ms = icaltime_from_timet_with_zone((time_t)(m->start_at / 1000), 0, zone);
  ms.zone = zone;
  char of[PL_LOCAL_LEN];
  icalproperty *rid = icalcomponent_get_first_property(ve, ICAL_RECURRENCEID_PROPERTY);
  if (series_local(c, ev, rid, "RECURRENCE-ID", icalproperty_get_recurrenceid(rid), &ms, of))
    return -1;
  icalproperty *p = icalcomponent_get_first_property(ve, ICAL_STATUS_PROPERTY);
  if (p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED) {
    if (m->n_exdate == PL_DATES_MAX)
      return fail(c, ev, "RECURRENCE-ID", "more than 64 excluded dates");
    memcpy(m->exdate[m->n_exdate++], of, PL_LOCAL_LEN);
    return 0;
  }
  if (m->n_moved == PL_MOVES_MAX)
    return fail(c, ev, "RECURRENCE-ID", "more than 32 occurrences moved");
  int rc = read_event(c, ev, ve, &o);
  if (rc == 0) {
    pl_moved *mv = &m->moved[m->n_moved++];
    memcpy(mv->of, of, PL_LOCAL_LEN);
    /* in the series' zone, whatever zone the override was written in */
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)(o.start_at / 1000), 0,
                                                          pl_ical_zone(m->tz));
    local_string(mv->start, &t);
    t = icaltime_from_timet_with_zone((time_t)(o.end_at / 1000), 0, pl_ical_zone(m->tz));
    local_string(mv->end, &t);
  }
  pl_meeting_rec_release(&o);
  return rc;
}

/* An X-LIC-ERROR for a property with no value ("LOCATION:", which Google
 * writes for every event without a place): libical drops the property, and
 * so it is read as absent, as its writer meant. */
static bool is_empty_value(icalproperty *xe) {
  const char *v = icalproperty_get_xlicerror(xe);
  return v && strncmp(v, "No value for ", 13) == 0;
}

/* The first X-LIC-ERROR anywhere under c that is not for an empty value,
 * or NULL. */
static icalproperty *first_error(icalcomponent *comp, size_t *ev, size_t *n_ev) {
  for (icalproperty *own = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY);
       own; own = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY))
    if (!is_empty_value(own))
      return own;
  for (icalcomponent *k = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); k;
       k = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
    const bool is_ev = icalcomponent_isa(k) == ICAL_VEVENT_COMPONENT;
    icalproperty *p = first_error(k, ev, n_ev);
    if (p) {
      if (is_ev)
        *ev = *n_ev;
      return p;
    }
    *n_ev += is_ev;
  }
  return NULL;
}

/* libical's X-LIC-ERROR texts say "... in DTSTART property. ...": the
 * property's name, so that the message can give its line. */
static bool error_property(const char *msg, char *prop, size_t cap) {
  const char *end = msg ? strstr(msg, " property") : NULL;
  if (!end)
    return false;
  const char *b = end;
  while (b > msg && (isupper((unsigned char)b[-1]) || b[-1] == '-'))
    b--;
  const size_t n = (size_t)(end - b);
  if (n == 0 || n >= cap || b == msg || b[-1] != ' ')
    return false;
  memcpy(prop, b, n);
  prop[n] = 0;
  return true;
}

/* Strips what is not printable ASCII from a message: they quote the input
 * (libical's texts, zone names), and any JSON encoder must take them. */
static void printable(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
      *s = '?';
}

/* The series (an entry of evs that is not skipped) with this UID, or NULL. */
static pl_ical_event *series_of(pl_ical_event *evs, size_t n, const char *uid) {
  for (size_t i = 0; uid && *uid && i < n; i++)
    if (!evs[i].skipped && strcmp(evs[i].rec.import_uid, uid) == 0)
      return &evs[i];
  return NULL;
}

/* Reads each VEVENT into evs[*n]: the series first, in the file's order,
 * then each override into its series (or, when it cannot be, as a skipped
 * entry of its own). */
static void read_events(ctx *c, icalcomponent *root, pl_ical_event *evs, size_t *n) {
  for (int pass = 0; pass < 2; pass++) {
    size_t ev = 0;
    for (icalcomponent *ve = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
         ve; ve = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT), ev++) {
      const bool override =
          icalcomponent_get_first_property(ve, ICAL_RECURRENCEID_PROPERTY) != NULL;
      if (override != (pass == 1))
        continue;
      pl_ical_event *e = &evs[*n];
      c->err = e->why, c->errlen = sizeof e->why;
      c->note = e->note, c->notelen = sizeof e->note;
      if (!override) {
        e->skipped = read_event(c, ev, ve, &e->rec) != 0;
        if (!e->skipped && series_of(evs, *n, e->rec.import_uid)) {
          e->skipped = true;
          fail(c, ev, "UID", "a second event with the UID of an earlier one");
        }
      } else {
        icalproperty *u = icalcomponent_get_first_property(ve, ICAL_UID_PROPERTY);
        pl_ical_event *s = series_of(evs, *n, u ? icalproperty_get_uid(u) : NULL);
        if (s) {
          c->note = s->note, c->notelen = sizeof s->note;
          if (read_override(c, ev, ve, &s->rec) == 0)
            continue;
        } else {
          fail(c, ev, "RECURRENCE-ID", "changes an occurrence of a series that is not in the "
               "file or was skipped");
        }
        e->skipped = true;
        icalproperty *t = icalcomponent_get_first_property(ve, ICAL_SUMMARY_PROPERTY);
        if (t && icalproperty_get_summary(t))
          copy_text(e->rec.title, sizeof e->rec.title, icalproperty_get_summary(t));
        if (u && icalproperty_get_uid(u))
          copy_text(e->rec.import_uid, sizeof e->rec.import_uid, icalproperty_get_uid(u));
      }
      if (e->skipped) {
        pl_meeting_rec_release(&e->rec);
        printable(e->why);
      }
      printable(e->note);
      (*n)++;
    }
  }
}

void pl_ical_events_free(pl_ical_event *evs, size_t n) {
  for (size_t i = 0; evs && i < n; i++)
    pl_meeting_rec_release(&evs[i].rec);
  free(evs);
}

int pl_ical_import(const char *ics, size_t len, pl_ical_event **out, size_t *n_out, char *err,
                   size_t errlen) {
  *out = NULL;
  *n_out = 0;
  snprintf(err, errlen, "internal error");
  if (len > MAX_BYTES || memchr(ics, 0, len)) {
    snprintf(err, errlen, "ics: more than 4 MiB, or a NUL byte");
    return -1;
  }
  char *text = pl_ical_unquote(ics, len);
  if (!text)
    return -1;
  ctx c = {.ics = text, .err = err, .errlen = errlen};
  pl_ical_event *evs = NULL;
  size_t n = 0;
  int rc = -1;
  icalcomponent *root = icalparser_parse_string(text);
  if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
    snprintf(err, errlen, "ics: not a single VCALENDAR (line 1 must be BEGIN:VCALENDAR)");
    goto out;
  }
  size_t ev_err = (size_t)-1, n_ev = 0;
  icalproperty *xe = first_error(root, &ev_err, &n_ev);
  if (xe) {
    char *v = icalproperty_get_value_as_string_r(xe); /* malloc'd: free */
    char prop[32];
    if (ev_err != (size_t)-1 && error_property(v, prop, sizeof prop))
      fail(&c, ev_err, prop, v);
    else if (ev_err != (size_t)-1)
      snprintf(err, errlen, "event %zu: %s", ev_err + 1, v ? v : "parse error");
    else
      snprintf(err, errlen, "ics: %s", v ? v : "parse error");
    free(v);
    goto out;
  }
  const size_t total = (size_t)icalcomponent_count_components(root, ICAL_VEVENT_COMPONENT);
  if (total == 0 || total > MAX_EVENTS) {
    snprintf(err, errlen, "ics: %s", total ? "more than 1000 VEVENTs" : "no VEVENT");
    goto out;
  }
  evs = calloc(total, sizeof *evs);
  if (!evs)
    goto out;
  read_events(&c, root, evs, &n);
  if (c.malformed) {
    snprintf(err, errlen, "%s", c.malformed);
    pl_ical_events_free(evs, n);
    evs = NULL;
    goto out;
  }
  *out = evs;
  *n_out = n;
  evs = NULL;
  rc = 0;
  err[0] = 0;
out:
  printable(err);
  free(evs);
  if (root)
    icalcomponent_free(root);
  free(text);
  return rc;
}
