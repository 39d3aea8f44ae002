/* Token generation and hashing through OpenSSL (token.h). */
#include "base/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "base/sign.h"

int pl_token_new(char *out, size_t outlen, size_t bytes) {
  unsigned char raw[64];
  if (bytes > sizeof raw || outlen < (bytes * 4 + 2) / 3 + 1)
    return -1;
  if (RAND_bytes(raw, (int)bytes) != 1)
    return -1;
  /* Tokens travel in URL fragments and paths: the base64url alphabet,
   * unpadded. */
  char enc[4 * ((sizeof raw + 2) / 3) + 1];
  int n = pl_base64url(enc, sizeof enc, raw, bytes);
  OPENSSL_cleanse(raw, sizeof raw);
  if (n < 0 || (size_t)n >= outlen)
    return OPENSSL_cleanse(enc, sizeof enc), -1;
  memcpy(out, enc, (size_t)n + 1);
  OPENSSL_cleanse(enc, sizeof enc);
  return 0;
}

void pl_token_hash(const char *token, uint8_t hash[PL_HASH_LEN]) {
  SHA256((const unsigned char *)token, strlen(token), hash);
}

bool pl_token_hash_equal(const uint8_t a[PL_HASH_LEN], const uint8_t b[PL_HASH_LEN]) {
  return CRYPTO_memcmp(a, b, PL_HASH_LEN) == 0;
}

void pl_token_hash_hex(const uint8_t hash[PL_HASH_LEN], char out[PL_HASH_HEX_LEN]) {
  size_t n = 0;
  if (!OPENSSL_buf2hexstr_ex(out, PL_HASH_HEX_LEN, &n, hash, PL_HASH_LEN, '\0'))
    out[0] = '\0';
}

int pl_token_hash_from_hex(const char *hex, uint8_t hash[PL_HASH_LEN]) {
  size_t n = 0;
  if (!hex || strlen(hex) != 2 * PL_HASH_LEN ||
      !OPENSSL_hexstr2buf_ex(hash, PL_HASH_LEN, &n, hex, '\0') || n != PL_HASH_LEN)
    return -1;
  return 0;
}
