/*
 * Scheduling arithmetic (schedule.h): calendar dates, zone tables, the
 * burden of one delegation, the candidates and the single-slot ranking. The
 * series planner is in schedule_plan.c.
 *
 * The burden is computed in closed form rather than minute by minute: with
 * W(t) = how much of the daily window lies in local time [0, t), the part of
 * a local interval [x, y) inside the window is W(y) - W(x), O(1) whatever the
 * window or the midnights crossed. A meeting is first cut where its zone's
 * offset changes, so each piece has one offset. The unit test checks this
 * against a minute-by-minute count.
 */
#include "core/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule_impl.h"

#define DAY_MS 86400000LL
#define DAY_S 86400

/* ---- Calendar (Howard Hinnant's days_from_civil, proleptic Gregorian) ---- */

int32_t pl_sched_days_from_civil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void pl_sched_civil_from_days(int32_t days, int32_t *y, int32_t *m, int32_t *d) {
  const int32_t z = days + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

int pl_sched_weekday(int32_t days) {
  /* 1970-01-01 was a Thursday (3 when Monday is 0). */
  int w = (int)((days + 3) % 7);
  return w < 0 ? w + 7 : w;
}

int32_t pl_sched_day_of(int64_t local_ms) {
  int64_t q = local_ms / DAY_MS;
  if (local_ms % DAY_MS < 0)
    q--;
  return (int32_t)q;
}

static bool parse_digits(const char *s, int n, int32_t *v) {
  int32_t r = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    r = r * 10 + (s[i] - '0');
  }
  *v = r;
  return true;
}

bool pl_sched_parse_date(const char *s, int32_t *days) {
  int32_t y, m, d;
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !parse_digits(s, 4, &y) ||
      !parse_digits(s + 5, 2, &m) || !parse_digits(s + 8, 2, &d))
    return false;
  if (y < 1900 || m < 1 || m > 12 || d < 1)
    return false;
  static const int8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap))
    return false;
  *days = pl_sched_days_from_civil(y, m, d);
  return true;
}

bool pl_sched_parse_hhmm(const char *s, int32_t *secs) {
  int32_t h, mi;
  if (!s || strlen(s) != 5 || s[2] != ':' || !parse_digits(s, 2, &h) ||
      !parse_digits(s + 3, 2, &mi))
    return false;
  if (mi > 59 || h > 24 || (h == 24 && mi != 0))
    return false;
  *secs = h * 3600 + mi * 60;
  return true;
}

/* ---- Zones as data ---- */

/* Index of the span in force at utc_ms: the last one starting at or before
 * it, or the first one for instants before the table. */
