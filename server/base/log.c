/* One log line per event (log.h). Each line is rendered whole into one
 * buffer and written with one write(2), so lines from different threads never
 * interleave and a reader of journald sees each event once, complete. */
#include "base/log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096
#define MAX_FIELDS 16

static const char *const level_names[] = {"error", "warn", "notice", "info", "debug"};
static const char *const format_names[] = {"text", "json", "logfmt"};

static struct {
  pl_log_format format;
  pl_log_level max;
  pl_log_scrub_fn *scrub;
} cfg = {PL_LOG_TEXT, PL_LOG_NOTICE, NULL};

void pl_log_setup(pl_log_format format, pl_log_level max, pl_log_scrub_fn *scrub) {
  cfg.format = format;
  cfg.max = max;
  cfg.scrub = scrub;
}

static int parse_name(const char *const *names, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0)
      return (int)i;
  return -1;
}

int pl_log_format_parse(const char *name, pl_log_format *out) {
  int i = parse_name(format_names, sizeof format_names / sizeof *format_names, name);
  if (i >= 0)
    *out = (pl_log_format)i;
  return i < 0 ? -1 : 0;
}

int pl_log_level_parse(const char *name, pl_log_level *out) {
  int i = parse_name(level_names, sizeof level_names / sizeof *level_names, name);
  if (i >= 0)
    *out = (pl_log_level)i;
  return i < 0 ? -1 : 0;
}

bool pl_log_enabled(pl_log_level level) { return level <= cfg.max; }

/* RFC 3339 in UTC with milliseconds: sortable, and the zone is never in doubt. */
static void timestamp(char *out, size_t cap) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

typedef struct line {
  char buf[LINE_MAX_BYTES];
  size_t len;
} line;

static void put(line *l, const char *s, size_t n) {
  if (n > sizeof l->buf - 1 - l->len)
    n = sizeof l->buf - 1 - l->len;
  memcpy(l->buf + l->len, s, n);
  l->len += n;
}

static void puts_(line *l, const char *s) { put(l, s, strlen(s)); }

/* A logfmt value: bare when it is one plain word, else quoted with \" \\ \n
 * escaped and other control bytes dropped, so one event stays one line. */
static void put_value(line *l, const char *v) {
  bool bare = *v != '\0';
  for (const char *p = v; *p && bare; p++)
    bare = (unsigned char)*p > ' ' && *p != '"' && *p != '=' && *p != '\\';
  if (bare) {
    puts_(l, v);
    return;
  }
  put(l, "\"", 1);
  for (const char *p = v; *p; p++) {
    if (*p == '"' || *p == '\\')
      put(l, "\\", 1), put(l, p, 1);
    else if (*p == '\n')
      puts_(l, "\\n");
    else if ((unsigned char)*p >= ' ')
      put(l, p, 1);
  }
  put(l, "\"", 1);
}

static void render_json(line *l, const char *ts, pl_log_level level, const char *event,
                        const char **kv, size_t n) {
  json_t *o = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "event",
                        event);
  for (size_t i = 0; o && i < n; i++)
    json_object_set_new(o, kv[2 * i], json_string(kv[2 * i + 1]));
  /* json_string refuses invalid UTF-8: such a field is left out, never the line */
  l->len = o ? json_dumpb(o, l->buf, sizeof l->buf - 1, JSON_COMPACT) : 0;
  if (l->len >= sizeof l->buf - 1)
    l->len = 0;
  json_decref(o);
}

static void render_kv(line *l, const char *ts, pl_log_level level, const char *event,
                      const char **kv, size_t n) {
  const char *msg = NULL;
  if (cfg.format == PL_LOG_LOGFMT) {
    puts_(l, "ts="), puts_(l, ts), puts_(l, " level="), puts_(l, level_names[level]);
    puts_(l, " event="), put_value(l, event);
  } else {
    /* text: for people, the message right after the level, fields after */
    puts_(l, ts), put(l, " ", 1), puts_(l, level_names[level]), put(l, " ", 1);
    for (size_t i = 0; i < n; i++)
      if (strcmp(kv[2 * i], "msg") == 0)
        msg = kv[2 * i + 1];
    if (strcmp(event, "log") != 0)
      puts_(l, event), puts_(l, msg ? ": " : "");
    if (msg)
      for (const char *p = msg; *p; p++)
        put(l, (unsigned char)*p < ' ' ? " " : p, 1);
  }
  for (size_t i = 0; i < n; i++) {
    if (kv[2 * i + 1] == msg)
      continue;
    put(l, " ", 1), puts_(l, kv[2 * i]), put(l, "=", 1), put_value(l, kv[2 * i + 1]);
  }
}

void pl_log(pl_log_level level, const char *event, ...) {
  if (!pl_log_enabled(level))
    return;
  const char *kv[2 * MAX_FIELDS];
  size_t n = 0;
  va_list ap;
  va_start(ap, event);
  for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
    const char *v = va_arg(ap, const char *);
    if (v && n < MAX_FIELDS)
      kv[2 * n] = k, kv[2 * n + 1] = v, n++;
  }
  va_end(ap);

  char ts[40];
  line mine; /* on the stack: fan-out threads may log too */
  line *out = &mine;
  timestamp(ts, sizeof ts);
  out->len = 0;
  if (cfg.format == PL_LOG_JSON)
    render_json(out, ts, level, event, kv, n);
  else
    render_kv(out, ts, level, event, kv, n);
  out->buf[out->len] = '\0';
  char clean[LINE_MAX_BYTES + 1];
  const char *text = out->buf;
  if (cfg.scrub) {
    cfg.scrub(out->buf, clean, sizeof clean - 1);
    text = clean;
  }
  size_t len = strlen(text);
  char *end = (char *)text + len;
  *end = '\n';
  ssize_t w = write(STDERR_FILENO, text, len + 1);
  (void)w; /* nowhere left to report a failed log write */
  *end = '\0';
}
