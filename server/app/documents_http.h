/*
 * GET /documents/{id} (documents_http.c): the file of a document, with its
 * type as decided at upload, its name in Content-Disposition, and the
 * document's visibility applied (a `states` document needs a State's or
 * the secretariat's Bearer token); a webinar answers its record as JSON.
 * POST /documents goes to upload.h.
 *
 * With --cluster a document may have been uploaded on another node: its
 * file is then fetched from NATS (cluster/files.h) on the worker thread at
 * the first GET here, kept in this node's store, and served; the request
 * waits for it without holding the service thread.
 */
#ifndef PL_APP_DOCUMENTS_HTTP_H
#define PL_APP_DOCUMENTS_HTTP_H

#include <libwebsockets.h>

#include <stdbool.h>

#include "app/http_respond.h"

int pl_documents_http_get(struct lws *wsi, void *user, const char *path);
/* True when the connection's fetched file is ready to be answered. */
bool pl_documents_fetch_ready(const pl_http_pss *h);
/* From HTTP_WRITEABLE once it is: serves the file, or says why not. */
int pl_documents_fetch_answer(struct lws *wsi, pl_http_pss *h);
/* The connection is closing: the fetch goes, now or when the worker gives
 * it back. */
void pl_documents_fetch_release(pl_http_pss *h);

#endif
