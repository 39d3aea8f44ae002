/* The log's hash chain through OpenSSL's EVP interface (digest.h). */
#include "base/digest.h"

#include <openssl/evp.h>

int pl_chain_hash(const uint8_t prev[PL_DIGEST_LEN], const void *body, size_t len,
                  uint8_t out[PL_DIGEST_LEN]) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned int n = 0;
  int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
           EVP_DigestUpdate(ctx, prev, PL_DIGEST_LEN) && EVP_DigestUpdate(ctx, body, len) &&
           EVP_DigestFinal_ex(ctx, out, &n) && n == PL_DIGEST_LEN;
  EVP_MD_CTX_free(ctx);
  return ok ? 0 : -1;
}
