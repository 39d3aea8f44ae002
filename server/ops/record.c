/*
 * The record of speeches: meeting.stats (speaking time grouped four ways,
 * and the statements each group made through a State: by_behalf)
 * and the CSV export. Both read the speeches table, which is written in the
 * same transaction as each speech.ended event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/record.h"

#include "base/clock.h"
#include "base/server.h"
#include "store/groups.h"
#include "cal/tz.h"
#include "store/store.h"
#include "wire/codec.h"

typedef struct tally {
  json_t *by[5]; /* objects: key -> [count, spoken_ms, name] */
} tally;

static void add(json_t *by, const char *key, const char *name, int64_t spoken) {
  json_t *row = json_object_get(by, key);
  if (!row) {
    row = json_pack("{s:s, s:I, s:I}", "key", key, "count", (json_int_t)0, "spoken_ms",
                    (json_int_t)0);
    if (name)
      json_object_set_new(row, "name", json_string(name));
    json_object_set_new(by, key, row);
  }
  json_object_set_new(row, "count",
                      json_integer(json_integer_value(json_object_get(row, "count")) + 1));
  json_object_set_new(row, "spoken_ms", json_integer(json_integer_value(json_object_get(
                                                         row, "spoken_ms")) + spoken));
}

static int stats_one(void *ctx, uint64_t seq, const pl_speech *sp, int group) {
  (void)seq;
  tally *t = ctx;
  const pl_entry *e = &sp->entry;
  add(t->by[0], e->delegation.id, e->delegation.name, sp->spoken_ms);
  add(t->by[1], group >= 0 ? PL_ENUM_NAME(pl_group, group)
                           : PL_ENUM_NAME(pl_delegation_kind, e->delegation.kind),
      NULL, sp->spoken_ms);
  add(t->by[2], PL_ENUM_NAME(pl_speech_kind, e->kind), NULL, sp->spoken_ms);
  add(t->by[3], PL_ENUM_NAME(pl_presence, e->presence), NULL, sp->spoken_ms);
  if (e->on_behalf[0]) {
    /* A group's name as it is now; a regional group is named by its key. */
    static pl_group_def g;
    bool named = !json_object_get(t->by[4], e->on_behalf) &&
                 pl_store_group_get(pl_srv->store, e->on_behalf, &g) == PL_STORE_OK;
    add(t->by[4], e->on_behalf, named ? g.name : NULL, sp->spoken_ms);
  }
  return 0;
}

/* {key: row} -> [row...], largest speaking time first. */
static int by_spoken(const void *a, const void *b) {
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "spoken_ms"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "spoken_ms"));
  return x < y ? 1 : x > y ? -1 : 0;
}

static json_t *as_list(json_t *by) {
  size_t n = json_object_size(by), i = 0;
  json_t **rows = calloc(n ? n : 1, sizeof *rows);
  json_t *list = json_array();
  const char *key;
  json_t *row;
  json_object_foreach(by, key, row) rows[i++] = row;
  qsort(rows, n, sizeof *rows, by_spoken);
  for (i = 0; i < n; i++)
    json_array_append(list, rows[i]);
  free(rows);
  return list;
}

/* Each item's real duration so far, beside its planned one. */
static json_t *items_spent(const pl_live *m, int64_t now) {
  json_t *list = json_array();
  for (size_t i = 0; list && i < m->room.n_items; i++) {
    const pl_item *it = &m->room.items[i];
    json_t *row = json_pack("{s:s, s:s, s:I, s:b}", "item", it->def.id, "title", it->def.title,
                            "spent_ms", (json_int_t)pl_item_spent_ms(it, now), "open",
                            it->open_since != 0);
    if (row && it->def.planned_s)
      json_object_set_new(row, "planned_s", json_integer(it->def.planned_s));
    json_array_append_new(list, row);
  }
  return list;
}

