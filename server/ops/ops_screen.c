/*
 * Links for the room's screen (ops_screen.h).
 */
#include "ops/ops_screen.h"

#include <stdio.h>
#include <string.h>

#include "live/commit.h"
#include "live/live.h"

/* The meeting named in args, when the session presides it. */
static pl_live *presided(pl_op_ctx *c, json_t *args, pl_err *e) {
  const char *id;
  *e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &id);
  pl_live *m = *e ? NULL : pl_op_meeting(c, id, e);
  if (m && !pl_session_presides(c->s, m)) {
    *e = pl_op_fail(c, PL_ERR_FORBIDDEN, "only the chair of meeting %s may issue or revoke "
                    "its screen link", m->rec.id);
    return NULL;
  }
  return m;
}

/* Commits one screen event; the screens on the link it replaces close. */
static pl_err commit_screen(pl_op_ctx *c, pl_live *m, const pl_pevent *ev) {
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_programme(&ch, ev);
  /* A screen session's who.id is its meeting's (pl_screen_hello). */
  pl_change_close_sessions(&ch, m->rec.id);
  return pl_op_commit(c, &ch);
}

pl_err pl_op_screen_link(pl_op_ctx *c, json_t *args) {
  pl_err e;
  pl_live *m = presided(c, args, &e);
  if (!m)
    return e;
  char token[PL_TOKEN_LEN];
  if (pl_token_new(token, sizeof token, 32))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the random generator failed");
  pl_pevent ev = {.type = PL_PEV_SCREEN_ISSUED};
  snprintf(ev.screen, sizeof ev.screen, "%s", m->rec.id);
  pl_token_hash(token, ev.token_hash);
  if ((e = commit_screen(c, m, &ev)))
    return e;
  char path[160];
  snprintf(path, sizeof path, "/projector.html?meeting=%s#screen=%s", m->rec.id, token);
  c->result = json_pack("{s:s, s:s, s:s}", "meeting", m->rec.id, "token", token, "path", path);
  return PL_ERR_OK;
}

pl_err pl_op_screen_revoke(pl_op_ctx *c, json_t *args) {
  pl_err e;
  pl_live *m = presided(c, args, &e);
  if (!m)
    return e;
  if (!m->has_screen)
    return pl_op_fail(c, PL_ERR_CONFLICT, "meeting %s has no screen link", m->rec.id);
  pl_pevent ev = {.type = PL_PEV_SCREEN_REVOKED};
  snprintf(ev.screen, sizeof ev.screen, "%s", m->rec.id);
  if ((e = commit_screen(c, m, &ev)))
    return e;
  c->result = json_pack("{s:s}", "meeting", m->rec.id);
  return PL_ERR_OK;
}

void pl_screen_hello(pl_session *s, const pl_live *m) {
  pl_op_session_nobody(s, m->rec.id, "Screen");
  s->screen = true; /* the dispatcher sees it before the role */
}
