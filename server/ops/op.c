/* What every op handler works with (op.h). */
#include "ops/op.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

pl_err pl_op_fail(pl_op_ctx *c, pl_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->msg, sizeof c->msg, fmt, ap);
  va_end(ap);
  return e;
}

pl_live *pl_op_meeting(pl_op_ctx *c, const char *id, pl_err *err) {
  pl_live *m = pl_live_get(id);
  if (!m)
    *err = pl_op_fail(c, PL_ERR_NOT_FOUND, "no meeting '%.40s'", id);
  return m;
}

pl_err pl_op_commit(pl_op_ctx *c, pl_change *ch) {
  pl_err e = pl_change_commit(ch, c->msg, sizeof c->msg);
  pl_change_release(ch);
  return e;
}

pl_live *pl_op_take_meeting(pl_op_ctx *c, json_t *args, pl_err *err) {
  json_t *id = json_object_get(args, "meeting");
  if (!json_is_string(id)) {
    *err = pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      id ? "field 'meeting' must be a string" : "field 'meeting' is missing");
    return NULL;
  }
  pl_live *m = pl_op_meeting(c, json_string_value(id), err);
  json_object_del(args, "meeting");
  return m;
}

void pl_op_session_nobody(pl_session *s, const char *id, const char *name) {
  memset(&s->who, 0, sizeof s->who);
  snprintf(s->who.id, sizeof s->who.id, "%s", id);
  snprintf(s->who.name, sizeof s->who.name, "%s", name);
  s->who.role = PL_ROLE_VIEWER;
  memset(&s->delegation, 0, sizeof s->delegation);
  s->delegation.kind = PL_DELEGATION_NGO;
  s->authed = true;
}
