/*
 * Meeting validation and encoding (meeting_json.h). The zone and the local
 * date-times are checked through libical (tz.c); an RRULE is parsed by
 * libical and refused when it does not yield a recurrence.
 */
#include "wire/meeting_json.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/codec.h"
#include "wire/recurrence_json.h"
#include "cal/ical.h"
#include "cal/rrule.h"
#include "cal/tz.h"
#include "base/sign.h"
#include "base/unpack.h"

#define MAX_ITEMS 100
#define MAX_SPEECH_S 7200

bool pl_text_is_single_line(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return false;
  return true;
}

bool pl_language_is_tag(const char *s) {
  size_t n = strlen(s), run = 0, first = 0;
  if (n < 2 || n >= PL_LANG_LEN)
    return false;
  for (size_t i = 0; i <= n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '-' || ch == '\0') {
      if (run == 0 || run > 8 || (first == 0 && (run < 2 || run > 3)))
        return false;
      first++;
      run = 0;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (first > 0 && ch >= '0' && ch <= '9')) {
      run++;
    } else {
      return false;
    }
  }
  return true;
}

int pl_meeting_init_defaults(pl_meeting_rec *m) {
  memset(m, 0, sizeof *m);
  m->pillar = -1;
  m->status = PL_STATUS_SCHEDULED;
  pl_policy_default(&m->policy);
  m->items = calloc(1, sizeof *m->items);
  if (!m->items)
    return -1;
  m->n_items = 1;
  snprintf(m->items[0].id, sizeof m->items[0].id, "i1");
  snprintf(m->items[0].title, sizeof m->items[0].title, "General debate");
  m->items[0].kind = PL_ITEM_GENERAL;
  return 0;
}

/* Copies a validated single-line string field; NULL src leaves dst as is. */
static int set_text(char *dst, size_t len, const char *src, const char *field, bool nonempty,
                    char *msg, size_t msglen) {
  if (!src)
    return 0;
  if (strlen(src) >= len) {
    snprintf(msg, msglen, "field '%s' is longer than %zu bytes", field, len - 1);
    return -1;
  }
  if (nonempty && !*src) {
    snprintf(msg, msglen, "field '%s' must not be empty", field);
    return -1;
  }
  if (!pl_text_is_single_line(src)) {
    snprintf(msg, msglen, "field '%s' must not contain control characters", field);
    return -1;
  }
  snprintf(dst, len, "%s", src);
  return 0;
}

