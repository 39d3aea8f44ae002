/*
 * A meeting as JSON: validating the fields of meeting.create / meeting.update
 * into a pl_meeting_rec, and encoding the record for replies, events and the
 * store (the stored body is the same JSON, so one decoder serves both).
 */
#ifndef PL_MEETING_JSON_H
#define PL_MEETING_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "base/model.h"
#include "core/err.h"

typedef enum {
  PL_MEETING_CREATE, /* title, kind, format, tz, start, end required */
  PL_MEETING_UPDATE, /* every field optional; `meeting` already removed */
  PL_MEETING_LOAD,   /* a stored body: also id, status, sequence, instants */
} pl_meeting_mode;

/* Applies the fields of `obj` onto `m` (which holds defaults or the current
 * meeting), validating each. On success returns PL_ERR_OK and recomputes
 * start_at / end_at; on failure returns PL_ERR_BAD_REQUEST with a message
 * naming the field, and `m` may be partly changed (callers work on a copy).
 * Items given replace m->items. In PL_MEETING_LOAD mode the nulls of `obj`
 * are removed from it. */
pl_err pl_meeting_from_json(pl_meeting_rec *m, json_t *obj, pl_meeting_mode mode, char *msg,
                         size_t msglen);

/* Defaults for a new meeting: one general item, default policy. Returns 0,
 * or -1 when out of memory. */
int pl_meeting_init_defaults(pl_meeting_rec *m);

json_t *pl_json_meeting(const pl_meeting_rec *m);
json_t *pl_json_policy(const pl_policy *p);

/* True when `s` has no control characters (C0, DEL): single-line fields. */
bool pl_text_is_single_line(const char *s);

/* True when `s` looks like a BCP 47 language tag that fits PL_LANG_LEN: a
 * primary subtag of 2 or 3 letters, then subtags of 1 to 8 letters or
 * digits after hyphens ("fr", "zh-Hans", "es-419"). */
bool pl_language_is_tag(const char *s);

#endif
