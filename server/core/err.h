/*
 * The error list of the whole server, as one X-macro (libuv's UV_ERRNO_MAP):
 * it makes the pl_err enum, the wire code of contract section 3 and the
 * default human message, so the three never drift apart.
 */
#ifndef PL_CORE_ERR_H
#define PL_CORE_ERR_H

#define PL_ERR_MAP(X)                                                              \
  X(OK, "ok", "ok")                                                                \
  X(BAD_JSON, "bad_json", "the frame is not a JSON object")                        \
  X(BAD_REQUEST, "bad_request", "the request is malformed")                        \
  X(UNKNOWN_OP, "unknown_op", "there is no such op")                               \
  X(UNAUTHENTICATED, "unauthenticated", "say hello with a valid token first")      \
  X(FORBIDDEN, "forbidden", "your role may not do this")                           \
  X(NOT_FOUND, "not_found", "no such thing")                                       \
  X(CONFLICT, "conflict", "the current state does not allow this")               \
  X(LIMIT, "limit", "a speaking limit refuses this")                               \
  X(RATE_LIMITED, "rate_limited", "too many requests; slow down")                  \
  X(UNAVAILABLE, "unavailable", "the change could not be stored; try again")       \
  X(INTERNAL, "internal", "internal error")

typedef enum {
#define PL_ERR_ENUM(name, code, msg) PL_ERR_##name,
  PL_ERR_MAP(PL_ERR_ENUM)
#undef PL_ERR_ENUM
  PL_ERR__COUNT
} pl_err;

/* Both return static strings; an out-of-range value gives "internal". */
const char *pl_err_code(pl_err e);
const char *pl_err_message(pl_err e);

#endif
