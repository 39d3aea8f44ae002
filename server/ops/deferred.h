/*
 * Work that must not hold the service thread: an op whose computation can
 * take hundreds of milliseconds (schedule.suggest over a series, for 193
 * States and a year) hands it to a worker thread and replies when it is
 * done, so the floor's events keep going out meanwhile (issue 18).
 *
 * The op prepares everything that touches the server's state on the
 * service thread, gives the worker a pure computation over what it
 * prepared (the core's, which reads nothing else), and builds the reply
 * back on the service thread from the result. A session has one deferred
 * request at a time, and few wait in all; the others are refused at once
 * (`rate_limited`) rather than queued without end. If the session is gone
 * when the work is done, the result is dropped.
 */
#ifndef PL_OPS_DEFERRED_H
#define PL_OPS_DEFERRED_H

#include <jansson.h>
#include <stdbool.h>

#include "ops/op.h"

#define PL_DEFERRED_MAX 4 /* requests waiting for or in the worker */

typedef struct pl_deferred_ops {
  void (*work)(void *arg); /* on the worker: the computation, nothing else */
  /* On the service thread: the result into c->result (or an error with
   * c->msg); c->s is the session, alive. */
  pl_err (*done)(void *arg, pl_op_ctx *c);
  void (*release)(void *arg); /* either way, at the end */
} pl_deferred_ops;

/* Starts the worker thread; returns 0, or -1 (then ops run inline). */
int pl_deferred_start(void);
void pl_deferred_stop(void);

/* Defers the rest of the op: returns PL_ERR_OK with c->deferred set, and
 * the reply comes later; or refuses (and then ops->release has run). When
 * the worker did not start, runs it all at once, here. */
pl_err pl_defer(pl_op_ctx *c, void *arg, const pl_deferred_ops *ops);

/* Work that answers no session (an upload's type and text, app/upload.c):
 * `work` on the worker, then `done` on the service thread, always, and
 * with `dropped` true when the server stopped before it could run; the
 * callbacks own arg. Returns 0, or -1 when the worker is busy (then nothing
 * ran and the caller still owns arg). When the worker did not start, runs
 * both here. */
typedef struct pl_task_ops {
  void (*work)(void *arg);
  void (*done)(void *arg, bool dropped);
} pl_task_ops;

int pl_defer_task(void *arg, const pl_task_ops *ops);

#endif
