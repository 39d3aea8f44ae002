/*
 * GET /documents/{id} (documents_http.c): the file of a document, with its
 * type as decided at upload, its name in Content-Disposition, and the
 * document's visibility applied (a `states` document needs a State's or
 * the secretariat's Bearer token); a webinar answers its record as JSON.
 * POST /documents goes to upload.h.
 */
#ifndef PL_APP_DOCUMENTS_HTTP_H
#define PL_APP_DOCUMENTS_HTTP_H

#include <libwebsockets.h>

int pl_documents_http_get(struct lws *wsi, void *user, const char *path);

#endif
