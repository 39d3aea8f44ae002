/*
 * The TLS certificate and key (tls.c): checked before a start, and reloaded
 * on SIGHUP without dropping a connection.
 *
 * lws 4.1 can reload a vhost's pair only through lws_tls_cert_updated, which
 * reports no failure and, given a key that does not match, leaves the vhost
 * with the new certificate and the old key. So we keep the vhost's SSL_CTX,
 * which lws hands protocols[0] once (LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_
 * VERIFY_CERTS), check the new pair in a scratch context first, and only then
 * load it into the live one. OpenSSL copies the context's pair into each
 * connection when it is accepted, so open connections keep the old pair and
 * new handshakes get the new one.
 */
#ifndef PL_APP_TLS_H
#define PL_APP_TLS_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when the chain at `cert` and the key at `key` load and match; else -1
 * and why (OpenSSL's reason) in why. */
int pl_tls_check_pair(const char *cert, const char *key, char *why, size_t cap);

/* Keeps the vhost's SSL_CTX (borrowed; lws owns it). */
void pl_tls_capture(void *ssl_ctx);

/* Loads the pair into the kept context once it has passed the check: 0, or
 * -1 with why, and then the old pair stays in use. */
int pl_tls_reload(const char *cert, const char *key, char *why, size_t cap);

/* True when the kept context holds a certificate with its key. */
bool pl_tls_ready(void);

#endif
