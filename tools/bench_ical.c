/*
 * bench_ical: how long one iCalendar feed of N meetings takes to render
 * (issue 4 target: under 20 ms for 1,000). The meetings spread over a dozen
 * zones, a third of them weekly, as a busy programme's feed would; the timing
 * is the median of repeated renders on this machine. A command, not a test.
 *
 *   bench_ical [N] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cal/ical.h"
#include "wire/meeting_json.h"
#include "cal/tz.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  static const char *const zones[] = {
      "Europe/Zurich", "America/New_York", "Asia/Tokyo",      "Africa/Nairobi",
      "Pacific/Fiji",  "America/Sao_Paulo", "Europe/Tallinn", "Asia/Kolkata",
      "Australia/Sydney", "America/Mexico_City", "Africa/Accra", "UTC"};
  int n = argc > 1 ? atoi(argv[1]) : 1000, rounds = argc > 2 ? atoi(argv[2]) : 50;
  if (n < 1 || rounds < 1) {
    fprintf(stderr, "usage: bench_ical [N] [ROUNDS]\n");
    return 2;
  }
  pl_meeting_rec *m = calloc((size_t)n, sizeof *m);
  double *t = calloc((size_t)rounds, sizeof *t);
  if (!m || !t)
    return 1;
  for (int i = 0; i < n; i++) {
    pl_meeting_init_defaults(&m[i]);
    snprintf(m[i].id, sizeof m[i].id, "m%d", i + 1);
    snprintf(m[i].title, sizeof m[i].title, "Thematic meeting %d on capacity building", i);
    snprintf(m[i].tz, sizeof m[i].tz, "%s", zones[i % 12]);
    snprintf(m[i].start, sizeof m[i].start, "2027-%02d-%02dT10:00", 1 + i % 12, 1 + i % 28);
    snprintf(m[i].end, sizeof m[i].end, "2027-%02d-%02dT13:00", 1 + i % 12, 1 + i % 28);
    if (i % 3 == 0)
      snprintf(m[i].rrule, sizeof m[i].rrule, "FREQ=WEEKLY;COUNT=4");
    snprintf(m[i].location, sizeof m[i].location, "Room %d, Palais des Nations", i % 20);
    snprintf(m[i].video_url, sizeof m[i].video_url, "https://meet.example.org/r%d", i);
    m[i].pillar = i % 6;
    m[i].sequence = i % 4;
    pl_local_to_utc(m[i].start, m[i].tz, &m[i].start_at);
    pl_local_to_utc(m[i].end, m[i].tz, &m[i].end_at);
    m[i].updated_at = m[i].created_at = 1800000000000LL + i;
  }
  size_t len = 0;
  double t0 = now_ms();
  char *first = pl_ical_render_feed(m, (size_t)n, "Plenary", "Asia/Tokyo", NULL, &len);
  double cold = now_ms() - t0;
  if (!first) {
    fprintf(stderr, "bench_ical: render failed\n");
    return 1;
  }
  free(first);
  for (int r = 0; r < rounds; r++) {
    t0 = now_ms();
    char *body = pl_ical_render_feed(m, (size_t)n, "Plenary", "Asia/Tokyo", NULL, &len);
    t[r] = now_ms() - t0;
    free(body);
  }
  qsort(t, (size_t)rounds, sizeof *t, cmp);
  printf("bench_ical: meetings=%d bytes=%zu first_ms=%.2f median_ms=%.2f p90_ms=%.2f "
         "min_ms=%.2f\n",
         n, len, cold, t[rounds / 2], t[rounds * 9 / 10], t[0]);
  for (int i = 0; i < n; i++)
    pl_meeting_rec_release(&m[i]);
  free(m);
  free(t);
  return 0;
}
