/*
 * Ops of the Programme's decisions: silence procedures (procedure.*), the
 * bureau their elections fill, the programme stream's catch-up
 * (programme.sync, ops_procedure.c), and accreditation of observers through
 * application links (accreditation.*, ops_accreditation.c).
 */
#ifndef PL_OPS_OPS_PROCEDURE_H
#define PL_OPS_OPS_PROCEDURE_H

#include "live/decisions.h"
#include "ops/op.h"

pl_err pl_op_procedure_start(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_object(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_withdraw(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_extend(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_statement(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_procedure_get(pl_op_ctx *c, json_t *args);
pl_err pl_op_bureau_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_programme_sync(pl_op_ctx *c, json_t *args);

pl_err pl_op_accreditation_link(pl_op_ctx *c, json_t *args);
pl_err pl_op_accreditation_apply(pl_op_ctx *c, json_t *args);
pl_err pl_op_accreditation_list(pl_op_ctx *c, json_t *args);

/* Makes `s` the session of an applicant who came through link `l`: it may
 * only apply (the dispatcher's APPLICANT column). */
void pl_applicant_hello(pl_session *s, const pl_app_link *l);

#endif
