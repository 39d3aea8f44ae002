/*
 * Feed rendering (ical.h). Built as a libical component tree and serialised
 * once, because libical knows RFC 5545's escaping and line folding; we add
 * what it does not do by itself (LIBRARY-NOTES 5):
 *  - DTSTART/DTEND get an explicit TZID parameter (libical would otherwise
 *    write floating times that every client reads in its own zone);
 *  - VTIMEZONEs are libical's system zones cloned with TZID set to the bare
 *    IANA name (clients match it to their own zone database) and cut to
 *    the dates used;
 *  - URI and X-property values are not escaped by libical, so URLs are
 *    checked (pl_ical_url_is_safe) and X values stripped of control bytes;
 *    TEXT values are stripped of control bytes libical lets through.
 */
#include "ical.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "ical_tz.h"

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

/* Copies s into a malloc'd string with every control byte but LF (and TAB,
 * which is harmless) turned into a space; CR LF and lone CR become LF.
 * `oneline` turns LF into a space too (X-props, which libical does not
 * escape). Caller frees; NULL out of memory. */
static char *clean_text(const char *s, bool oneline) {
  const size_t n = strlen(s);
  char *o = malloc(n + 1), *p = o;
  if (!o)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r') {
      if (s[i + 1] == '\n')
        continue;
      c = '\n';
    }
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (oneline && c == '\n'))
      c = ' ';
    *p++ = (char)c;
  }
  *p = 0;
  return o;
}

/* Adds a TEXT-valued property made by `make` from cleaned text; empty values
 * are left out. Returns 0, or -1 out of memory. */
static int add_text(icalcomponent *c, icalproperty *(*make)(const char *), const char *v) {
  if (!v || !*v)
    return 0;
  char *t = clean_text(v, false);
  if (!t)
    return -1;
  icalproperty *p = make(t);
  free(t);
  if (!p)
    return -1;
  icalcomponent_add_property(c, p);
  return 0;
}

static int add_x(icalcomponent *c, const char *name, const char *v) {
  char *t = clean_text(v, true);
  if (!t)
    return -1;
  icalproperty *p = icalproperty_new_x(t);
  free(t);
  if (!p)
    return -1;
  icalproperty_set_x_name(p, name);
  icalcomponent_add_property(c, p);
  return 0;
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

/* "2027-03-09T10:00" as an icaltime in `zone`; false when malformed. */
static bool local_time(const char *s, icaltimezone *zone, struct icaltimetype *t) {
  int32_t days;
  char date[11];
  if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':')
    return false;
  memcpy(date, s, 10);
  date[10] = 0;
  if (!pl_sched_parse_date(date, &days) || s[11] < '0' || s[11] > '2' || s[12] < '0' ||
      s[12] > '9' || s[14] < '0' || s[14] > '5' || s[15] < '0' || s[15] > '9')
    return false;
  *t = icaltime_null_time();
  pl_sched_civil_from_days(days, &t->year, &t->month, &t->day);
  t->hour = (s[11] - '0') * 10 + (s[12] - '0');
  t->minute = (s[14] - '0') * 10 + (s[15] - '0');
  t->is_date = 0;
  t->zone = zone;
  return t->hour < 24;
}

