/*
 * The dynamic HTTP endpoints of contract section 2 (http.c). One route
 * table feeds both the lws mounts (server.c) and the router, so a path is
 * named once.
 */
#ifndef PL_APP_HTTP_H
#define PL_APP_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

typedef int (*pl_http_handler)(struct lws *wsi, void *user, const char *path);

typedef struct pl_http_route {
  const char *mount; /* the lws mountpoint */
  bool subtree;      /* also every path below it ("/calendar/...") */
  pl_http_handler fn;
} pl_http_route;

extern const pl_http_route pl_http_routes[];
extern const size_t pl_http_route_count;

/* The "http" protocol's callback: the routes, then lws' static files. */
int pl_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);

#endif
