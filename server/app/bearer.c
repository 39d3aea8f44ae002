/* Who an HTTP request comes from (bearer.h). */
#include "app/bearer.h"

#include <string.h>
#include <strings.h>

#include "base/server.h"
#include "base/token.h"
#include "store/store.h"

pl_bearer_rc pl_bearer_who(struct lws *wsi, pl_participant_rec *p, pl_delegation_rec *d) {
  char h[256];
  if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
    return PL_BEARER_NONE;
  if (lws_hdr_copy(wsi, h, sizeof h, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
    return PL_BEARER_BAD;
  return pl_bearer_of(h, p, d);
}

pl_bearer_rc pl_bearer_of(const char *h, pl_participant_rec *p, pl_delegation_rec *d) {
  if (!h)
    return PL_BEARER_NONE;
  if (strncasecmp(h, "Bearer ", 7) != 0)
    return PL_BEARER_BAD;
  const char *token = h + 7;
  while (*token == ' ')
    token++;
  uint8_t hash[PL_HASH_LEN];
  pl_token_hash(token, hash);
  pl_store_rc rc = pl_store_participant_by_token(pl_srv->store, hash, p);
  if (rc == PL_STORE_NOT_FOUND)
    return PL_BEARER_BAD;
  if (rc != PL_STORE_OK || pl_store_delegation_get(pl_srv->store, p->delegation, d) != PL_STORE_OK)
    return PL_BEARER_FAIL;
  return PL_BEARER_OK;
}
