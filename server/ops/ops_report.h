/*
 * National reports and their cycle (ops_report.c, issue 13 point 3):
 * submitting a report on the harmonized template, reading one, the status
 * of every State in the rotation with the submission statistics, setting
 * the rotation, and the reminders; the analysis across reports is in
 * ops_synthesis.c.
 */
#ifndef PL_OPS_OPS_REPORT_H
#define PL_OPS_OPS_REPORT_H

#include <stdint.h>

#include "ops/op.h"

pl_err pl_op_report_submit(pl_op_ctx *c, json_t *args);
pl_err pl_op_report_get(pl_op_ctx *c, json_t *args);
pl_err pl_op_report_status(pl_op_ctx *c, json_t *args);
pl_err pl_op_report_rotation(pl_op_ctx *c, json_t *args);

/* Commits the reminders due at `now` (report_view.h); from the start and
 * the hourly timer (app/server.c). Returns how many, or -1 on failure. */
int pl_reports_remind(int64_t now);

/* The reminders' round at start and then every hour, on the server's loop;
 * stopped before the loop's last run. */
void pl_reports_start(void);
void pl_reports_stop(void);

/* Whether the session may read a report (its visibility). */
bool pl_report_readable(const pl_op_ctx *c, json_t *report);

#endif
