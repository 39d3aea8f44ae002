/*
 * Webhooks, the secretariat's (ops_webhook.c; net/deliver.h does the
 * sending): an endpoint is a programme event, webhook.created or
 * webhook.deleted, never published; its secret is never shown back.
 */
#ifndef PL_OPS_OPS_WEBHOOK_H
#define PL_OPS_OPS_WEBHOOK_H

#include "ops/op.h"

pl_err pl_op_webhook_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_webhook_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_webhook_delete(pl_op_ctx *c, json_t *args);
pl_err pl_op_webhook_deliveries(pl_op_ctx *c, json_t *args);

#endif
