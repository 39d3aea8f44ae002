/*
 * Feed rendering (ical.h).
 *
 * VEVENTs are written here, line by line, and VTIMEZONEs by libical. A
 * libical component tree serialised by libical took 22 ms for 1,000
 * meetings (its folding appends one char at a time, and every property is
 * a heap object), over the 20 ms target; writing the events directly takes
 * a few. What that writer must get right is small and tested by reading the
 * output back with libical, ical.js and icalendar:
 *  - TEXT values escape backslash, semicolon, comma and newline (RFC 5545
 *    3.3.11); other control bytes are dropped before, CR LF becomes LF;
 *  - lines fold at 75 octets with CRLF + space, never inside a UTF-8
 *    sequence (3.1);
 *  - DTSTART/DTEND carry TZID (a bare IANA name, matched by a VTIMEZONE in
 *    the file) or are UTC with "Z": never floating;
 *  - URI values (URL, CONFERENCE) are not escapable, so they are checked
 *    (pl_ical_url_is_safe) and left out when unsafe;
 *  - the RRULE is re-written by libical from its parse, so what was stored
 *    cannot carry anything but a rule.
 * VTIMEZONEs are libical's system zones cloned with TZID set to the bare
 * IANA name (LIBRARY-NOTES 5) and cut to the dates used.
 */
#include "cal/ical.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "cal/ical_tz.h"
#include "cal/tz.h"

#define PRODID "-//Plenary//Plenary meetings 1.0//EN"
/* UID domain: the same for every deployment and host name, so a move of the
 * server never duplicates events; created_at in the UID keeps two
 * deployments' "m1" apart. */
#define UID_DOMAIN "plenary.meetings"

bool pl_ical_url_is_safe(const char *url) {
  if (!url || strncmp(url, "https://", 8) != 0)
    return false;
  const size_t n = strlen(url);
  if (n <= 8 || n >= PL_URL_LEN || url[8] == '/' || url[8] == '?' || url[8] == '#')
    return false;
  for (size_t i = 0; i < n; i++) {
    const unsigned char c = (unsigned char)url[i];
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
      return false;
  }
  return true;
}

void pl_ical_etag(const char *body, size_t len, char *out) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)body[i];
    h *= 1099511628211ULL;
  }
  snprintf(out, 19, "\"%016llx\"", (unsigned long long)h);
}

int64_t pl_ical_last_modified(const pl_meeting_rec *meetings, size_t n) {
  int64_t t = 0;
  for (size_t i = 0; i < n; i++)
    t = meetings[i].updated_at > t ? meetings[i].updated_at : t;
  return t;
}

/* Per-render lookups: libical finds a builtin zone by a linear strcmp over
 * ~600 names, a fifth of a 1,000-meeting feed's time before this cache. */
#define ZCACHE 16
typedef struct rctx {
  struct {
    const char *name; /* borrowed from a meeting or the caller */
    icaltimezone *zone;
  } z[ZCACHE];
  size_t nz, next;
} rctx;

static icaltimezone *zone_of(rctx *r, const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < r->nz; i++)
    if (strcmp(r->z[i].name, name) == 0)
      return r->z[i].zone;
  icaltimezone *zone = pl_ical_zone(name);
  if (zone) { /* round robin once full: feeds rarely use 16 zones */
    const size_t i = r->nz < ZCACHE ? r->nz++ : r->next++ % ZCACHE;
    r->z[i].name = name;
    r->z[i].zone = zone;
  }
  return zone;
}

static struct icaltimetype utc_time(int64_t ms) {
  return icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, icaltimezone_get_utc_timezone());
}

/* "10:00–13:00 Europe/Zurich (Tue 9 Mar 2027)", or with both dates when the
 * meeting crosses midnight in that zone. */
