/*
 * meeting.import (ops_import.c): a calendar program's file becomes meetings,
 * event by event, and importing it again changes only what changed.
 */
#ifndef PL_OPS_OPS_IMPORT_H
#define PL_OPS_OPS_IMPORT_H

#include "ops/op.h"

pl_err pl_op_meeting_import(pl_op_ctx *c, json_t *args);

#endif
