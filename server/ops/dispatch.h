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

#include "net/session.h"

/* Handles one text frame: decodes, dispatches, replies. Never fails. */
void pl_ops_handle(pl_session *s, const char *text, size_t len);

/* Writes the table of who may call which op, as Markdown. */
void pl_ops_print_authz(FILE *out);

#endif