static void describe_span(rctx *r, char *buf, size_t len, int64_t start_ms, int64_t end_ms,
                          const char *tz) {
  static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  icaltimezone *zone = zone_of(r, tz);
  char day[2][32];
  int hh[2], mm[2];
  int32_t dn[2];
  for (int i = 0; i < 2; i++) {
    const int64_t ms = i ? end_ms : start_ms;
    const int64_t local = ms + (zone ? (int64_t)pl_ical_offset_at(zone, ms / 1000) * 1000 : 0);
    dn[i] = pl_sched_day_of(local);
    int32_t y, m, d;
    pl_sched_civil_from_days(dn[i], &y, &m, &d);
    const int64_t sod = (local - (int64_t)dn[i] * 86400000LL) / 60000;
    hh[i] = (int)(sod / 60);
    mm[i] = (int)(sod % 60);
    snprintf(day[i], sizeof day[i], "%s %d %s %d", wd[pl_sched_weekday(dn[i])], (int)d,
             mo[m - 1], (int)y);
  }
  if (dn[0] == dn[1])
    snprintf(buf, len, "%02d:%02d\u2013%02d:%02d %s (%s)", hh[0], mm[0], hh[1], mm[1], tz,
             day[0]);
  else
    snprintf(buf, len, "%02d:%02d (%s)\u2013%02d:%02d (%s) %s", hh[0], mm[0], day[0], hh[1],
             mm[1], day[1], tz);
}

/* ---- The writer: a growing buffer of folded content lines ---- */

typedef struct out {
  char *p; /* owned, malloc'd: handed to the caller at the end */
  size_t n, cap;
  size_t col; /* octets on the current physical line */
  bool oom;
} out;

static void grow(out *o, size_t more) {
  if (o->oom || o->n + more + 1 <= o->cap)
    return;
  size_t cap = o->cap ? o->cap : 4096;
  while (cap < o->n + more + 1)
    cap *= 2;
  char *p = realloc(o->p, cap);
  if (!p) {
    o->oom = true;
    return;
  }
  o->p = p;
  o->cap = cap;
}

/* Appends raw bytes (already folded text, such as libical's output). */
static void raw(out *o, const char *s, size_t len) {
  grow(o, len);
  if (o->oom)
    return;
  memcpy(o->p + o->n, s, len);
  o->n += len;
  o->p[o->n] = 0;
}

/* Appends one octet of a content line, folding first when the line is
 * full: at most 75 octets a line, and a UTF-8 continuation byte stays with
 * the byte before it (the sequence moves whole to the next line). */
static void octet(out *o, unsigned char c, size_t seq_left) {
  if (o->col + 1 + seq_left > 75 && (c & 0xC0) != 0x80) {
    raw(o, "\r\n ", 3);
    o->col = 1;
  }
  grow(o, 1);
  if (o->oom)
    return;
  o->p[o->n++] = (char)c;
  o->p[o->n] = 0;
  o->col++;
}

/* Octets still to come in the UTF-8 sequence that lead byte c starts. */
static size_t utf8_tail(unsigned char c) {
  return c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
}

static void put(out *o, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    octet(o, *p, utf8_tail(*p));
}

/* TEXT (RFC 5545 3.3.11): escapes \ ; , and newline; CR LF and lone CR are
 * a newline; every other control byte is dropped, since a raw CR or LF is
 * the only way out of a property and the rest is not text. */
static void put_text(out *o, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if (c == '\r') {
      if (p[1] == '\n')
        continue;
      c = '\n';
    }
    if (c == '\\' || c == ';' || c == ',' || c == '\n') {
      octet(o, '\\', 1);
      octet(o, c == '\n' ? 'n' : c, 0);
    } else if (c >= 0x20 && c != 0x7f) {
      octet(o, c, utf8_tail(c));
    } else if (c == '\t') {
      octet(o, ' ', 0);
    }
  }
}

static void end_line(out *o) {
  raw(o, "\r\n", 2);
  o->col = 0;
}

/* NAME:value, the value escaped as TEXT; nothing for an empty value. */
static void prop_text(out *o, const char *name, const char *v) {
  if (!v || !*v)
    return;
  put(o, name);
  put(o, ":");
  put_text(o, v);
  end_line(o);
}

/* NAME:value, written as is: only for values built here or checked. */
static void prop_raw(out *o, const char *name, const char *v) {
  put(o, name);
  put(o, ":");
  put(o, v);
  end_line(o);
}

static void prop_utc(out *o, const char *name, int64_t ms) {
  const struct icaltimetype t = utc_time(ms);
  char v[32];
  snprintf(v, sizeof v, "%04d%02d%02dT%02d%02d%02dZ", t.year, t.month, t.day, t.hour,
           t.minute, t.second);
  prop_raw(o, name, v);
}

