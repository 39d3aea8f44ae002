/*
 * Hooks in (hooks_http.c; docs/VIDEO.md): what a video conference tells
 * Plenary, POSTed to the server's own port.
 *
 *   POST /hooks/jitsi/events/...   Jitsi's event_sync (its README's payloads),
 *                                  with Authorization: Bearer <hook secret>
 *   POST /hooks/video              {meeting, participant, event} from any
 *                                  bot, with X-Plenary-Signature:
 *                                  sha256=<hex HMAC-SHA256 of the body>
 *
 * The body is read whole (at most PL_HOOK_BODY_MAX bytes, announced by
 * Content-Length) before anything is decided; a request that fails the
 * secret is 401 and changes nothing.
 */
#ifndef PL_APP_HOOKS_HTTP_H
#define PL_APP_HOOKS_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

/* event_sync's room-destroyed names every occupant since the room was
 * made, some 250 bytes each: a conference of a thousand fits. The body is
 * held before its secret is checked, so it stays small. */
#define PL_HOOK_BODY_MAX (256 * 1024)

/* One hook request, read whole: by lws under TLS, by the door on a plain
 * port (early.c), where lws 4.1.6 would hand the adopted head back to
 * itself as the body (its lws_http_action reads the connection's buffer
 * list again for h2 streams, and on h1 that list still holds the head). */
typedef struct pl_hook_in {
  const char *path;
  const char *authorization; /* the header's value, or NULL */
  const char *signature;     /* X-Plenary-Signature's value, or NULL */
  const char *body;
  size_t len;
} pl_hook_in;

/* True when a POST to `path` is a hook's. */
bool pl_hook_path(const char *path);

/* Checks the secret, applies the event and writes the answer's body into
 * reply (JSON on 200, text otherwise) and its type into *ctype. Returns the
 * HTTP status. */
unsigned pl_hook_handle(const pl_hook_in *in, char *reply, size_t cap, const char **ctype);

/* From LWS_CALLBACK_HTTP for a POST to `path`: refuses what is not a hook
 * or announces no body of a size it takes (returning what the callback
 * returns), or gets ready for the body (0). */
int pl_hooks_begin(struct lws *wsi, void *user, const char *path);
/* LWS_CALLBACK_HTTP_BODY: one piece of the body. */
int pl_hooks_body(struct lws *wsi, void *user, const void *in, size_t len);
/* LWS_CALLBACK_HTTP_BODY_COMPLETION: checks the secret, applies, answers. */
int pl_hooks_complete(struct lws *wsi, void *user);

#endif
