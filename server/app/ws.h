/*
 * The WebSocket protocol "plenary.v1" at /ws (ws.c): frame rules of
 * contract section 3, reassembly, and the hand-off to the ops layer.
 */
#ifndef PL_APP_WS_H
#define PL_APP_WS_H

#include <libwebsockets.h>

int pl_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);

#endif