/* True for a zone that is UTC under another name ("GMT", "Etc/UTC"):
 * libical hands back its UTC zone for those, which has no VTIMEZONE to
 * write, so their times are written in UTC with "Z" (a meeting in "GMT"
 * made every feed that held it fail). */
static bool is_utc(const char *tz) {
  return strcmp(tz, "UTC") == 0 || pl_ical_zone(tz) == icaltimezone_get_utc_timezone();
}

/* DTSTART/DTEND from a stored "2027-03-09T10:00": with TZID=<IANA name>, or
 * "Z" in UTC. False when the stored value is not a real date-time. */
static bool prop_local(out *o, const char *name, const char *local, const char *tz) {
  int32_t days;
  char date[11], v[32];
  if (strlen(local) != 16 || local[10] != 'T' || local[13] != ':')
    return false;
  memcpy(date, local, 10);
  date[10] = 0;
  if (!pl_sched_parse_date(date, &days))
    return false;
  for (int i = 11; i < 16; i++)
    if (i != 13 && (local[i] < '0' || local[i] > '9'))
      return false;
  if (local[11] > '2' || (local[11] == '2' && local[12] > '3') || local[14] > '5')
    return false;
  snprintf(v, sizeof v, "%.4s%.2s%.2sT%.2s%.2s00%s", local, local + 5, local + 8, local + 11,
           local + 14, is_utc(tz) ? "Z" : "");
  put(o, name);
  if (!is_utc(tz)) { /* names passed pl_ical_zone: no quoting needed */
    put(o, ";TZID=");
    put(o, tz);
  }
  put(o, ":");
  put(o, v);
  end_line(o);
  return true;
}

/* The times of [start_ms, end_ms) in the meeting's zone and the viewer's;
 * `series` for the first of a series, false for one occurrence of it. */
static void add_description(out *o, rctx *r, const pl_meeting_rec *m, int64_t start_ms,
                            int64_t end_ms, bool series, const char *viewer_tz) {
  char when[160], theirs[160], text[640 + PL_MAX_CHANNELS * (PL_CHANNEL_URL_LEN + 24)];
  describe_span(r, when, sizeof when, start_ms, end_ms, m->tz);
  if (viewer_tz && *viewer_tz && strcmp(viewer_tz, m->tz) != 0 && zone_of(r, viewer_tz)) {
    describe_span(r, theirs, sizeof theirs, start_ms, end_ms, viewer_tz);
    snprintf(text, sizeof text, "%s; %s for your delegation", when, theirs);
  } else {
    snprintf(text, sizeof text, "%s", when);
  }
  if (series)
    strncat(text, "\n(the first meeting of a series; it repeats at the same local time)",
            sizeof text - strlen(text) - 1);
  else if (m->rrule[0] || m->n_rdate)
    strncat(text, "\n(one meeting of a series, held at another time)",
            sizeof text - strlen(text) - 1);
  if (m->status == PL_STATUS_CANCELLED)
    strncat(text, "\nThis meeting is cancelled.", sizeof text - strlen(text) - 1);
  /* The interpretation channels, one a line: the calendar is where a remote
   * delegate looks for how to listen. */
  if (m->n_channels)
    strncat(text, "\nInterpretation channels:", sizeof text - strlen(text) - 1);
  for (size_t i = 0; i < m->n_channels && i < PL_MAX_CHANNELS; i++) {
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "\n%s: %s", m->channels[i].language,
             m->channels[i].url);
  }
  prop_text(o, "DESCRIPTION", text);
}

/* ORGANIZER;CN="name":mailto:... A PUBLISH needs an organizer (RFC 5546
 * 3.2.1); there is no mailbox behind it, so the address is in .invalid
 * (RFC 2606) and the name is what calendar programs show. A parameter
 * value cannot hold a DQUOTE or a control character: those are dropped. */
static void prop_organizer(out *o, const char *name) {
  char cn[PL_NAME_LEN];
  size_t n = 0;
  for (const char *c = name; *c && n + 1 < sizeof cn; c++)
    if (*c != '"' && (unsigned char)*c >= 0x20 && *c != 0x7f)
      cn[n++] = *c;
  cn[n] = '\0';
  put(o, "ORGANIZER;CN=\"");
  put(o, cn);
  put(o, "\":mailto:noreply@plenary.invalid");
  end_line(o);
}

