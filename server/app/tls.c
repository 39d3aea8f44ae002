/* The TLS certificate and key (tls.h). */
#include "app/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

static SSL_CTX *live_ctx; /* borrowed from lws' vhost */

/* The last OpenSSL error as text, with what we were doing. */
static int fail(const char *what, const char *path, char *why, size_t cap) {
  char reason[256] = "";
  unsigned long e = ERR_peek_last_error();
  if (e)
    ERR_error_string_n(e, reason, sizeof reason);
  ERR_clear_error();
  snprintf(why, cap, "%s %s: %s", what, path, e ? reason : "failed");
  return -1;
}

/* Loads the pair into ctx and checks that the key is the certificate's. */
static int load_pair(SSL_CTX *ctx, const char *cert, const char *key, char *why, size_t cap) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
    return fail("cannot load the certificate chain", cert, why, cap);
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
    return fail("cannot load the private key", key, why, cap);
  if (SSL_CTX_check_private_key(ctx) != 1)
    return fail("the key does not match the certificate", key, why, cap);
  return 0;
}

int pl_tls_check_pair(const char *cert, const char *key, char *why, size_t cap) {
  SSL_CTX *scratch = SSL_CTX_new(TLS_server_method());
  if (!scratch)
    return fail("cannot create a TLS context for", cert, why, cap);
  int rc = load_pair(scratch, cert, key, why, cap);
  SSL_CTX_free(scratch);
  return rc;
}

void pl_tls_capture(void *ssl_ctx) {
  live_ctx = ssl_ctx;
  /* RELEASE_BUFFERS: an idle connection gives its 16 KiB read and write
   * buffers back (docs/PERFORMANCE.md, TLS). ACCEPT_MOVING_WRITE_BUFFER: the
   * fan-out writes a frame from its own buffer and, when the socket is full,
   * lws retries from its copy (net/session.c). */
  SSL_CTX_set_mode(live_ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

int pl_tls_reload(const char *cert, const char *key, char *why, size_t cap) {
  if (!live_ctx)
    return snprintf(why, cap, "no TLS context to reload (plain)"), -1;
  if (pl_tls_check_pair(cert, key, why, cap))
    return -1;
  /* Checked a moment ago: only a file replaced in between can fail here, and
   * then the live pair may be mixed, so say so loudly. */
  if (load_pair(live_ctx, cert, key, why, cap))
    return -1;
  return 0;
}

bool pl_tls_ready(void) {
  return live_ctx && SSL_CTX_get0_certificate(live_ctx) &&
         SSL_CTX_check_private_key(live_ctx) == 1;
}