static int set_enum(int *dst, const char *const names[], size_t n, const char *src,
                    const char *field, char *msg, size_t msglen) {
  if (!src)
    return 0;
  int v = pl_enum_parse(names, n, src);
  if (v < 0) {
    snprintf(msg, msglen, "field '%s' has an unknown value '%.40s'", field, src);
    return -1;
  }
  *dst = v;
  return 0;
}
#define SET_ENUM(dst, type, src, field, msg, len)                                  \
  set_enum(&(dst), type##_names, type##_count, src, field, msg, len)

static int seconds_in_range(json_int_t v, const char *field, char *msg, size_t msglen) {
  if (v < 1 || v > MAX_SPEECH_S) {
    snprintf(msg, msglen, "field 'policy.%s' must be between 1 and %d seconds", field,
             MAX_SPEECH_S);
    return -1;
  }
  return 0;
}

static int policy_from_json(pl_policy *p, json_t *o, char *msg, size_t msglen) {
  json_int_t st = -1, gst = -1, ost = -1, pos = -1, omax = -1, jmin = -1, cont = -1;
  json_t *reply = NULL;
  const char *oitems = NULL, *expiry = NULL, *order = NULL;
  char inner[160];
  if (!json_is_object(o)) {
    snprintf(msg, msglen, "field 'policy' must be an object");
    return -1;
  }
  if (pl_unpack(o, inner, sizeof inner,
                "{s?I, s?I, s?I, s?I, s?o, s?s, s?I, s?s, s?I, s?I, s?s}", "statement_s", &st,
                "group_statement_s", &gst, "observer_statement_s", &ost, "point_of_order_s",
                &pos, "reply_s", &reply, "observer_items", &oitems, "observer_max_per_item",
                &omax, "on_expiry", &expiry, "joint_min", &jmin, "contingent_s", &cont, "order",
                &order)) {
    snprintf(msg, msglen, "policy: %s", inner);
    return -1;
  }
  struct { json_int_t v; const char *name; int32_t *dst; } secs[] = {
      {st, "statement_s", &p->statement_s},
      {gst, "group_statement_s", &p->group_statement_s},
      {ost, "observer_statement_s", &p->observer_statement_s},
      {pos, "point_of_order_s", &p->point_of_order_s},
  };
  for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
    if (secs[i].v == -1)
      continue;
    if (seconds_in_range(secs[i].v, secs[i].name, msg, msglen))
      return -1;
    *secs[i].dst = (int32_t)secs[i].v;
  }
  if (reply) {
    if (!json_is_array(reply) || json_array_size(reply) > PL_MAX_REPLIES) {
      snprintf(msg, msglen, "field 'policy.reply_s' must be a list of at most %d durations",
               PL_MAX_REPLIES);
      return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(reply, i, v) {
      if (!json_is_integer(v) || seconds_in_range(json_integer_value(v), "reply_s", msg, msglen)) {
        snprintf(msg, msglen, "field 'policy.reply_s' must hold durations of 1 to %d seconds",
                 MAX_SPEECH_S);
        return -1;
      }
      p->reply_s[i] = (int32_t)json_integer_value(v);
    }
    p->n_reply = (uint8_t)json_array_size(reply);
  }
  int oi = (int)p->observer_items, ex = (int)p->on_expiry, ord = (int)p->order;
  if (SET_ENUM(oi, pl_observer_items, oitems, "policy.observer_items", msg, msglen) ||
      SET_ENUM(ex, pl_on_expiry, expiry, "policy.on_expiry", msg, msglen) ||
      SET_ENUM(ord, pl_list_order, order, "policy.order", msg, msglen))
    return -1;
  p->order = (pl_list_order)ord;
  p->observer_items = (pl_observer_items)oi;
  p->on_expiry = (pl_on_expiry)ex;
  if (omax != -1) {
    if (omax < 0 || omax > 100) {
      snprintf(msg, msglen, "field 'policy.observer_max_per_item' must be 0 to 100");
      return -1;
    }
    p->observer_max_per_item = (int32_t)omax;
  }
  if (jmin != -1) {
    if (jmin < 2 || jmin > PL_MAX_JOINT) {
      snprintf(msg, msglen, "field 'policy.joint_min' must be 2 to %d States", PL_MAX_JOINT);
      return -1;
    }
    p->joint_min = (int32_t)jmin;
  }
  if (cont != -1) {
    /* 0 turns contingents off; a day of debate on one item is the most. */
    if (cont < 0 || cont > 86400) {
      snprintf(msg, msglen, "field 'policy.contingent_s' must be 0 (none) to 86400 seconds");
      return -1;
    }
    p->contingent_s = (int32_t)cont;
  }
  return 0;
}

/* channels: [{language, url}], at most PL_MAX_CHANNELS, one per language,
 * every url https (the page links to them, the calendar lists them). */
static int channels_from_json(pl_meeting_rec *m, json_t *a, char *msg, size_t msglen) {
  pl_channel got[PL_MAX_CHANNELS];
  if (!json_is_array(a) || json_array_size(a) > PL_MAX_CHANNELS) {
    snprintf(msg, msglen, "field 'channels' must be a list of at most %d channels",
             PL_MAX_CHANNELS);
    return -1;
  }
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    const char *lang = NULL, *url = NULL;
    char inner[160];
    if (pl_unpack(v, inner, sizeof inner, "{s:s, s:s}", "language", &lang, "url", &url)) {
      snprintf(msg, msglen, "channels[%zu]: %s", i, inner);
      return -1;
    }
    if (!pl_language_is_tag(lang)) {
      snprintf(msg, msglen, "field 'channels[%zu].language' must be a language tag", i);
      return -1;
    }
    if (!pl_ical_url_is_safe(url) || strlen(url) >= PL_CHANNEL_URL_LEN) {
      snprintf(msg, msglen, "field 'channels[%zu].url' must be an https URL of at most %d "
                            "bytes, without spaces or control characters",
               i, PL_CHANNEL_URL_LEN - 1);
      return -1;
    }
    for (size_t k = 0; k < i; k++)
      if (strcmp(got[k].language, lang) == 0) {
        snprintf(msg, msglen, "field 'channels' has language '%s' twice", lang);
        return -1;
      }
    snprintf(got[i].language, sizeof got[i].language, "%s", lang);
    snprintf(got[i].url, sizeof got[i].url, "%s", url);
  }
  memcpy(m->channels, got, json_array_size(a) * sizeof *got);
  m->n_channels = json_array_size(a);
  return 0;
}

