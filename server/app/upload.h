/*
 * POST /documents (upload.c): a document and its file, as
 * multipart/form-data, from a participant named by "Authorization: Bearer".
 *
 * The form is parsed by lws_spa as it arrives; the file part streams into
 * a temporary file in the document store (docstore.h) while SHA-256 runs
 * over it, and at most PL_DOC_MAX_BYTES are taken. When the body is
 * complete the fields are checked, the worker thread decides the type from
 * the bytes and extracts the words (extract.h), and back on the service
 * thread the document.uploaded event is committed and the file put under
 * its hash. Every refusal, and a connection cut at any moment, unlinks
 * what was written: a refused or broken upload leaves nothing.
 */
#ifndef PL_APP_UPLOAD_H
#define PL_APP_UPLOAD_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "app/http_respond.h"

/* From LWS_CALLBACK_HTTP for POST /documents: checks who, the declared
 * length and the content type, and readies the parser. Each returns what
 * the callback returns. */
int pl_upload_start(struct lws *wsi, pl_http_pss *h);
/* LWS_CALLBACK_HTTP_BODY */
int pl_upload_body(struct lws *wsi, pl_http_pss *h, const char *in, size_t len);
/* LWS_CALLBACK_HTTP_BODY_COMPLETION */
int pl_upload_complete(struct lws *wsi, pl_http_pss *h);
/* True when the connection's upload has its answer decided. */
bool pl_upload_ready(const pl_http_pss *h);
/* From HTTP_WRITEABLE while an upload's answer waits to be written. */
int pl_upload_answer(struct lws *wsi, pl_http_pss *h);
/* The connection is closing: what the upload holds goes, now or when the
 * worker gives it back. */
void pl_upload_release(pl_http_pss *h);

#endif
