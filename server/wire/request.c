/* The request envelope, decoded (request.h). */
#include "wire/request.h"

#include <stdio.h>
#include <string.h>

pl_err pl_request_decode(const char *text, size_t len, pl_request_env *out, char *msg,
                         size_t msglen) {
  json_error_t jerr;
  memset(out, 0, sizeof *out);
  out->req = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!out->req || !json_is_object(out->req)) {
    if (out->req)
      snprintf(msg, msglen, "the frame must be a JSON object");
    else
      snprintf(msg, msglen, "not JSON: %s at byte %d", jerr.text, jerr.position);
    return PL_ERR_BAD_JSON;
  }
  json_t *id = json_object_get(out->req, "id");
  if (id && (json_is_string(id) || json_is_integer(id))) {
    out->re = json_incref(id);
  } else if (id) {
    snprintf(msg, msglen, "field 'id' must be a string or an integer");
    return PL_ERR_BAD_REQUEST;
  }
  json_t *opv = json_object_get(out->req, "op");
  if (!json_is_string(opv)) {
    snprintf(msg, msglen, opv ? "field 'op' must be a string" : "field 'op' is missing");
    return PL_ERR_BAD_REQUEST;
  }
  out->op = json_string_value(opv);
  out->args = json_copy(out->req); /* shallow: the handlers see only their arguments */
  if (!out->args) {
    snprintf(msg, msglen, "out of memory");
    return PL_ERR_INTERNAL;
  }
  json_object_del(out->args, "op");
  json_object_del(out->args, "id");
  return PL_ERR_OK;
}

void pl_request_release(pl_request_env *r) {
  json_decref(r->args);
  json_decref(r->re);
  json_decref(r->req);
  memset(r, 0, sizeof *r);
}
