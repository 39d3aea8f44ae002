/*
 * signal.send (ops_signal.c): an interpreter's signal to the chair and the
 * speaker (live/signal.h).
 */
#ifndef PL_OPS_OPS_SIGNAL_H
#define PL_OPS_OPS_SIGNAL_H

#include "ops/op.h"

pl_err pl_op_signal_send(pl_op_ctx *c, json_t *args);

#endif