/* A reminder `minutes` before the start, for a subscriber who asked. */
static void write_alarm(out *o, const pl_meeting_rec *m, int minutes) {
  char trigger[24];
  snprintf(trigger, sizeof trigger, "-PT%dM", minutes);
  prop_raw(o, "BEGIN", "VALARM");
  prop_raw(o, "ACTION", "DISPLAY");
  prop_text(o, "DESCRIPTION", m->title[0] ? m->title : "Meeting");
  prop_raw(o, "TRIGGER", trigger);
  prop_raw(o, "END", "VALARM");
}

/* The lines of a VEVENT after its times, the same for a series and for
 * each of its moved occurrences. */
static void write_details(out *o, rctx *r, const pl_meeting_rec *m, const pl_ical_feed *f,
                          int64_t start_ms, int64_t end_ms, bool series) {
  char seq[16];
  snprintf(seq, sizeof seq, "%d", (int)m->sequence);
  prop_raw(o, "SEQUENCE", seq);
  prop_raw(o, "STATUS", m->status == PL_STATUS_CANCELLED ? "CANCELLED" : "CONFIRMED");
  prop_text(o, "SUMMARY", m->title[0] ? m->title : "Meeting");
  prop_text(o, "LOCATION", m->location);
  add_description(o, r, m, start_ms, end_ms, series, f->viewer_tz);
  if (m->pillar >= 0 && (size_t)m->pillar < pl_pillar_count)
    prop_text(o, "CATEGORIES", pl_pillar_names[m->pillar]);
  if (m->video_url[0] && pl_ical_url_is_safe(m->video_url)) {
    prop_raw(o, "URL", m->video_url);
    prop_raw(o, "CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Join the meeting", m->video_url);
  } else if (f->base_url && *f->base_url) {
    char url[PL_URL_LEN + PL_ID_LEN + 32];
    snprintf(url, sizeof url, "%s/#/meetings/%s", f->base_url, m->id);
    if (pl_ical_url_is_safe(url))
      prop_raw(o, "URL", url);
  }
  if (f->organizer && *f->organizer)
    prop_organizer(o, f->organizer);
  if (f->alarm_min > 0 && m->status != PL_STATUS_CANCELLED)
    write_alarm(o, m, f->alarm_min);
  prop_raw(o, "END", "VEVENT");
}

static void write_head(out *o, const pl_meeting_rec *m, const char *uid) {
  prop_raw(o, "BEGIN", "VEVENT");
  prop_text(o, "UID", uid);
  prop_utc(o, "DTSTAMP", m->updated_at);
  prop_utc(o, "CREATED", m->created_at);
  prop_utc(o, "LAST-MODIFIED", m->updated_at);
}

/* The occurrences the rule does not give and those it gives but are not
 * held, as RDATE and EXDATE in the meeting's zone. */
static bool write_dates(out *o, const pl_meeting_rec *m) {
  bool ok = true;
  for (size_t i = 0; ok && i < m->n_rdate; i++)
    ok = prop_local(o, "RDATE", m->rdate[i], m->tz);
  for (size_t i = 0; ok && i < m->n_exdate; i++)
    ok = prop_local(o, "EXDATE", m->exdate[i], m->tz);
  return ok;
}

/* One VEVENT, and one more for each occurrence held at another time (the
 * same UID, its RECURRENCE-ID the time the rule gives it). Returns false
 * for a meeting whose stored times are broken. */
