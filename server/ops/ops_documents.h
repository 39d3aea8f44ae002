/*
 * The portal's library over WebSocket (ops_documents.c): a document's
 * record and its language versions, withdrawing one, and full-text search.
 * Uploading is HTTP (app/upload.h). Visibility applies to every answer: a
 * `states` document is neither shown nor found for anyone but the States
 * and the secretariat.
 */
#ifndef PL_OPS_OPS_DOCUMENTS_H
#define PL_OPS_OPS_DOCUMENTS_H

#include "ops/op.h"

pl_err pl_op_document_get(pl_op_ctx *c, json_t *args);
pl_err pl_op_document_withdraw(pl_op_ctx *c, json_t *args);
pl_err pl_op_documents_search(pl_op_ctx *c, json_t *args);

#endif
