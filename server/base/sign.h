/*
 * Signatures of what Plenary sends to, and takes from, other programs
 * (sign.c): HMAC-SHA256 through OpenSSL, its hex as webhooks carry it
 * (`sha256=<hex>`), base64url as JWTs and tokens carry bytes, and the HS256
 * JSON Web Token (RFC 7519) Jitsi's token authentication verifies.
 */
#ifndef PL_BASE_SIGN_H
#define PL_BASE_SIGN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_MAC_LEN 32
#define PL_MAC_HEX_LEN (2 * PL_MAC_LEN + 1) /* lower-case hex and NUL */
#define PL_SECRET_MAX 512                   /* bytes of a shared secret */

/* out = HMAC-SHA256(key, data). Returns 0, or -1 when OpenSSL failed. */
int pl_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                   uint8_t out[PL_MAC_LEN]);

/* The hex of HMAC-SHA256(key, data), lower case as GitHub-style receivers
 * compare it. Returns 0, or -1. */
int pl_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
                       char out[PL_MAC_HEX_LEN]);

/* True when `hex` (either case) is the HMAC of data, compared in constant time. */
bool pl_hmac_sha256_check(const void *key, size_t keylen, const void *data, size_t len,
                          const char *hex);

/* base64url of n bytes, unpadded (RFC 4648 section 5), NUL-terminated.
 * Returns the length written, or -1 when cap cannot hold 4*ceil(n/3)+1. */
int pl_base64url(char *out, size_t cap, const void *in, size_t n);

/* Writes 2*bytes random lower-case hex digits and a NUL into out (cap >
 * 2*bytes). Returns 0, or -1 when the RNG failed. */
int pl_random_hex(char *out, size_t cap, size_t bytes);

/* An HS256 JWT of `claims` (compact JSON, keys sorted): header.payload.sig.
 * Returns a malloc'd string the caller frees, or NULL. */
char *pl_jwt_hs256(const json_t *claims, const void *key, size_t keylen);

#endif
