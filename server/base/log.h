/*
 * One log line per event (log.c), for journald or a file: a time, a level,
 * an event name and key=value fields, written as text (for people), logfmt
 * or JSON (for machines) as --log-format says. Every layer above base logs
 * through pl_log; lws' own lines reach it through the app's emitter.
 *
 * Levels mean: error, the server cannot do what it was asked (a database
 * write failed); warn, an operator should look (authentication failures,
 * a certificate that did not reload); notice, what happened (start, stop,
 * reload, every failed request, every chair ruling); info and debug, detail.
 *
 * Values are the caller's own (ids, addresses, op names, codes), never a
 * token or a feed key; each whole line also passes the scrubber the app
 * installs (app/redact.c), so a secret that slips into a message is blanked.
 */
#ifndef PL_BASE_LOG_H
#define PL_BASE_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum pl_log_level {
  PL_LOG_ERROR,
  PL_LOG_WARN,
  PL_LOG_NOTICE,
  PL_LOG_INFO,
  PL_LOG_DEBUG,
} pl_log_level;

typedef enum pl_log_format { PL_LOG_TEXT, PL_LOG_JSON, PL_LOG_LOGFMT } pl_log_format;

/* Rewrites a rendered line (in) into out (cap bytes, terminated). */
typedef void pl_log_scrub_fn(const char *in, char *out, size_t cap);

/* Sets the format, the most detailed level written, and the scrubber
 * (NULL: none). Before any call, lines are text, at notice and above. */
void pl_log_setup(pl_log_format format, pl_log_level max, pl_log_scrub_fn *scrub);

/* "text", "json", "logfmt" into *out: 0, or -1 for any other name. */
int pl_log_format_parse(const char *name, pl_log_format *out);
/* "error" ... "debug" into *out: 0, or -1. */
int pl_log_level_parse(const char *name, pl_log_level *out);

bool pl_log_enabled(pl_log_level level);

/* Writes one line: the event name, then NULL-terminated pairs of key and
 * value strings (a NULL value is left out). Example:
 *   pl_log(PL_LOG_NOTICE, "request.failed", "op", op, "code", code, NULL); */
void pl_log(pl_log_level level, const char *event, ...) __attribute__((sentinel));

#endif
