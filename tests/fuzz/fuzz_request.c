/*
 * Fuzz target: the request envelope (wire/request.c), the first thing every
 * frame from a client meets. Whatever the bytes, the decoder accepts a JSON
 * object with a string `op` and an id that is absent, a string or an
 * integer, and hands on the arguments without `op` and `id`; or it refuses
 * with bad_json or bad_request and a message. Nothing else, never a crash.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_request_env r;
  char msg[256] = "";
  pl_err e = pl_request_decode((const char *)data, size, &r, msg, sizeof msg);
  if (e == PL_ERR_OK) {
    if (!r.op || !json_is_object(r.req) || !json_is_object(r.args) ||
        json_object_get(r.args, "op") || json_object_get(r.args, "id") ||
        json_object_size(r.args) + 1 + (json_object_get(r.req, "id") ? 1 : 0) !=
            json_object_size(r.req))
      abort();
    if (r.re && !json_is_string(r.re) && !json_is_integer(r.re))
      abort();
    if (!json_is_string(json_object_get(r.req, "op")) ||
        strcmp(json_string_value(json_object_get(r.req, "op")), r.op) != 0)
      abort();
  } else if ((e != PL_ERR_BAD_JSON && e != PL_ERR_BAD_REQUEST && e != PL_ERR_INTERNAL) ||
             msg[0] == '\0' || r.args) {
    abort();
  }
  pl_request_release(&r);
  return 0;
}
