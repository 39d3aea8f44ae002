/*
 * The log's hash chain (digest.c): every event row carries
 *   hash = SHA-256(hash of the stream's previous event || the event's bytes)
 * with 32 zero bytes before a stream's first event, so a row changed,
 * removed or put back in another order breaks every link after it.
 */
#ifndef PL_BASE_DIGEST_H
#define PL_BASE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define PL_DIGEST_LEN 32

/* out = SHA-256(prev || body). Returns 0, or -1 when OpenSSL failed. */
int pl_chain_hash(const uint8_t prev[PL_DIGEST_LEN], const void *body, size_t len,
                  uint8_t out[PL_DIGEST_LEN]);

#endif
