/*
 * The request envelope of contract section 3, decoded (request.c):
 * {"op": NAME, "id": ID, ...arguments}. Pure decoding, no server state, so
 * that tests/fuzz/fuzz_request.c can drive it with any bytes.
 */
#ifndef PL_WIRE_REQUEST_H
#define PL_WIRE_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

typedef struct pl_request_env {
  json_t *re;   /* owned: the id to echo, or NULL when there is no usable one */
  const char *op; /* borrowed from args' parent; valid until release */
  json_t *args; /* owned: the arguments, without "op" and "id" */
  json_t *req;  /* owned: the whole frame */
} pl_request_env;

/* Decodes one frame. Returns PL_ERR_OK with every field set; or
 * PL_ERR_BAD_JSON / PL_ERR_BAD_REQUEST with msg saying what, and then only
 * `re` may be set (an id found before the fault, so the reply can name it).
 * Release with pl_request_release either way. */
pl_err pl_request_decode(const char *text, size_t len, pl_request_env *out, char *msg,
                         size_t msglen);
void pl_request_release(pl_request_env *r);

#endif
