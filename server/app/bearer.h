/*
 * Who an HTTP request comes from (bearer.c): "Authorization: Bearer
 * <participant token>", checked as hello checks it over WebSocket (the
 * token's SHA-256 against the participants view; a revoked token matches
 * nobody).
 */
#ifndef PL_APP_BEARER_H
#define PL_APP_BEARER_H

#include <libwebsockets.h>

#include "base/model.h"

typedef enum {
  PL_BEARER_OK,
  PL_BEARER_NONE, /* no Authorization header */
  PL_BEARER_BAD,  /* a header, but no valid token in it */
  PL_BEARER_FAIL, /* the store failed */
} pl_bearer_rc;

pl_bearer_rc pl_bearer_who(struct lws *wsi, pl_participant_rec *p, pl_delegation_rec *d);
/* The same from the Authorization header's value (NULL: none), for a
 * request the door read itself (app/early.c). */
pl_bearer_rc pl_bearer_of(const char *authorization, pl_participant_rec *p,
                          pl_delegation_rec *d);

#endif