static size_t span_at(const pl_sched_zone *z, int64_t utc_ms) {
  size_t lo = 0, hi = z->n; /* answer in [lo, hi) */
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (z->spans[mid].from_ms <= utc_ms)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

int32_t pl_sched_offset(const pl_sched_zone *z, int64_t utc_ms) {
  return z->spans[span_at(z, utc_ms)].offset_s;
}

int64_t pl_sched_local_ms(const pl_sched_zone *z, int64_t utc_ms) {
  return utc_ms + (int64_t)pl_sched_offset(z, utc_ms) * 1000;
}

size_t pl_sched_from_local(const pl_sched_zone *z, int64_t local_ms, int64_t *out, size_t cap) {
  /* An instant u reads local_ms when local_ms - u is the offset of the span
   * holding u. Offsets lie within +-26 h, so only spans meeting that window
   * can answer; each gives at most one u, and they come out ascending. */
  const int64_t reach = 26 * 3600 * 1000LL;
  size_t n = 0;
  for (size_t i = span_at(z, local_ms - reach); i < z->n; i++) {
    if (i > 0 && z->spans[i].from_ms > local_ms + reach)
      break;
    const int64_t u = local_ms - (int64_t)z->spans[i].offset_s * 1000;
    const bool after_from = i == 0 || u >= z->spans[i].from_ms;
    const bool before_next = i + 1 == z->n || u < z->spans[i + 1].from_ms;
    if (after_from && before_next && n < cap)
      out[n++] = u;
  }
  return n;
}

/* ---- Burden ---- */

/* Milliseconds of the daily window within local time-of-day [0, r_ms). */
static int64_t window_within(const pl_sched_request *req, int64_t r_ms) {
  const int64_t ws = (int64_t)req->window_start_s * 1000, we = (int64_t)req->window_end_s * 1000;
  if (ws == we)
    return r_ms;
  if (ws < we)
    return r_ms <= ws ? 0 : (r_ms >= we ? we - ws : r_ms - ws);
  /* wrapping: [0, we) and [ws, day) */
  return (r_ms < we ? r_ms : we) + (r_ms > ws ? r_ms - ws : 0);
}

/* W(t): window time in local [0, t), counted from local day 0. */
static int64_t window_before(const pl_sched_request *req, int64_t local_ms) {
  const int64_t day = pl_sched_day_of(local_ms);
  return day * window_within(req, DAY_MS) + window_within(req, local_ms - day * DAY_MS);
}

int64_t pl_sched__zone_burden(const pl_sched_request *req, const pl_sched_zone *z,
                              int64_t start_ms) {
  const int64_t end_ms = start_ms + (int64_t)req->duration_s * 1000;
  int64_t outside = 0;
  size_t i = span_at(z, start_ms);
  for (int64_t a = start_ms; a < end_ms; i++) {
    int64_t b = end_ms;
    if (i + 1 < z->n && z->spans[i + 1].from_ms < b)
      b = z->spans[i + 1].from_ms;
    const int64_t off = (int64_t)z->spans[i].offset_s * 1000;
    outside += (b - a) - (window_before(req, b + off) - window_before(req, a + off));
    a = b; /* b > a: span i holds a, so span i + 1 starts after it */
  }
  return outside / 1000;
}

int64_t pl_sched_burden(const pl_sched_request *req, size_t d, int64_t start_ms) {
  return pl_sched__zone_burden(req, req->zones[d], start_ms);
}

/* ---- Request, candidates, folding ---- */

static bool zone_ok(const pl_sched_zone *z) {
  if (!z || !z->spans || z->n == 0)
    return false;
  for (size_t i = 1; i < z->n; i++)
    if (z->spans[i].from_ms <= z->spans[i - 1].from_ms)
      return false;
  return true;
}

static pl_err refuse(char *msg, size_t msglen, const char *why) {
  if (msg && msglen)
    snprintf(msg, msglen, "%s", why);
  return PL_ERR_BAD_REQUEST;
}

pl_err pl_sched__check(const pl_sched_request *req, char *msg, size_t msglen) {
  if (!zone_ok(req->tz))
    return refuse(msg, msglen, "tz: no zone data");
  if (req->date_to < req->date_from)
    return refuse(msg, msglen, "date_to: before date_from");
  if ((int64_t)req->date_to - req->date_from + 1 > PL_SCHED_MAX_DAYS)
    return refuse(msg, msglen, "date_to: the range may span at most 400 days");
  if (req->duration_s < 1 || req->duration_s > PL_SCHED_MAX_DURATION_S)
    return refuse(msg, msglen, "duration_s: must be 1 .. 86400");
  if (req->window_start_s < 0 || req->window_start_s > DAY_S || req->window_end_s < 0 ||
      req->window_end_s > DAY_S)
    return refuse(msg, msglen, "window: times must be 00:00 .. 24:00");
  if (req->n_delegations > PL_SCHED_MAX_DELEGATIONS)
    return refuse(msg, msglen, "delegations: at most 1024");
  if (req->n_delegations && !req->zones)
    return refuse(msg, msglen, "delegations: no zone data");
  for (size_t d = 0; d < req->n_delegations; d++)
    if (!zone_ok(req->zones[d]))
      return refuse(msg, msglen, "delegations: a zone has no data");
  return PL_ERR_OK;
}

size_t pl_sched__candidates(const pl_sched_request *req, pl_sched_cand **out) {
  /* At most 96 grid times a day, each read at most twice (an overlap). */
  const size_t days = (size_t)(req->date_to - req->date_from + 1);
  pl_sched_cand *c = malloc(days * 96 * 2 * sizeof *c + 1);
  if (!c)
    return (size_t)-1;
  size_t n = 0;
  for (int32_t d = req->date_from; d <= req->date_to; d++) {
    if (pl_sched_weekday(d) >= 5)
      continue;
    for (int64_t k = 0; k < DAY_S / PL_SCHED_GRID_S; k++) {
      int64_t u[2];
      const int64_t local = (int64_t)d * DAY_MS + k * PL_SCHED_GRID_S * 1000LL;
      const size_t m = pl_sched_from_local(req->tz, local, u, 2);
      for (size_t j = 0; j < m; j++)
        c[n++] = (pl_sched_cand){.start_ms = u[j], .date = d};
    }
  }
  *out = c;
  return n;
}

int pl_sched__fold(const pl_sched_request *req, pl_sched_folded *f) {
  const size_t nd = req->n_delegations;
  memset(f, 0, sizeof *f);
  f->zone = malloc((nd + 1) * sizeof *f->zone);
  f->weight = malloc((nd + 1) * sizeof *f->weight);
  f->of = malloc((nd + 1) * sizeof *f->of);
  if (!f->zone || !f->weight || !f->of) {
    pl_sched__fold_release(f);
    return -1;
  }
  for (size_t d = 0; d < nd; d++) {
    size_t i = 0;
    while (i < f->n && f->zone[i] != req->zones[d])
      i++;
    if (i == f->n) {
      f->zone[f->n] = req->zones[d];
      f->weight[f->n++] = 0;
    }
    f->weight[i]++;
    f->of[d] = i;
  }
  return 0;
}

void pl_sched__fold_release(pl_sched_folded *f) {
  free(f->zone);
  free(f->weight);
  free(f->of);
  memset(f, 0, sizeof *f);
}

/* ---- schedule.suggest, one meeting ---- */

static int slot_cmp(const void *pa, const void *pb) {
  const pl_sched_slot *a = pa, *b = pb;
  if (a->burden_s != b->burden_s)
    return a->burden_s < b->burden_s ? -1 : 1;
  if (a->n_outside != b->n_outside)
    return a->n_outside < b->n_outside ? -1 : 1;
  if (a->start_ms != b->start_ms)
    return a->start_ms < b->start_ms ? -1 : 1;
  return 0;
}

pl_err pl_sched_suggest(const pl_sched_request *req, pl_sched_slot *out, size_t cap,
                        size_t *n_out, char *msg, size_t msglen) {
  *n_out = 0;
  pl_err e = pl_sched__check(req, msg, msglen);
  if (e != PL_ERR_OK)
    return e;
  pl_sched_cand *cand = NULL;
  pl_sched_slot *all = NULL;
  pl_sched_folded f;
  if (pl_sched__fold(req, &f) != 0)
    return PL_ERR_INTERNAL;
  const size_t n = pl_sched__candidates(req, &cand);
  if (n == (size_t)-1)
    goto out_nomem;
  all = malloc((n + 1) * sizeof *all);
  if (!all)
    goto out_nomem;
  for (size_t i = 0; i < n; i++) {
    pl_sched_slot *s = &all[i];
    *s = (pl_sched_slot){.start_ms = cand[i].start_ms,
                         .end_ms = cand[i].start_ms + (int64_t)req->duration_s * 1000,
                         .date = cand[i].date};
    for (size_t z = 0; z < f.n; z++) {
      const int64_t b = pl_sched__zone_burden(req, f.zone[z], s->start_ms);
      s->burden_s += b * f.weight[z];
      s->n_outside += b > 0 ? f.weight[z] : 0;
    }
  }
  /* A full sort: a year of weekdays is ~25,000 slots, sorted in a few ms. */
  qsort(all, n, sizeof *all, slot_cmp);
  *n_out = n < cap ? n : cap;
  if (*n_out)
    memcpy(out, all, *n_out * sizeof *out);
  free(all);
  free(cand);
  pl_sched__fold_release(&f);
  return PL_ERR_OK;

out_nomem:
  free(all);
  free(cand);
  pl_sched__fold_release(&f);
  return PL_ERR_INTERNAL;
}