static bool write_event(out *o, rctx *r, const pl_meeting_rec *m, const pl_ical_feed *f) {
  char uid[PL_ID_LEN + 64];
  snprintf(uid, sizeof uid, "%s-%lld@" UID_DOMAIN, m->id, (long long)m->created_at);
  write_head(o, m, uid);
  /* A local time the clocks pass twice is the first by RFC 5545, but
   * readers pick either (icalendar through pytz takes the second): a
   * meeting that does not repeat is then written in UTC, which every reader
   * reads alike. A series keeps its local times, which its rule needs. */
  const bool series = m->rrule[0] || m->n_rdate;
  pl_local_kind ks = PL_LOCAL_ONCE, ke = PL_LOCAL_ONCE;
  int64_t unused;
  if (!series) {
    pl_local_to_utc_ex(m->start, m->tz, &unused, &ks);
    pl_local_to_utc_ex(m->end, m->tz, &unused, &ke);
  }
  if (ks == PL_LOCAL_TWICE || ke == PL_LOCAL_TWICE) {
    prop_utc(o, "DTSTART", m->start_at);
    prop_utc(o, "DTEND", m->end_at);
  } else if (!prop_local(o, "DTSTART", m->start, m->tz) ||
             !prop_local(o, "DTEND", m->end, m->tz)) {
    return false;
  }
  if (m->rrule[0]) {
    /* the ops layer validated it; a rule libical cannot read is left out
     * rather than break the whole feed */
    struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
    char *v = rule.freq != ICAL_NO_RECURRENCE ? icalrecurrencetype_as_string_r(&rule) : NULL;
    if (v && !strpbrk(v, "\r\n"))
      prop_raw(o, "RRULE", v);
    free(v); /* malloc'd by libical */
  }
  if (!write_dates(o, m))
    return false;
  write_details(o, r, m, f, m->start_at, m->end_at, series);
  for (size_t i = 0; i < m->n_moved; i++) {
    const pl_moved *mv = &m->moved[i];
    int64_t a, b;
    if (pl_local_to_utc(mv->start, m->tz, &a) || pl_local_to_utc(mv->end, m->tz, &b))
      return false;
    write_head(o, m, uid);
    if (!prop_local(o, "RECURRENCE-ID", mv->of, m->tz) ||
        !prop_local(o, "DTSTART", mv->start, m->tz) || !prop_local(o, "DTEND", mv->end, m->tz))
      return false;
    write_details(o, r, m, f, a, b, false);
  }
  return true;
}

/* One zone used by the feed and the instants it must cover. */
typedef struct zone_use {
  const char *name; /* borrowed from a meeting */
  int64_t first_ms, last_ms;
  bool open_ended; /* a series: keep the rules to the end */
} zone_use;

/* Two ways a truncated VTIMEZONE, right by RFC 5545, was read wrong
 * (found by the all-zones test, tests/integration/test_zones.py):
 *  - a STANDARD or DAYLIGHT with RDATEs: ical.js (the parser of Thunderbird)
 *    takes only the RDATEs as onsets, not the DTSTART that RFC 5545 makes
 *    the first one, so Africa/Casablanca's first Ramadan change was missed
 *    and meetings were an hour off for weeks. The DTSTART is listed among
 *    the RDATEs too.
 *  - a yearly RRULE whose UTC UNTIL is exactly its last onset: dateutil
 *    compares that UNTIL with the local onset as if it were local time, and
 *    dropped Cairo's October 2029 change. UNTIL is moved a day later, which
 *    no yearly rule can reach: the onsets stay the same for every reader. */
static void for_every_reader(icalcomponent *vtz) {
  for (icalcomponent *c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
    icalproperty *start = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    icalproperty *first = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY);
    icalproperty *rule = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
    if (rule) {
      struct icalrecurrencetype r = icalproperty_get_rrule(rule);
      if (r.freq == ICAL_YEARLY_RECURRENCE && !icaltime_is_null_time(r.until)) {
        struct icaldurationtype day = icaldurationtype_from_int(86400);
        r.until = icaltime_add(r.until, day);
        icalproperty_set_rrule(rule, r);
      }
    }
    if (!first || !start)
      continue;
    struct icaltimetype onset = icalproperty_get_dtstart(start);
    bool listed = false;
    for (icalproperty *p = first; p && !listed;
         p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY))
      listed = icaltime_compare(icalproperty_get_rdate(p).time, onset) == 0;
    if (!listed) {
      struct icaldatetimeperiodtype dtp = {.time = onset, .period = icalperiodtype_null_period()};
      icalcomponent_add_property(c, icalproperty_new_rdate(dtp));
    }
  }
}

static icalcomponent *make_vtimezone(const zone_use *u) {
  icaltimezone *zone = pl_ical_zone(u->name);
  if (!zone)
    return NULL;
  icalcomponent *orig = icaltimezone_get_component(zone); /* libical's: never free */
  if (!orig)
    return NULL;
  icalcomponent *vtz = icalcomponent_new_clone(orig);
  if (!vtz)
    return NULL;
  icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
  if (tzid)
    icalproperty_set_tzid(tzid, u->name);
  /* A day's margin each side: clients look up the offset of the local
   * date-time, which can sit up to a day from the UTC instant. */
  struct icaltimetype end =
      u->open_ended ? icaltime_null_time() : utc_time(u->last_ms + 86400000LL);
  icaltimezone_truncate_vtimezone(vtz, utc_time(u->first_ms - 86400000LL), end, 0);
  for_every_reader(vtz);
  return vtz;
}

