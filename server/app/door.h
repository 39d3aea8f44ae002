/*
 * The door: every TCP connection, of any kind, is counted here from the
 * moment lws accepts it until lws destroys it, so that nobody can exhaust
 * the server without authenticating (issue 18):
 *
 *   - a global cap below the file-descriptor limit, so accept() never
 *     meets EMFILE from client connections, and a per-address cap, so one
 *     host cannot take them all; over either, a plain connection is told
 *     503 with Retry-After, a TLS one is closed before its handshake costs
 *     anything;
 *   - a deadline for the request line and headers: a connection that has
 *     not completed them gets 400 and is closed (lws 4.1 leaves some
 *     well-formed requests unparsed for its 10 s idle timeout,
 *     LIBRARY-NOTES 9);
 *   - on a plain connection the door reads the request head itself before
 *     lws does (early.h), and answers 400, 408, 414 or 431 what lws would
 *     have closed without a word or left hanging.
 *
 * All of it runs on the service thread, from the lws callbacks of
 * protocols[0] (which lws calls for every new and every destroyed wsi).
 */
#ifndef PL_APP_DOOR_H
#define PL_APP_DOOR_H

#include <libwebsockets.h>
#include <stdbool.h>

#define PL_DOOR_URI_MAX 8192     /* bytes of the request target: 414 past it */
#define PL_DOOR_HEADERS_MAX 8192 /* bytes of all headers: 431 past it */
/* What lws holds of a head under TLS, where the door cannot read it first:
 * room to answer 414 or 431 past the 8 KB above, rather than close. A head
 * past this lws still closes without a status. (The room is taken only
 * while a head is parsed: lws lets it go once the request is read.) */
#define PL_TLS_HEADERS_MAX 32768

typedef struct pl_door_config {
  int max_conns;        /* 0: the file limit less a reserve */
  int max_per_address;  /* 0: PL_DOOR_PER_ADDRESS_DEFAULT */
  int header_timeout_s; /* 0: PL_DOOR_HEADER_TIMEOUT_DEFAULT */
  bool tls;
} pl_door_config;

/* One conference room behind one NAT can be hundreds of delegates. */
#define PL_DOOR_PER_ADDRESS_DEFAULT 512
#define PL_DOOR_HEADER_TIMEOUT_DEFAULT 3
/* Descriptors kept for the database, its journal, logs and lws itself. */
#define PL_DOOR_FD_RESERVE 64
/* TLS connections accepted and not yet through their first request's headers:
 * past this many the listener pauses, and the rest wait in the kernel's
 * backlog, where the header deadline does not run for them. In a join storm
 * the deadline then measures each handshake, not the queue of handshakes
 * before it (docs/PERFORMANCE.md, join storm). */
#define PL_DOOR_HANDSHAKES_MAX 128

/* Raises the soft file limit to the hard one and sizes the tables.
 * Returns 0, or -1 when out of memory. */
int pl_door_init(const pl_door_config *cfg);
/* Starts the header-deadline sweep on pl_srv->loop. */
void pl_door_start(void);
void pl_door_stop(void);
void pl_door_free(void);

/* The door's part of protocols[0]'s callback. Returns 1 when it handled
 * the reason and *result is the callback's answer; 0 to go on. */
int pl_door_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len, int *result);

/* For the log: true when the door has taken care of `line`. lws' "accept:
 * errno N", which it says on every loop pass at the file limit, is counted,
 * the listener paused for 100 ms, and one line said per 10 s with the
 * count; lws' notice of each socket the door hands over is dropped. */
bool pl_door_accept_failed(const char *line);

/* A connection the door counted is gone (early.c closes its own). */
void pl_door_leave(int fd);

/* The cap in force (for the log at start). */
int pl_door_max_conns(void);

#endif