pl_err pl_op_meeting_stats(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &id);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  tally t;
  for (int i = 0; i < 5; i++)
    t.by[i] = json_object();
  if (pl_store_speech_each(pl_srv->store, m->rec.id, stats_one, &t) != PL_STORE_OK)
    e = pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  else
    c->result = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "meeting", m->rec.id,
                          "by_delegation", as_list(t.by[0]), "by_group", as_list(t.by[1]),
                          "by_kind", as_list(t.by[2]), "by_presence", as_list(t.by[3]),
                          "by_behalf", as_list(t.by[4]), "items", items_spent(m, c->now));
  for (int i = 0; i < 5; i++)
    json_decref(t.by[i]);
  return e;
}

/* RFC 4180 quoting; a cell that a spreadsheet would run as a formula gets a
 * leading apostrophe (OWASP's CSV-injection advice): speaker names are typed
 * by delegations. */
static void csv_cell(FILE *f, const char *s, bool last) {
  fputc('"', f);
  if (strchr("=+-@\t\r", s[0]) && s[0])
    fputc('\'', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputs(last ? "\"\r\n" : "\",", f);
}

/* What a CSV walk over the speeches writes to. */
typedef struct csv_walk {
  FILE *f;
  const pl_meeting_rec *rec;
  int n; /* rows so far */
} csv_walk;

/* The header `head`, then a row per speech through `one`, as one malloc'd text. */
static char *csv_text(pl_live *m, size_t *len, const char *head, pl_speech_cb one) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  if (!f)
    return NULL;
  fputs(head, f);
  csv_walk w = {f, &m->rec, 0};
  pl_store_rc rc = pl_store_speech_each(pl_srv->store, m->rec.id, one, &w);
  if (fclose(f) || rc != PL_STORE_OK) {
    free(buf);
    return NULL;
  }
  *len = size;
  return buf;
}

static int csv_one(void *ctx, uint64_t seq, const pl_speech *sp, int group) {
  (void)seq;
  FILE *f = ((csv_walk *)ctx)->f;
  const pl_entry *e = &sp->entry;
  char nums[5][24];
  snprintf(nums[0], sizeof nums[0], "%lld", (long long)e->requested_at);
  snprintf(nums[1], sizeof nums[1], "%lld", (long long)sp->started_at);
  snprintf(nums[2], sizeof nums[2], "%lld", (long long)sp->ended_at);
  snprintf(nums[3], sizeof nums[3], "%lld", (long long)sp->spoken_ms);
  snprintf(nums[4], sizeof nums[4], "%d", sp->allotted_ms);
  const char *cells[] = {sp->item, e->id, e->delegation.id, e->delegation.name,
                         group >= 0 ? PL_ENUM_NAME(pl_group, group) : "", e->participant,
                         e->speaker, e->on_behalf, PL_ENUM_NAME(pl_speech_kind, e->kind),
                         PL_ENUM_NAME(pl_presence, e->presence), nums[0], nums[1], nums[2],
                         nums[3], nums[4]};
  size_t n = sizeof cells / sizeof cells[0];
  for (size_t i = 0; i < n; i++)
    csv_cell(f, cells[i], i + 1 == n);
  return 0;
}

char *pl_record_csv(pl_live *m, size_t *len) {
  return csv_text(m, len,
                  "item,entry,delegation,delegation_name,group,participant,speaker,on_behalf,"
                  "kind,presence,requested_at,started_at,ended_at,spoken_ms,allotted_ms\r\n",
                  csv_one);
}

/* --- the record for people ------------------------------------------------ */

/* Words for the codes, in the English of the record's header. */
static const char *group_words(int group, pl_delegation_kind kind) {
  static const char *const groups[] = {"African States", "Asia-Pacific States",
                                       "Eastern European States",
                                       "Latin American and Caribbean States",
                                       "Western European and other States"};
  static const char *const kinds[] = {"State", "Organization", "NGO", "Expert",
                                      "Secretariat"};
  if (group >= 0 && (size_t)group < sizeof groups / sizeof groups[0])
    return groups[group];
  return (size_t)kind < sizeof kinds / sizeof kinds[0] ? kinds[kind] : "";
}

static const char *kind_words(pl_speech_kind k) {
  static const char *const words[] = {"Statement", "Point of order", "Right of reply",
                                      "Question"};
  return (size_t)k < sizeof words / sizeof words[0] ? words[k] : "";
}

