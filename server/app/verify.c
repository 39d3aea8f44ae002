/*
 * The log's hash chains checked (verify.h): each stream's events, in seq
 * order from 1 with no gap, each stored hash equal to SHA-256 of the one
 * before it and the event's stored bytes (base/digest.h). A row edited,
 * removed, or written by something other than plenaryd breaks the link at
 * that row, and the first such link is named.
 */
#include "app/verify.h"

#include <stdio.h>
#include <string.h>

#include "base/digest.h"
#include "base/model.h"
#include "store/store.h"

typedef struct chain {
  char stream[PL_ID_LEN];
  uint64_t seq;
  uint8_t hash[PL_DIGEST_LEN];
  size_t streams, events;
  char why[256];
} chain;

static int check_one(void *ctx, const char *stream, uint64_t seq, const char *body,
                     size_t len, const uint8_t *hash) {
  chain *c = ctx;
  if (strcmp(stream, c->stream) != 0) { /* a new stream: from zero */
    snprintf(c->stream, sizeof c->stream, "%s", stream);
    c->seq = 0;
    memset(c->hash, 0, sizeof c->hash);
    c->streams++;
  }
  uint8_t want[PL_DIGEST_LEN];
  if (seq != c->seq + 1) {
    snprintf(c->why, sizeof c->why, "%s: event %llu follows %llu: an event is missing",
             stream, (unsigned long long)seq, (unsigned long long)c->seq);
    return 1;
  }
  if (pl_chain_hash(c->hash, body, len, want)) {
    snprintf(c->why, sizeof c->why, "SHA-256 failed");
    return 1;
  }
  if (!hash || memcmp(hash, want, sizeof want) != 0) {
    snprintf(c->why, sizeof c->why,
             "%s: event %llu does not follow from the one before it: it, or its hash, was "
             "changed", stream, (unsigned long long)seq);
    return 1;
  }
  memcpy(c->hash, hash, sizeof c->hash);
  c->seq = seq;
  c->events++;
  return 0;
}

int pl_verify_chains(const char *db) {
  char err[512];
  pl_store *s = pl_store_open(db, err, sizeof err);
  if (!s) {
    fprintf(stderr, "plenaryd verify: %s\n", err);
    return 2;
  }
  chain c = {0};
  pl_store_rc rc = pl_store_chain_each(s, check_one, &c);
  pl_store_close(s);
  if (rc == PL_STORE_STOPPED) {
    printf("broken: %s\n", c.why);
    return 1;
  }
  if (rc != PL_STORE_OK) {
    fprintf(stderr, "plenaryd verify: cannot read the log of %s\n", db);
    return 2;
  }
  printf("every chain holds: %zu events on %zu streams\n", c.events, c.streams);
  return 0;
}