char *pl_ical_render_feed(const pl_meeting_rec *meetings, size_t n, const char *calname,
                          const char *viewer_tz, const char *base_url, size_t *len_out) {
  pl_ical_feed f = {.calname = calname, .viewer_tz = viewer_tz, .base_url = base_url};
  return pl_ical_render(meetings, n, &f, len_out);
}

char *pl_ical_render(const pl_meeting_rec *meetings, size_t n, const pl_ical_feed *f,
                     size_t *len_out) {
  const char *calname = f->calname, *viewer_tz = f->viewer_tz;
  out o = {0};
  rctx r = {.nz = 0};
  zone_use *zones = calloc(n + 1, sizeof *zones);
  size_t nz = 0;
  bool ok = zones != NULL;
  prop_raw(&o, "BEGIN", "VCALENDAR");
  prop_raw(&o, "PRODID", PRODID);
  prop_raw(&o, "VERSION", "2.0");
  prop_raw(&o, "CALSCALE", "GREGORIAN");
  prop_raw(&o, "METHOD", "PUBLISH");
  prop_text(&o, "X-WR-CALNAME", calname && *calname ? calname : "Plenary");
  /* RFC 7986's names for what Google and Apple read from X-WR-*, and how
   * often to come back (Outlook reads X-PUBLISHED-TTL). */
  prop_text(&o, "NAME", calname && *calname ? calname : "Plenary");
  prop_raw(&o, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
  prop_raw(&o, "X-PUBLISHED-TTL", "PT1H");
  prop_raw(&o, "COLOR", "steelblue");
  if (viewer_tz && zone_of(&r, viewer_tz))
    prop_raw(&o, "X-WR-TIMEZONE", viewer_tz);
  for (size_t i = 0; ok && i < n; i++) {
    const pl_meeting_rec *m = &meetings[i];
    ok = zone_of(&r, m->tz) != NULL;
    if (!ok || is_utc(m->tz))
      continue; /* UTC times are written with "Z" and need no VTIMEZONE */
    size_t z = 0;
    while (z < nz && strcmp(zones[z].name, m->tz) != 0)
      z++;
    if (z == nz)
      zones[nz++] = (zone_use){.name = m->tz, .first_ms = m->start_at, .last_ms = m->end_at};
    if (m->start_at < zones[z].first_ms)
      zones[z].first_ms = m->start_at;
    if (m->end_at > zones[z].last_ms)
      zones[z].last_ms = m->end_at;
    /* RDATEs and moved occurrences may lie anywhere: keep the rules to the end */
    zones[z].open_ended |= m->rrule[0] || m->n_rdate || m->n_moved;
    for (size_t k = 0; k < m->n_rdate + m->n_moved; k++) {
      int64_t at;
      const char *t = k < m->n_rdate ? m->rdate[k] : m->moved[k - m->n_rdate].start;
      if (pl_local_to_utc(t, m->tz, &at) == 0 && at < zones[z].first_ms)
        zones[z].first_ms = at;
    }
  }
  for (size_t z = 0; ok && z < nz; z++) {
    icalcomponent *vtz = make_vtimezone(&zones[z]);
    char *text = vtz ? icalcomponent_as_ical_string_r(vtz) : NULL; /* malloc'd: free */
    ok = text != NULL;
    if (ok)
      raw(&o, text, strlen(text));
    free(text);
    if (vtz)
      icalcomponent_free(vtz);
  }
  for (size_t i = 0; ok && i < n; i++)
    ok = write_event(&o, &r, &meetings[i], f);
  prop_raw(&o, "END", "VCALENDAR");
  free(zones);
  if (!ok || o.oom) {
    free(o.p);
    return NULL;
  }
  if (len_out)
    *len_out = o.n;
  return o.p; /* malloc'd here: the caller frees */
}

char *pl_ical_render_meeting(const pl_meeting_rec *m, const char *viewer_tz,
                             const char *base_url, size_t *len_out) {
  return pl_ical_render_feed(m, 1, m->title, viewer_tz, base_url, len_out);
}
