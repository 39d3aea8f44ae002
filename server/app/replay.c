/*
 * The views rebuilt from the log (replay.h). Each event is decoded from its
 * stored text, as a restart decodes it, and applied with
 * pl_store_view_apply / pl_store_speech_insert into a fresh ":memory:"
 * database, in the order the events committed. Each stream's seq must run
 * 1, 2, 3... without a gap. Then SQLite compares the two sets of views,
 * and replay_snapshots.c the rooms' snapshots with the log.
 */
#include "app/replay.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/views.h"
#include "store/diff.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"
#include "wire/pevent_json.h"

/* The last seq seen on each stream, to find gaps. Few streams: a list. */
typedef struct seen {
  char stream[PL_ID_LEN];
  uint64_t seq;
} seen;

typedef struct rebuild {
  pl_store *into;
  seen *streams;
  size_t n, cap;
  char why[512];
  bool storefail;
  pl_procedures procs; /* the silence procedures as the log builds them */
  pl_pevent_bufs bufs; /* one decoded event at a time */
} rebuild;

static uint64_t *last_of(rebuild *rb, const char *stream) {
  for (size_t i = 0; i < rb->n; i++)
    if (strcmp(rb->streams[i].stream, stream) == 0)
      return &rb->streams[i].seq;
  if (rb->n == rb->cap) {
    size_t cap = rb->cap ? rb->cap * 2 : 64;
    seen *grown = realloc(rb->streams, cap * sizeof *grown);
    if (!grown)
      return NULL;
    rb->streams = grown;
    rb->cap = cap;
  }
  seen *s = &rb->streams[rb->n++];
  snprintf(s->stream, sizeof s->stream, "%s", stream);
  s->seq = 0;
  return &s->seq;
}

static int apply_programme(rebuild *rb, json_t *o, uint64_t seq) {
  pl_pevent ev;
  pl_pevent_bufs *b = &rb->bufs;
  char msg[256];
  memset(b, 0, sizeof *b);
  int stop = 0;
  if (pl_pevent_from_json(o, &ev, b, msg, sizeof msg) != PL_ERR_OK) {
    snprintf(rb->why, sizeof rb->why, "log: programme event %llu: %s",
             (unsigned long long)seq, msg);
    stop = 1;
  } else {
    char *body = NULL;
    if (ev.meeting) {
      json_t *mj = pl_json_meeting(ev.meeting);
      body = mj ? json_dumps(mj, JSON_COMPACT) : NULL;
      json_decref(mj);
    }
    if (pl_store_view_apply(rb->into, &ev, body) != PL_STORE_OK) {
      snprintf(rb->why, sizeof rb->why,
               "log: programme event %llu (%s) does not apply to the views it builds",
               (unsigned long long)seq, pl_pevent_names[ev.type]);
      stop = 1;
    }
    free(body);
  }
  /* Procedures have no view; that their events apply in order is the check. */
  if (!stop && ev.proc &&
      (pl_proc_reserve(&rb->procs, ev.proc) || pl_proc_apply(&rb->procs, ev.proc))) {
    snprintf(rb->why, sizeof rb->why,
             "log: programme event %llu (%s) does not fit procedure %s as the log left it",
             (unsigned long long)seq, pl_pevent_names[ev.type], ev.proc->procedure);
    stop = 1;
  }
  pl_pevent_bufs_release(b);
  return stop;
}

static int apply_meeting(rebuild *rb, const char *stream, json_t *o, uint64_t seq) {
  const char *name = json_string_value(json_object_get(o, "ev"));
  pl_event ev;
  if (name && strcmp(name, "meeting.changed") == 0)
    return 0; /* its record is the programme stream's meeting.updated */
  if (pl_event_from_json(o, &ev)) {
    snprintf(rb->why, sizeof rb->why, "log: %s event %llu is not a meeting event", stream,
             (unsigned long long)seq);
    return 1;
  }
  if (ev.type == PL_EV_SPEECH_ENDED &&
      pl_store_speech_insert(rb->into, stream, seq, &ev.speech) != PL_STORE_OK) {
    snprintf(rb->why, sizeof rb->why, "log: %s event %llu: the speech does not apply", stream,
             (unsigned long long)seq);
    return 1;
  }
  return 0;
}

static int replay_one(void *ctx, const char *stream, uint64_t seq, const char *body,
                      size_t len) {
  rebuild *rb = ctx;
  uint64_t *last = last_of(rb, stream);
  if (!last) {
    snprintf(rb->why, sizeof rb->why, "out of memory");
    return 1;
  }
  if (seq != *last + 1) {
    snprintf(rb->why, sizeof rb->why, "log: stream %s goes from seq %llu to %llu", stream,
             (unsigned long long)*last, (unsigned long long)seq);
    return 1;
  }
  *last = seq;
  json_error_t err;
  json_t *o = json_loadb(body, len, 0, &err);
  int stop;
  if (!json_is_object(o)) {
    snprintf(rb->why, sizeof rb->why, "log: %s event %llu is not JSON: %s", stream,
             (unsigned long long)seq, err.text);
    stop = 1;
  } else if (strcmp(stream, PL_PROGRAMME_STREAM) == 0) {
    stop = apply_programme(rb, o, seq);
  } else {
    stop = apply_meeting(rb, stream, o, seq);
  }
  json_decref(o);
  return stop;
}

int pl_replay_check(const char *db) {
  char err[512];
  int status = 2;
  pl_store *stored = pl_store_open(db, err, sizeof err);
  if (!stored) {
    fprintf(stderr, "plenaryd replay: %s\n", err);
    return 2;
  }
  rebuild rb = {.into = pl_store_open(":memory:", err, sizeof err)};
  if (!rb.into) {
    fprintf(stderr, "plenaryd replay: %s\n", err);
    goto out;
  }
  pl_store_rc rc = pl_store_log_each(stored, replay_one, &rb);
  if (rc == PL_STORE_STOPPED) {
    printf("%s\n", rb.why);
    status = 1;
    goto out;
  }
  if (rc != PL_STORE_OK) {
    fprintf(stderr, "plenaryd replay: cannot read the log of %s\n", db);
    goto out;
  }
  bool same;
  char what[1024];
  if (pl_store_diff(rb.into, db, &same, what, sizeof what) != PL_STORE_OK) {
    fprintf(stderr, "plenaryd replay: cannot compare the views of %s\n", db);
    goto out;
  }
  if (!same) {
    printf("%s\n", what);
    status = 1;
    goto out;
  }
  size_t events = 0;
  for (size_t i = 0; i < rb.n; i++)
    events += rb.streams[i].seq;
  printf("the views agree with the log: %zu events on %zu streams\n", events, rb.n);
  size_t agree, stale;
  status = pl_replay_check_snapshots(stored, &agree, &stale, what, sizeof what);
  if (status == 0)
    printf("the snapshots agree with the log: %zu, and %zu from before an agenda change\n",
           agree, stale);
  else
    printf("%s\n", what);
out:
  free(rb.streams);
  pl_procs_release(&rb.procs);
  pl_store_close(rb.into);
  pl_store_close(stored);
  return status;
}
