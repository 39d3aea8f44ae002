/*
 * Strict request validation on jansson's json_unpack_ex with JSON_STRICT,
 * plus the one thing jansson does not give: the name of the field at fault.
 * jansson says "Expected string, got integer" without the key; the contract
 * wants messages that name the field, so on a type error we walk the format
 * up to the error position to find which key it was.
 *
 * Supported formats: one flat object, "{s:X, s?X, ...}", where X is a single
 * conversion taking one output pointer (s, i, I, b, o, O, F) — the shape of
 * every request here. Nested objects are unpacked in a second call.
 */
#ifndef PL_UNPACK_H
#define PL_UNPACK_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

/* Returns PL_ERR_OK, or PL_ERR_BAD_REQUEST with a message naming the field
 * in msg. */
pl_err pl_unpack(json_t *obj, char *msg, size_t msglen, const char *fmt, ...);

#endif
