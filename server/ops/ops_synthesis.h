/*
 * Reading across national reports (ops_synthesis.c, issue 13 point 4): the
 * synthesis of a cycle's capacity-building needs and offers, for the
 * roundtable (what is needed and offered, by pillar and theme; which State
 * needs what another offers; the most common needs), and up to three
 * States' latest reports side by side. Visibility applies: a report for
 * States only counts, and shows, only for the States and the secretariat.
 */
#ifndef PL_OPS_OPS_SYNTHESIS_H
#define PL_OPS_OPS_SYNTHESIS_H

#include "ops/op.h"

#define PL_COMPARE_MAX 3
#define PL_TOP_NEEDS 10

pl_err pl_op_report_synthesis(pl_op_ctx *c, json_t *args);
pl_err pl_op_report_compare(pl_op_ctx *c, json_t *args);

#endif
