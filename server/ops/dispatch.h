/*
 * The request envelope of contract section 3 and the op table (dispatch.c).
 * The table is data, as Redis's command table is: each op's name, handler,
 * who may call it and whether it needs hello first. The dispatcher checks
 * the roles once, before the handler runs; `plenaryd authz` prints the same
 * table as docs/AUTHZ.md.
 */
#ifndef PL_OPS_DISPATCH_H
#define PL_OPS_DISPATCH_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/err.h"
#include "net/session.h"

/* Handles one text frame: decodes, dispatches, replies. Never fails. */
void pl_ops_handle(pl_session *s, const char *text, size_t len);

/* The one reply to a request (`re` its id): result fields merged into an ok
 * reply (taking `result`), or the error; counted by result. */
void pl_ops_reply(pl_session *s, json_t *re, pl_err e, const char *msg, json_t *result);

/* Writes the table of who may call which op, as Markdown. */
void pl_ops_print_authz(FILE *out);

/* Runs op `name` for participant `who` outside a WebSocket session (a
 * POST over HTTP, app/import_http.c): the op table's roles, and with
 * --cluster the same retries, as pl_ops_handle. Only for ops that need no
 * session (meeting.import). Returns the op's error (msg says why), and on
 * PL_ERR_OK its result in *result (the caller's). */
pl_err pl_ops_call(const char *name, const pl_participant_rec *who, json_t *args,
                   json_t **result, char *msg, size_t msglen);

#endif