/* DTSTART or DTEND with its TZID parameter (or as UTC "Z" for UTC). */
static int add_when(rctx *r, icalcomponent *ev, bool is_start, const char *local,
                    const char *tz) {
  icaltimezone *zone = zone_of(r, tz);
  struct icaltimetype t;
  if (!zone || !local_time(local, zone, &t))
    return -1;
  const bool utc = zone == icaltimezone_get_utc_timezone();
  icalproperty *p = is_start ? icalproperty_new_dtstart(t) : icalproperty_new_dtend(t);
  if (!p)
    return -1;
  if (!utc)
    icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
  icalcomponent_add_property(ev, p);
  return 0;
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

static int add_description(rctx *r, icalcomponent *ev, const pl_meeting_rec *m,
                           const char *viewer_tz) {
  char when[160], theirs[160], text[640];
  describe_span(r, when, sizeof when, m->start_at, m->end_at, m->tz);
  if (viewer_tz && *viewer_tz && strcmp(viewer_tz, m->tz) != 0 && zone_of(r, viewer_tz)) {
    describe_span(r, theirs, sizeof theirs, m->start_at, m->end_at, viewer_tz);
    snprintf(text, sizeof text, "%s; %s for your delegation", when, theirs);
  } else {
    snprintf(text, sizeof text, "%s", when);
  }
  if (m->rrule[0])
    strncat(text, "\n(the first meeting of a series; it repeats at the same local time)",
            sizeof text - strlen(text) - 1);
  if (m->status == PL_STATUS_CANCELLED)
    strncat(text, "\nThis meeting is cancelled.", sizeof text - strlen(text) - 1);
  return add_text(ev, icalproperty_new_description, text);
}

static icalcomponent *make_event(rctx *r, const pl_meeting_rec *m, const char *viewer_tz,
                                 const char *base_url) {
  icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  char uid[PL_ID_LEN + 64];
  if (!ev)
    return NULL;
  snprintf(uid, sizeof uid, "%s-%lld@" UID_DOMAIN, m->id, (long long)m->created_at);
  icalcomponent_add_property(ev, icalproperty_new_uid(uid));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(m->updated_at)));
  icalcomponent_add_property(ev, icalproperty_new_created(utc_time(m->created_at)));
  icalcomponent_add_property(ev, icalproperty_new_lastmodified(utc_time(m->updated_at)));
  if (add_when(r, ev, true, m->start, m->tz) || add_when(r, ev, false, m->end, m->tz))
    goto fail;
  if (m->rrule[0]) {
    struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
    if (rule.freq != ICAL_NO_RECURRENCE) /* the ops layer validated it; never break a feed */
      icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
  }
  icalcomponent_add_property(ev, icalproperty_new_sequence(m->sequence));
  icalcomponent_add_property(ev, icalproperty_new_status(
      m->status == PL_STATUS_CANCELLED ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  if (add_text(ev, icalproperty_new_summary, m->title[0] ? m->title : "Meeting") ||
      add_text(ev, icalproperty_new_location, m->location) ||
      add_description(r, ev, m, viewer_tz))
    goto fail;
  if (m->pillar >= 0 && (size_t)m->pillar < pl_pillar_count)
    icalcomponent_add_property(ev, icalproperty_new_categories(pl_pillar_names[m->pillar]));
  if (m->video_url[0] && pl_ical_url_is_safe(m->video_url)) {
    icalcomponent_add_property(ev, icalproperty_new_url(m->video_url));
    icalproperty *c = icalproperty_new_conference(m->video_url);
    icalproperty_add_parameter(c, icalparameter_new_value(ICAL_VALUE_URI));
    icalproperty_add_parameter(c, icalparameter_new_feature(ICAL_FEATURE_VIDEO));
    icalproperty_add_parameter(c, icalparameter_new_label("Join the meeting"));
    icalcomponent_add_property(ev, c);
  } else if (base_url && *base_url) {
    char url[PL_URL_LEN + PL_ID_LEN + 32];
    snprintf(url, sizeof url, "%s/#/meetings/%s", base_url, m->id);
    if (pl_ical_url_is_safe(url))
      icalcomponent_add_property(ev, icalproperty_new_url(url));
  }
  return ev;
fail:
  icalcomponent_free(ev);
  return NULL;
}

/* One zone used by the feed and the instants it must cover. */
typedef struct zone_use {
  const char *name; /* borrowed from a meeting */
  int64_t first_ms, last_ms;
  bool open_ended; /* a series: keep the rules to the end */
} zone_use;

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
  return vtz;
}

char *pl_ical_render_feed(const pl_meeting_rec *meetings, size_t n, const char *calname,
                          const char *viewer_tz, const char *base_url, size_t *len_out) {
  char *out = NULL;
  rctx r = {.nz = 0};
  zone_use *zones = calloc(n + 1, sizeof *zones);
  size_t nz = 0;
  icalcomponent *cal = icalcomponent_vanew(
      ICAL_VCALENDAR_COMPONENT, icalproperty_new_prodid(PRODID), icalproperty_new_version("2.0"),
      icalproperty_new_calscale("GREGORIAN"), icalproperty_new_method(ICAL_METHOD_PUBLISH), 0);
  if (!zones || !cal)
    goto out;
  if (add_x(cal, "X-WR-CALNAME", calname && *calname ? calname : "Plenary") ||
      (viewer_tz && zone_of(&r, viewer_tz) && add_x(cal, "X-WR-TIMEZONE", viewer_tz)))
    goto out;
  for (size_t i = 0; i < n; i++) {
    const pl_meeting_rec *m = &meetings[i];
    if (!zone_of(&r, m->tz))
      goto out;
    if (strcmp(m->tz, "UTC") == 0)
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
    zones[z].open_ended |= m->rrule[0] != 0;
  }
  for (size_t z = 0; z < nz; z++) {
    icalcomponent *vtz = make_vtimezone(&zones[z]);
    if (!vtz)
      goto out;
    icalcomponent_add_component(cal, vtz);
  }
  for (size_t i = 0; i < n; i++) {
    icalcomponent *ev = make_event(&r, &meetings[i], viewer_tz, base_url);
    if (!ev)
      goto out;
    icalcomponent_add_component(cal, ev);
  }
  out = icalcomponent_as_ical_string_r(cal); /* malloc'd by libical: free() */
  if (out && len_out)
    *len_out = strlen(out);
out:
  if (cal)
    icalcomponent_free(cal);
  free(zones);
  return out;
}

char *pl_ical_render_meeting(const pl_meeting_rec *m, const char *viewer_tz,
                             const char *base_url, size_t *len_out) {
  return pl_ical_render_feed(m, 1, m->title, viewer_tz, base_url, len_out);
}