static int items_from_json(pl_meeting_rec *m, json_t *a, char *msg, size_t msglen) {
  if (!json_is_array(a) || json_array_size(a) < 1 || json_array_size(a) > MAX_ITEMS) {
    snprintf(msg, msglen, "field 'items' must be a list of 1 to %d items", MAX_ITEMS);
    return -1;
  }
  size_t n = json_array_size(a);
  pl_item_def *items = calloc(n, sizeof *items);
  if (!items) {
    snprintf(msg, msglen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const char *title = NULL, *kind = NULL, *id = NULL;
    json_int_t planned = 0;
    char inner[160], field[48];
    snprintf(field, sizeof field, "items[%zu].title", i);
    if (pl_unpack(json_array_get(a, i), inner, sizeof inner, "{s:s, s?s, s?s, s?I}", "title",
                  &title, "kind", &kind, "id", &id, "planned_s", &planned)) {
      snprintf(msg, msglen, "items[%zu]: %s", i, inner);
      goto out_free;
    }
    int k = PL_ITEM_GENERAL;
    if (set_text(items[i].title, sizeof items[i].title, title, field, true, msg, msglen) ||
        SET_ENUM(k, pl_item_kind, kind, "items[].kind", msg, msglen))
      goto out_free;
    items[i].kind = (pl_item_kind)k;
    /* A planned duration: a minute to a day. */
    if (planned && (planned < 60 || planned > 86400)) {
      snprintf(msg, msglen, "field 'items[%zu].planned_s' must be 60 to 86400 seconds", i);
      goto out_free;
    }
    items[i].planned_s = (int32_t)planned;
    /* Ids are the server's: positions, stable as long as the agenda is. */
    snprintf(items[i].id, sizeof items[i].id, "i%zu", i + 1);
  }
  free(m->items);
  m->items = items;
  m->n_items = n;
  return 0;
out_free:
  free(items);
  return -1;
}

/* `video`: {provider: "jitsi"} gives the meeting a room, named once with
 * random hex (Jitsi lowercases room names, and its tokens name the room);
 * {provider: "none"} or null takes it away. A stored body carries the room. */
static int video_from_json(pl_meeting_rec *m, json_t *v, pl_meeting_mode mode, char *msg,
                           size_t msglen) {
  const char *provider = NULL, *room = NULL;
  if (json_is_null(v)) {
    m->video_room[0] = '\0';
    return 0;
  }
  if (pl_unpack(v, msg, msglen, mode == PL_MEETING_LOAD ? "{s:s, s?s}" : "{s:s}", "provider",
                &provider, "room", &room) != PL_ERR_OK) {
    snprintf(msg, msglen, "field 'video' must be {\"provider\": \"jitsi\"} or "
                          "{\"provider\": \"none\"}");
    return -1;
  }
  if (strcmp(provider, "none") == 0) {
    m->video_room[0] = '\0';
    return 0;
  }
  if (strcmp(provider, "jitsi") != 0) {
    snprintf(msg, msglen, "field 'video': provider must be 'jitsi' or 'none'");
    return -1;
  }
  if (mode == PL_MEETING_LOAD) {
    if (!room || !*room || strlen(room) >= sizeof m->video_room ||
        strspn(room, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(room)) {
      snprintf(msg, msglen, "field 'video': a stored room must be lower-case letters and "
                            "digits");
      return -1;
    }
    snprintf(m->video_room, sizeof m->video_room, "%s", room);
    return 0;
  }
  if (!m->video_room[0]) {
    char hex[41];
    if (pl_random_hex(hex, sizeof hex, 20)) {
      snprintf(msg, msglen, "no randomness for the video room");
      return -1;
    }
    snprintf(m->video_room, sizeof m->video_room, "plenary%s", hex);
  }
  return 0;
}

pl_err pl_meeting_from_json(pl_meeting_rec *m, json_t *obj, pl_meeting_mode mode, char *msg,
                         size_t msglen) {
  const char *title = NULL, *kind = NULL, *format = NULL, *tz = NULL, *start = NULL,
             *end = NULL, *rrule = NULL, *pillar = NULL, *location = NULL, *video = NULL,
             *chair = NULL, *id = NULL, *status = NULL, *import_uid = NULL;
  json_t *policy = NULL, *items = NULL, *rdate = NULL, *exdate = NULL, *moved = NULL,
         *videoconf = NULL, *channels = NULL;
  json_int_t sequence = -1, start_at = 0, end_at = 0, created = 0, updated = 0,
             import_sequence = 0;
  if (mode == PL_MEETING_LOAD) {
    /* Stored bodies write absent optional fields as null; read them as absent. */
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v) {
      if (json_is_null(v))
        json_object_del(obj, key);
    }
  }
  pl_err rc = mode == PL_MEETING_LOAD
               ? pl_unpack(obj, msg, msglen,
                           "{s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?o, s?o,"
                           " s?o, s?o, s?o, s?o, s?s, s?s, s?I, s?I, s?I, s?I, s?I, s?s, s?I,"
                           " s?o}",
                           "title", &title, "kind", &kind, "format", &format, "tz", &tz,
                           "start", &start, "end", &end, "rrule", &rrule, "pillar", &pillar,
                           "location", &location, "video_url", &video, "chair", &chair,
                           "policy", &policy, "items", &items, "rdate", &rdate, "exdate",
                           &exdate, "moved", &moved, "video", &videoconf, "id", &id,
                           "status", &status,
                           "sequence", &sequence, "start_at", &start_at, "end_at", &end_at,
                           "created_at", &created, "updated_at", &updated, "import_uid",
                           &import_uid, "import_sequence", &import_sequence, "channels",
                           &channels)
               : pl_unpack(obj, msg, msglen,
                           "{s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?s, s?o, s?o,"
                           " s?o, s?o, s?o, s?o, s?o}",
                           "title", &title, "kind", &kind, "format", &format, "tz", &tz,
                           "start", &start, "end", &end, "rrule", &rrule, "pillar", &pillar,
                           "location", &location, "video_url", &video, "chair", &chair,
                           "policy", &policy, "items", &items, "rdate", &rdate, "exdate",
                           &exdate, "moved", &moved, "video", &videoconf, "channels",
                           &channels);
  if (rc != PL_ERR_OK)
    return rc;
  /* A stored body was written whole by pl_json_meeting: one without these
   * fields is not ours, and loading it would give a meeting that cannot be
   * stored again (found by tests/fuzz/fuzz_meeting_json). */
  if (mode == PL_MEETING_CREATE || mode == PL_MEETING_LOAD) {
    const char *req[] = {title, kind, format, tz, start, end};
    const char *names[] = {"title", "kind", "format", "tz", "start", "end"};
    for (size_t i = 0; i < 6; i++)
      if (!req[i]) {
        snprintf(msg, msglen, "field '%s' is missing", names[i]);
        return PL_ERR_BAD_REQUEST;
      }
  }
  int k = (int)m->kind, f = (int)m->format, pil = m->pillar;
  if (set_text(m->title, sizeof m->title, title, "title", true, msg, msglen) ||
      SET_ENUM(k, pl_meeting_kind, kind, "kind", msg, msglen) ||
      SET_ENUM(f, pl_format, format, "format", msg, msglen) ||
      set_text(m->location, sizeof m->location, location, "location", false, msg, msglen) ||
      set_text(m->chair, sizeof m->chair, chair, "chair", false, msg, msglen))
    return PL_ERR_BAD_REQUEST;
  if (pillar && !*pillar)
    pil = -1;
  else if (SET_ENUM(pil, pl_pillar, pillar, "pillar", msg, msglen))
    return PL_ERR_BAD_REQUEST;
  m->kind = (pl_meeting_kind)k, m->format = (pl_format)f, m->pillar = pil;
  if (tz) {
    if (!pl_tz_is_known(tz)) {
      snprintf(msg, msglen, "field 'tz': unknown time zone '%.64s'", tz);
      return PL_ERR_BAD_REQUEST;
    }
    snprintf(m->tz, sizeof m->tz, "%s", tz);
  }
  int y, mo, d, h, mi;
  if (start && pl_local_parse(start, &y, &mo, &d, &h, &mi)) {
    snprintf(msg, msglen, "field 'start' must be a local date-time YYYY-MM-DDTHH:MM");
    return PL_ERR_BAD_REQUEST;
  }
  if (end && pl_local_parse(end, &y, &mo, &d, &h, &mi)) {
    snprintf(msg, msglen, "field 'end' must be a local date-time YYYY-MM-DDTHH:MM");
    return PL_ERR_BAD_REQUEST;
  }
  if (start)
    snprintf(m->start, sizeof m->start, "%s", start);
  if (end)
    snprintf(m->end, sizeof m->end, "%s", end);
  if (video) {
    if (*video && !pl_ical_url_is_safe(video)) {
      snprintf(msg, msglen, "field 'video_url' must be an https URL without spaces or "
                            "control characters");
      return PL_ERR_BAD_REQUEST;
    }
    snprintf(m->video_url, sizeof m->video_url, "%s", video);
  }
  if (rrule) {
    if (*rrule) {
      struct icalrecurrencetype r = icalrecurrencetype_from_string(rrule);
      icalerror_clear_errno();
      if (r.freq == ICAL_NO_RECURRENCE || !pl_text_is_single_line(rrule) ||
          strlen(rrule) >= sizeof m->rrule) {
        snprintf(msg, msglen, "field 'rrule' is not a valid RFC 5545 recurrence rule");
        return PL_ERR_BAD_REQUEST;
      }
    }
    snprintf(m->rrule, sizeof m->rrule, "%s", rrule);
  }
  if (videoconf && video_from_json(m, videoconf, mode, msg, msglen))
    return PL_ERR_BAD_REQUEST;
  if (channels && channels_from_json(m, channels, msg, msglen))
    return PL_ERR_BAD_REQUEST;
  if (policy && policy_from_json(&m->policy, policy, msg, msglen))
    return PL_ERR_BAD_REQUEST;
  if (items && items_from_json(m, items, msg, msglen))
    return PL_ERR_BAD_REQUEST;
  if (pl_local_to_utc(m->start, m->tz, &m->start_at) ||
      pl_local_to_utc(m->end, m->tz, &m->end_at)) {
    snprintf(msg, msglen, "fields 'start', 'end' and 'tz' do not make a time");
    return PL_ERR_BAD_REQUEST;
  }
  if (m->end_at <= m->start_at) {
    snprintf(msg, msglen, "field 'end' must be after 'start'");
    return PL_ERR_BAD_REQUEST;
  }
  pl_err re = pl_recurrence_from_json(m, rdate, exdate, moved, msg, msglen);
  if (re)
    return re;
  /* What a client sends is held to what calendar programs can read; a
   * stored rule loads as it was accepted. */
  if (mode != PL_MEETING_LOAD && m->rrule[0]) {
    char norm[PL_RRULE_LEN];
    pl_err e = pl_rrule_check(m->rrule, m->start, m->tz, norm, sizeof norm, msg, msglen);
    if (e)
      return e;
    memcpy(m->rrule, norm, sizeof norm);
  }
  if (mode == PL_MEETING_LOAD) {
    if (id)
      snprintf(m->id, sizeof m->id, "%s", id);
    int stv = (int)PL_STATUS_SCHEDULED;
    if (SET_ENUM(stv, pl_meeting_status, status, "status", msg, msglen))
      return PL_ERR_BAD_REQUEST;
    m->status = (pl_meeting_status)stv;
    m->sequence = sequence < 0 ? 0 : (int32_t)sequence;
    m->created_at = created;
    m->updated_at = updated;
    if (set_text(m->import_uid, sizeof m->import_uid, import_uid, "import_uid", false, msg,
                 msglen))
      return PL_ERR_BAD_REQUEST;
    m->import_sequence = (int32_t)import_sequence;
  }
  return PL_ERR_OK;
}

json_t *pl_json_policy(const pl_policy *p) {
  json_t *reply = json_array();
  for (size_t i = 0; reply && i < p->n_reply; i++)
    json_array_append_new(reply, json_integer(p->reply_s[i]));
  return json_pack("{s:i, s:i, s:i, s:i, s:o, s:s, s:i, s:s, s:i, s:i, s:s}", "statement_s", p->statement_s,
                   "group_statement_s", p->group_statement_s, "observer_statement_s",
                   p->observer_statement_s, "point_of_order_s", p->point_of_order_s,
                   "reply_s", reply, "observer_items",
                   PL_ENUM_NAME(pl_observer_items, p->observer_items),
                   "observer_max_per_item", p->observer_max_per_item, "on_expiry",
                   PL_ENUM_NAME(pl_on_expiry, p->on_expiry), "joint_min", p->joint_min,
                   "contingent_s", p->contingent_s, "order",
                   PL_ENUM_NAME(pl_list_order, p->order));
}

json_t *pl_json_meeting(const pl_meeting_rec *m) {
  json_t *video = m->video_room[0] ? json_pack("{s:s, s:s}", "provider", "jitsi", "room",
                                               m->video_room)
                                   : NULL;
  json_t *items = json_array();
  for (size_t i = 0; items && i < m->n_items; i++)
    json_array_append_new(items, pl_json_item(&m->items[i]));
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s, s:i,"
      " s:I, s:I, s:I, s:I}",
      "id", m->id, "title", m->title, "kind", PL_ENUM_NAME(pl_meeting_kind, m->kind),
      "format", PL_ENUM_NAME(pl_format, m->format), "tz", m->tz, "start", m->start, "end",
      m->end, "rrule", m->rrule[0] ? m->rrule : NULL, "pillar",
      m->pillar >= 0 ? PL_ENUM_NAME(pl_pillar, m->pillar) : NULL, "location",
      m->location[0] ? m->location : NULL, "video_url", m->video_url[0] ? m->video_url : NULL,
      "chair", m->chair[0] ? m->chair : NULL, "policy", pl_json_policy(&m->policy), "items",
      items, "status", PL_ENUM_NAME(pl_meeting_status, m->status), "sequence", m->sequence,
      "start_at", (json_int_t)m->start_at, "end_at", (json_int_t)m->end_at, "created_at",
      (json_int_t)m->created_at, "updated_at", (json_int_t)m->updated_at);
  /* Absent, not null, when there is none: the stored bodies of meetings
   * made before rooms existed are the same text as they rebuild to. */
  if (o && video)
    json_object_set_new(o, "video", video);
  else
    json_decref(video);
  if (o) {
    pl_recurrence_to_json(o, m);
    if (m->import_uid[0]) {
      json_object_set_new(o, "import_uid", json_string(m->import_uid));
      json_object_set_new(o, "import_sequence", json_integer(m->import_sequence));
    }
  }
  /* Only a meeting with channels has the field: every other body is as it was. */
  if (o && m->n_channels) {
    json_t *list = json_array();
    for (size_t i = 0; list && i < m->n_channels; i++)
      json_array_append_new(list, json_pack("{s:s, s:s}", "language", m->channels[i].language,
                                            "url", m->channels[i].url));
    json_object_set_new(o, "channels", list);
  }
  return o;
}
