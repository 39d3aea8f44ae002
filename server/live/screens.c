/*
 * Links for the room's screen (screens.h). A meeting has few at a time and
 * a server a few hundred meetings, so a hello finds its link by a walk over
 * the live meetings: no index to keep in step with the log.
 */
#include "live/screens.h"

#include <jansson.h>
#include <libwebsockets.h>
#include <string.h>

#include "base/server.h"
#include "wire/pevent_json.h"

int pl_screens_apply(const pl_pevent *ev) {
  pl_live *m = pl_live_get(ev->screen);
  if (!m)
    return -1;
  m->has_screen = ev->type == PL_PEV_SCREEN_ISSUED;
  if (m->has_screen)
    memcpy(m->screen_hash, ev->token_hash, PL_HASH_LEN);
  else
    memset(m->screen_hash, 0, PL_HASH_LEN);
  return 0;
}

pl_live *pl_screens_by_hash(const uint8_t hash[PL_HASH_LEN]) {
  for (size_t i = 0; i < pl_srv->n_live; i++) {
    pl_live *m = pl_srv->live[i];
    if (m && m->has_screen && memcmp(m->screen_hash, hash, PL_HASH_LEN) == 0)
      return m;
  }
  return NULL;
}

bool pl_screens_text_is_screen(const char *body, size_t len) {
  static const char prefix[] = "{\"ev\":\"screen.";
  return len >= sizeof prefix - 1 && memcmp(body, prefix, sizeof prefix - 1) == 0;
}

int pl_screens_replay(uint64_t seq, const char *body, size_t len) {
  if (!pl_screens_text_is_screen(body, len))
    return 0;
  pl_pevent_bufs b;
  memset(&b, 0, sizeof b);
  pl_pevent ev;
  char msg[200];
  json_t *o = json_loadb(body, len, 0, NULL);
  int failed = !o || pl_pevent_from_json(o, &ev, &b, msg, sizeof msg) != PL_ERR_OK ||
               !pl_pevent_is_screen(ev.type) || pl_screens_apply(&ev) != 0;
  if (failed)
    lwsl_err("replay: programme event %llu (a screen link) is damaged\n",
             (unsigned long long)seq);
  json_decref(o);
  pl_pevent_bufs_release(&b);
  return failed;
}
