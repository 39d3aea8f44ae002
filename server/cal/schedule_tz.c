/*
 * Zone tables for the scheduling core (schedule_tz.h), read from libical.
 *
 * libical answers "offset at this instant" but does not list transitions,
 * so the table is found by sampling every 3 hours and bisecting to the
 * second where two samples differ. That misses only a zone that changes
 * twice within 3 hours and returns to the same offset, which no zone has
 * done. A year of one zone costs ~3,000 libical calls; the tables are built
 * once per zone per request.
 */
#include "cal/schedule_tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/ical_tz.h"

#define DAY_S 86400LL
#define STEP_S (3 * 3600LL)

typedef struct entry {
  char name[64];
  pl_sched_zone zone;
  pl_sched_span *spans; /* owned */
} entry;

struct pl_sched_zones {
  int64_t lo_s, hi_s; /* UTC range the tables are exact over */
  entry **e;          /* owned, each entry too: handed-out pointers never move */
  size_t n, cap;
};

pl_sched_zones *pl_sched_zones_new(int32_t date_from, int32_t date_to) {
  pl_sched_zones *zs = calloc(1, sizeof *zs);
  if (!zs)
    return NULL;
  zs->lo_s = ((int64_t)date_from - 2) * DAY_S;
  zs->hi_s = ((int64_t)date_to + 3) * DAY_S;
  return zs;
}

void pl_sched_zones_free(pl_sched_zones *zs) {
  if (!zs)
    return;
  for (size_t i = 0; i < zs->n; i++) {
    free(zs->e[i]->spans);
    free(zs->e[i]);
  }
  free(zs->e);
  free(zs);
}

/* Appends a span; returns 0 or -1 out of memory. */
static int push(pl_sched_span **v, size_t *n, size_t *cap, int64_t from_s, int32_t off) {
  if (*n == *cap) {
    const size_t nc = *cap ? *cap * 2 : 8;
    pl_sched_span *nv = realloc(*v, nc * sizeof *nv);
    if (!nv)
      return -1;
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = (pl_sched_span){.from_ms = from_s * 1000, .offset_s = off};
  return 0;
}

static int build(const pl_sched_zones *zs, icaltimezone *zone, entry *e) {
  size_t n = 0, cap = 0;
  pl_sched_span *v = NULL;
  int32_t prev = pl_ical_offset_at(zone, zs->lo_s);
  if (push(&v, &n, &cap, zs->lo_s, prev))
    goto fail;
  for (int64_t t = zs->lo_s; t < zs->hi_s; t += STEP_S) {
    const int64_t u = t + STEP_S;
    const int32_t off = pl_ical_offset_at(zone, u);
    if (off == prev)
      continue;
    /* the change lies in (t, u]: find its first second */
    int64_t a = t, b = u;
    while (b - a > 1) {
      const int64_t mid = a + (b - a) / 2;
      if (pl_ical_offset_at(zone, mid) == prev)
        a = mid;
      else
        b = mid;
    }
    if (push(&v, &n, &cap, b, off))
      goto fail;
    prev = off;
  }
  e->spans = v;
  e->zone = (pl_sched_zone){.spans = v, .n = n};
  return 0;
fail:
  free(v);
  return -1;
}

const pl_sched_zone *pl_sched_zones_get(pl_sched_zones *zs, const char *name) {
  for (size_t i = 0; i < zs->n; i++)
    if (strcmp(zs->e[i]->name, name) == 0)
      return &zs->e[i]->zone;
  icaltimezone *zone = pl_ical_zone(name);
  if (!zone)
    return NULL;
  if (zs->n == zs->cap) {
    const size_t nc = zs->cap ? zs->cap * 2 : 16;
    entry **ne = realloc(zs->e, nc * sizeof *ne);
    if (!ne)
      return NULL;
    zs->e = ne;
    zs->cap = nc;
  }
  entry *e = calloc(1, sizeof *e);
  if (!e)
    return NULL;
  snprintf(e->name, sizeof e->name, "%s", name);
  if (build(zs, zone, e)) {
    free(e);
    return NULL;
  }
  zs->e[zs->n++] = e;
  return &e->zone;
}

int pl_sched_local_to_utc(const char *date, const char *hhmm, const char *tz, int64_t *out_ms) {
  int32_t days, secs;
  icaltimezone *zone = pl_ical_zone(tz);
  if (!zone || !pl_sched_parse_date(date, &days) || !pl_sched_parse_hhmm(hhmm, &secs))
    return -1;
  if (secs == 86400) { /* 24:00 is the next day's 00:00 */
    days++;
    secs = 0;
  }
  int32_t y, m, d;
  pl_sched_civil_from_days(days, &y, &m, &d);
  struct icaltimetype t = icaltime_null_time();
  t.year = y, t.month = m, t.day = d;
  t.hour = secs / 3600, t.minute = secs / 60 % 60;
  t.is_date = 0;
  t.zone = zone;
  *out_ms = (int64_t)icaltime_as_timet_with_zone(t, zone) * 1000;
  return 0;
}

void pl_sched_format_local(int64_t local_ms, char *buf, size_t len) {
  const int32_t day = pl_sched_day_of(local_ms);
  const int64_t s = (local_ms - (int64_t)day * 86400000LL) / 1000;
  int32_t y, m, d;
  pl_sched_civil_from_days(day, &y, &m, &d);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d", (int)y, (int)m, (int)d, (int)(s / 3600),
           (int)(s / 60 % 60));
}

size_t pl_sched_outside_list(const pl_sched_request *req, const pl_sched_slot *slot,
                             pl_sched_outside *out) {
  size_t n = 0;
  for (size_t d = 0; d < req->n_delegations; d++) {
    const int64_t b = pl_sched_burden(req, d, slot->start_ms);
    if (b == 0)
      continue;
    out[n].delegation = d;
    out[n].burden_s = b;
    pl_sched_format_local(pl_sched_local_ms(req->zones[d], slot->start_ms), out[n].local_start,
                          sizeof out[n].local_start);
    n++;
  }
  return n;
}
