/*
 * plenaryctl's pieces: a conversation with one server over the WebSocket of
 * docs/PROTOCOL.md (conn.c), one HTTP GET (for the record), and CSV rows
 * (csv.c). plenaryctl.c turns the command line into requests.
 *
 * A conversation is strictly one request at a time: hello with the token,
 * then each request the caller's `next` gives, each sent only after the
 * reply to the one before. A script that loads 200 participants then reads
 * their replies in order, and the first failure can stop it cleanly.
 */
#ifndef PL_CTL_H
#define PL_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses: 0 ok; a reply's error code is 10 + its place in the
 * contract's list (ctl_exit_of); these three are plenaryctl's own. */
#define CTL_EXIT_USAGE 2     /* bad arguments or input files */
#define CTL_EXIT_TRANSPORT 3 /* cannot connect, TLS refused, closed, timed out */
#define CTL_EXIT_ERROR_BASE 10

typedef struct ctl_target {
  const char *url;    /* ws://, wss://, http:// or https:// HOST[:PORT][/PATH] */
  const char *cafile; /* trust this CA (PEM) instead of the system's */
  bool insecure;      /* accept any certificate (development only) */
  int timeout_s;      /* for the whole conversation */
  const char *token;  /* borrowed */
} ctl_target;

typedef struct ctl_talk {
  /* The next request (a JSON object with "op", owned by the caller until
   * its reply came), or NULL when there is nothing more to send. */
  json_t *(*next)(void *ctx);
  /* A reply to `req` (hello's first, req NULL): return 0 to go on, or an
   * exit status to stop with. */
  int (*reply)(void *ctx, json_t *req, json_t *reply);
  void *ctx;
} ctl_talk;

/* Holds the conversation. Returns 0, what `reply` stopped with, or
 * CTL_EXIT_TRANSPORT after saying why on stderr. */
int ctl_talk_run(const ctl_target *t, const ctl_talk *talk);

/* GET path (with its query) from the target's host: the body (malloc'd,
 * NUL-terminated, caller frees) and 0, or CTL_EXIT_TRANSPORT after saying
 * why, including a status other than 200. */
int ctl_http_get(const ctl_target *t, const char *path, char **body, size_t *len);

/* The exit status for a reply: 0 when ok, else from its error code. */
int ctl_exit_of(json_t *reply);

/* ---- CSV (RFC 4180: commas, "quoted, ""fields""", CRLF or LF) ---- */

typedef struct ctl_csv {
  char **cells;     /* owned */
  size_t n, cap;
} ctl_csv;

/* Reads the next row from text at *pos into row (cleared first): 1 when a
 * row was read, 0 at the end, -1 for a quote never closed. */
int ctl_csv_row(const char *text, size_t *pos, ctl_csv *row);
void ctl_csv_release(ctl_csv *row);

#endif
