/* Webhooks, the secretariat's (ops_webhook.h). */
#include "ops/ops_webhook.h"

#include <string.h>

#include "base/server.h"
#include "store/webhooks.h"
#include "wire/webhook_json.h"

#define MAX_WEBHOOKS 64
#define DELIVERIES_DEFAULT 20
#define DELIVERIES_MAX 100

static int count_one(void *ctx, const pl_webhook_rec *w) {
  (void)w;
  ++*(int *)ctx;
  return 0;
}

pl_err pl_op_webhook_create(pl_op_ctx *c, json_t *args) {
  const char *url, *secret;
  json_t *events;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:o, s:s}", "url", &url, "events", &events,
                          "secret", &secret);
  if (e)
    return e;
  pl_webhook_rec w;
  if ((e = pl_webhook_from_request(&w, url, events, secret, c->msg, sizeof c->msg)))
    return e;
  int n = 0;
  if (pl_store_webhook_each(pl_srv->store, count_one, &n) != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (n >= MAX_WEBHOOKS)
    return pl_op_fail(c, PL_ERR_LIMIT, "at most %d webhooks", MAX_WEBHOOKS);
  /* Ids are never reused: a deleted endpoint's deliveries cannot become
   * another's. The log's webhook events number them. */
  pl_id_format(w.id, sizeof w.id, 'w', (int64_t)pl_srv->prog.next_webhook);
  w.created_at = c->now;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_WEBHOOK_CREATED, .webhook = &w};
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o}", "webhook", pl_json_webhook(&w, false));
  return PL_ERR_OK;
}

static int list_one(void *ctx, const pl_webhook_rec *w) {
  json_array_append_new(ctx, pl_json_webhook(w, false));
  return 0;
}

pl_err pl_op_webhook_list(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  json_t *list = json_array();
  if (pl_store_webhook_each(pl_srv->store, list_one, list) != PL_STORE_OK) {
    json_decref(list);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o}", "webhooks", list);
  return PL_ERR_OK;
}

/* The endpoint named by args' `webhook`, into w. */
static pl_err find(pl_op_ctx *c, json_t *args, pl_webhook_rec *w, json_int_t *limit) {
  const char *id;
  pl_err e = limit ? PL_OP_UNPACK(c, args, "{s:s, s?I}", "webhook", &id, "limit", limit)
                   : PL_OP_UNPACK(c, args, "{s:s}", "webhook", &id);
  if (e)
    return e;
  pl_store_rc rc = pl_store_webhook_get(pl_srv->store, id, w);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no webhook '%.40s'", id);
  return rc == PL_STORE_OK ? PL_ERR_OK : pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
}

pl_err pl_op_webhook_delete(pl_op_ctx *c, json_t *args) {
  pl_webhook_rec w;
  pl_err e = find(c, args, &w, NULL);
  if (e)
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_WEBHOOK_DELETED, .webhook = &w};
  pl_change_programme(&ch, &ev);
  return pl_op_commit(c, &ch);
}

static int attempt_one(void *ctx, const char *stream, uint64_t seq, const char *ev,
                       int64_t at, int status, const char *answer) {
  char id[PL_ID_LEN + 40];
  snprintf(id, sizeof id, "%s:%llu", stream, (unsigned long long)seq);
  json_array_append_new(ctx, json_pack("{s:s, s:s, s:I, s:s, s:I, s:i, s:s}", "delivery", id,
                                       "stream", stream, "seq", (json_int_t)seq, "ev", ev,
                                       "at", (json_int_t)at, "status", status, "answer",
                                       answer));
  return 0;
}

pl_err pl_op_webhook_deliveries(pl_op_ctx *c, json_t *args) {
  pl_webhook_rec w;
  json_int_t limit = DELIVERIES_DEFAULT;
  pl_err e = find(c, args, &w, &limit);
  if (e)
    return e;
  if (limit < 1 || limit > DELIVERIES_MAX)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'limit' must be 1 to %d", DELIVERIES_MAX);
  json_t *list = json_array();
  int64_t pending = 0;
  if (pl_store_webhook_attempts(pl_srv->store, w.id, (int)limit, attempt_one, list,
                                &pending) != PL_STORE_OK) {
    json_decref(list);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o, s:o, s:I}", "webhook", pl_json_webhook(&w, false), "attempts",
                        list, "pending", (json_int_t)pending);
  return PL_ERR_OK;
}
