/*
 * Host names resolved off the service thread (resolve.c). Debian's lws 4.1.6
 * is built without its asynchronous DNS (LWS_WITH_SYS_ASYNC_DNS is off), so
 * lws_client_connect_via_info given a name would call getaddrinfo on the
 * service thread and hold every meeting for as long as DNS takes. Each
 * lookup gets a short-lived thread; its answer comes back to the loop
 * through an ev_async, and only there is lws called.
 */
#ifndef PL_NET_RESOLVE_H
#define PL_NET_RESOLVE_H

#include <stdbool.h>

/* On the loop: `addr` is the numeric address, or NULL with `why`. */
typedef void (*pl_resolved_fn)(void *token, const char *addr, const char *why);

/* True when `host` is already a numeric IPv4 or IPv6 address. */
bool pl_resolve_is_numeric(const char *host);

/* Looks `host` up; fn(token, ...) is called on the loop later, unless
 * pl_resolve_stop came first. Returns 0, or -1 (no thread, no memory). */
int pl_resolve(const char *host, void *token, pl_resolved_fn fn);

void pl_resolve_start(void);
/* Stops the watcher; answers still to come are dropped. */
void pl_resolve_stop(void);

#endif
