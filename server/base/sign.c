/* HMAC, base64url and HS256 tokens through OpenSSL (sign.h). */
#include "base/sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

int pl_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                   uint8_t out[PL_MAC_LEN]) {
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &n) || n != PL_MAC_LEN)
    return -1;
  return 0;
}

static void hex(char *out, const uint8_t *in, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

int pl_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
                       char out[PL_MAC_HEX_LEN]) {
  uint8_t mac[PL_MAC_LEN];
  if (pl_hmac_sha256(key, keylen, data, len, mac))
    return -1;
  hex(out, mac, sizeof mac);
  return 0;
}

int pl_random_hex(char *out, size_t cap, size_t bytes) {
  uint8_t raw[64];
  if (bytes > sizeof raw || cap <= 2 * bytes || RAND_bytes(raw, (int)bytes) != 1)
    return -1;
  hex(out, raw, bytes);
  return 0;
}

bool pl_hmac_sha256_check(const void *key, size_t keylen, const void *data, size_t len,
                          const char *hex) {
  char want[PL_MAC_HEX_LEN], got[PL_MAC_HEX_LEN];
  if (!hex || strlen(hex) != 2 * PL_MAC_LEN ||
      pl_hmac_sha256_hex(key, keylen, data, len, want))
    return false;
  for (size_t i = 0; i <= 2 * PL_MAC_LEN; i++)
    got[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
  return CRYPTO_memcmp(want, got, sizeof want) == 0;
}

int pl_base64url(char *out, size_t cap, const void *in, size_t n) {
  size_t need = 4 * ((n + 2) / 3) + 1;
  if (cap < need || n > INT32_MAX / 2)
    return -1;
  /* EVP_EncodeBlock writes standard base64 with padding: map it to the
   * URL alphabet and drop the padding, in place. */
  int w = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
  size_t o = 0;
  for (int i = 0; i < w && out[i] != '='; i++)
    out[o++] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
  out[o] = '\0';
  return (int)o;
}

/* Appends base64url(in) to buf at *at. */
static int append_b64(char *buf, size_t cap, size_t *at, const void *in, size_t n) {
  int w = pl_base64url(buf + *at, cap - *at, in, n);
  if (w < 0)
    return -1;
  *at += (size_t)w;
  return 0;
}

char *pl_jwt_hs256(const json_t *claims, const void *key, size_t keylen) {
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  char *payload = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
  if (!payload)
    return NULL;
  size_t plen = strlen(payload);
  size_t cap = 4 * ((sizeof header + 2) / 3) + 4 * ((plen + 2) / 3) +
               4 * ((PL_MAC_LEN + 2) / 3) + 4;
  char *jwt = malloc(cap);
  uint8_t mac[PL_MAC_LEN];
  size_t at = 0;
  if (!jwt || append_b64(jwt, cap, &at, header, sizeof header - 1))
    goto out_fail;
  jwt[at++] = '.';
  if (append_b64(jwt, cap, &at, payload, plen))
    goto out_fail;
  /* The signature covers the two encoded parts and the dot between them. */
  if (pl_hmac_sha256(key, keylen, jwt, at, mac))
    goto out_fail;
  jwt[at++] = '.';
  if (append_b64(jwt, cap, &at, mac, sizeof mac))
    goto out_fail;
  free(payload);
  return jwt;
out_fail:
  free(payload);
  free(jwt);
  return NULL;
}