/* Minutes and seconds, the minutes unbounded: 75 s is "1:15", an hour "60:00". */
static void mmss(char *buf, size_t len, int64_t ms) {
  int64_t s = ms > 0 ? (ms + 500) / 1000 : 0;
  snprintf(buf, len, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

static int people_one(void *ctx, uint64_t seq, const pl_speech *sp, int group) {
  (void)seq;
  csv_walk *w = ctx;
  const pl_entry *e = &sp->entry;
  const char *title = sp->item;
  for (size_t i = 0; i < w->rec->n_items; i++)
    if (strcmp(w->rec->items[i].id, sp->item) == 0)
      title = w->rec->items[i].title;
  char order[16], t[5][40] = {"", "", "", "", ""}, dur[3][24] = {"", "", ""};
  snprintf(order, sizeof order, "%d", ++w->n);
  pl_utc_to_iso(e->requested_at, w->rec->tz, t[0], sizeof t[0]);
  if (sp->started_at) { /* called but never spoke: no start */
    pl_utc_to_iso(sp->started_at, w->rec->tz, t[1], sizeof t[1]);
    pl_utc_to_iso(sp->started_at, "UTC", t[3], sizeof t[3]);
  }
  pl_utc_to_iso(sp->ended_at, w->rec->tz, t[2], sizeof t[2]);
  pl_utc_to_iso(sp->ended_at, "UTC", t[4], sizeof t[4]);
  mmss(dur[0], sizeof dur[0], sp->spoken_ms);
  mmss(dur[1], sizeof dur[1], sp->allotted_ms);
  if (sp->spoken_ms > sp->allotted_ms)
    mmss(dur[2], sizeof dur[2], sp->spoken_ms - sp->allotted_ms);
  const char *cells[] = {title, order, e->delegation.name, group_words(group, e->delegation.kind),
                         e->speaker, e->on_behalf, kind_words(e->kind),
                         e->presence == PL_PRESENCE_ROOM ? "In the room" : "Remote", t[0],
                         t[1], t[2], t[3], t[4], dur[0], dur[1], dur[2]};
  size_t n = sizeof cells / sizeof cells[0];
  for (size_t i = 0; i < n; i++)
    csv_cell(w->f, cells[i], i + 1 == n);
  return 0;
}

char *pl_record_people_csv(pl_live *m, size_t *len) {
  /* The byte order mark first: spreadsheet programs read UTF-8 by it, and
   * without it show "Côte d'Ivoire" as mojibake. */
  char head[512];
  const char *tz = m->rec.tz;
  snprintf(head, sizeof head,
           "\xEF\xBB\xBF"
           "\"Agenda item\",\"Order\",\"Delegation\",\"Regional group\",\"Speaker\","
           "\"On behalf of\",\"Kind\",\"Presence\",\"Requested (%s)\",\"Started (%s)\","
           "\"Ended (%s)\",\"Started (UTC)\",\"Ended (UTC)\",\"Spoken (min:s)\","
           "\"Allotted (min:s)\",\"Over time (min:s)\"\r\n",
           tz, tz, tz);
  return csv_text(m, len, head, people_one);
}

/* --- the rolling list of speakers ------------------------------------------ */

typedef struct roll {
  FILE *f;
  const char *item;
  int n;
} roll;

static void roll_row(roll *r, const char *status, const pl_entry *e, int64_t spoken_ms) {
  char nums[3][24];
  snprintf(nums[0], sizeof nums[0], "%d", ++r->n);
  snprintf(nums[1], sizeof nums[1], "%lld", (long long)e->requested_at);
  snprintf(nums[2], sizeof nums[2], "%lld", (long long)spoken_ms);
  const char *cells[] = {nums[0], status, e->id, e->delegation.id, e->delegation.name,
                         e->speaker, e->on_behalf, e->on_behalf_name,
                         PL_ENUM_NAME(pl_speech_kind, e->kind),
                         PL_ENUM_NAME(pl_presence, e->presence),
                         e->by_rank ? PL_ENUM_NAME(pl_rank, e->rank) : "", nums[1], nums[2]};
  size_t n = sizeof cells / sizeof cells[0];
  for (size_t i = 0; i < n; i++)
    csv_cell(r->f, cells[i], i + 1 == n);
}

static int roll_spoke(void *ctx, uint64_t seq, const pl_speech *sp, int group) {
  (void)seq;
  (void)group;
  roll *r = ctx;
  if (strcmp(sp->item, r->item) == 0)
    roll_row(r, sp->started_at ? "spoke" : "called", &sp->entry, sp->spoken_ms);
  return 0;
}

char *pl_speakers_csv(pl_live *m, const char *item, size_t *len, bool *found) {
  const pl_item *it = item ? pl_room_find_item(&m->room, item) : pl_room_current_item(&m->room);
  *found = it != NULL;
  if (!it)
    return NULL;
  char *buf = NULL;
  size_t size = 0;
  roll r = {open_memstream(&buf, &size), it->def.id, 0};
  if (!r.f)
    return NULL;
  fputs("position,status,entry,delegation,delegation_name,speaker,on_behalf,on_behalf_name,"
        "kind,presence,rank,requested_at,spoken_ms\r\n",
        r.f);
  pl_store_rc rc = pl_store_speech_each(pl_srv->store, m->rec.id, roll_spoke, &r);
  const pl_floor *fl = &m->room.floor;
  if (fl->held && strcmp(fl->item, it->def.id) == 0)
    roll_row(&r, "speaking", &fl->entry, pl_floor_spoken_ms(fl, pl_now_ms()));
  for (size_t i = 0; i < it->n_queue; i++)
    roll_row(&r, "inscribed", &it->queue[i], 0);
  if (fclose(r.f) || rc != PL_STORE_OK) {
    free(buf);
    return NULL;
  }
  *len = size;
  return buf;
}

/* --- the record with its hashes ------------------------------------------- */

static void hex_of(const uint8_t h[PL_DIGEST_LEN], char out[2 * PL_DIGEST_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < PL_DIGEST_LEN; i++) {
    out[2 * i] = digits[h[i] >> 4];
    out[2 * i + 1] = digits[h[i] & 15];
  }
  out[2 * PL_DIGEST_LEN] = '\0';
}

typedef struct json_walk {
  const char *stream;
  json_t *speeches;
  bool failed;
} json_walk;

static int json_one(void *ctx, uint64_t seq, const pl_speech *sp, int group) {
  json_walk *w = ctx;
  uint8_t h[PL_DIGEST_LEN];
  char hex[2 * PL_DIGEST_LEN + 1];
  json_t *o = pl_json_speech(sp);
  if (!o || pl_store_event_hash(pl_srv->store, w->stream, seq, h) != PL_STORE_OK) {
    json_decref(o);
    w->failed = true;
    return 1;
  }
  hex_of(h, hex);
  json_object_set_new(o, "group", group >= 0 ? json_string(PL_ENUM_NAME(pl_group, group))
                                             : json_null());
  json_object_set_new(o, "seq", json_integer((json_int_t)seq));
  json_object_set_new(o, "hash", json_string(hex));
  json_array_append_new(w->speeches, o);
  return 0;
}

char *pl_record_json(pl_live *m, size_t *len) {
  json_walk w = {m->stream.id, json_array(), false};
  uint8_t h[PL_DIGEST_LEN] = {0};
  char hex[2 * PL_DIGEST_LEN + 1] = "";
  pl_store_rc rc = pl_store_speech_each(pl_srv->store, m->rec.id, json_one, &w);
  if (rc == PL_STORE_OK && m->stream.seq &&
      pl_store_event_hash(pl_srv->store, m->stream.id, m->stream.seq, h) != PL_STORE_OK)
    rc = PL_STORE_ERROR;
  if (rc != PL_STORE_OK || w.failed) {
    json_decref(w.speeches);
    return NULL;
  }
  if (m->stream.seq)
    hex_of(h, hex);
  json_t *o = json_pack("{s:s, s:s, s:o, s:{s:I, s:s?}}", "meeting", m->rec.id, "chain",
                        "sha256(previous hash || event), from 32 zero bytes", "speeches",
                        w.speeches, "head", "seq", (json_int_t)m->stream.seq, "hash",
                        m->stream.seq ? hex : NULL);
  char *text = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
  json_decref(o);
  if (text)
    *len = strlen(text);
  return text;
}
