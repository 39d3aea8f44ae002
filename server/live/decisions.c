/* The Programme's decisions in memory (decisions.h). */
#include "live/decisions.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/server.h"
#include "core/invariant.h"
#include "live/cluster.h"
#include "live/commit.h"
#include "wire/pevent_json.h"

static pl_decisions the;

pl_decisions *pl_decisions_get(void) {
  return &the;
}

void pl_decisions_init(void) {
  memset(&the, 0, sizeof the);
  pl_procs_init(&the.procs);
}

void pl_decisions_free(void) {
  pl_procs_release(&the.procs);
  free(the.apps);
  free(the.links);
  memset(&the, 0, sizeof the);
}

/* --- lookups ------------------------------------------------------------------ */

/* The index of "<prefix><n>" among `count`, or -1. */
static long index_of(const char *id, char prefix, size_t count) {
  int64_t n = pl_id_parse(id, prefix);
  return n >= 1 && (size_t)n <= count ? (long)(n - 1) : -1;
}

const pl_application_rec *pl_decisions_app(const char *id) {
  long i = index_of(id, 'a', the.n_apps);
  return i < 0 ? NULL : &the.apps[i];
}

const pl_app_link *pl_decisions_link_by_hash(const uint8_t hash[PL_HASH_LEN]) {
  for (size_t i = 0; i < the.n_links; i++)
    if (pl_token_hash_equal(the.links[i].hash, hash))
      return &the.links[i];
  return NULL;
}

const pl_procedure *pl_decisions_app_procedure(const char *id) {
  for (size_t i = the.procs.n; i-- > 0;) {
    const pl_procedure *p = the.procs.v[i];
    for (size_t a = 0; a < p->n_apps; a++)
      if (strcmp(p->apps[a], id) == 0)
        return p;
  }
  return NULL;
}

bool pl_decisions_elected(const char *participant, pl_office office, int32_t year) {
  for (size_t i = 0; i < the.procs.n; i++) {
    const pl_procedure *p = the.procs.v[i];
    if (p->kind == PL_PROC_ELECTION && p->status == PL_PROC_ADOPTED && p->office == office &&
        p->year == year && strcmp(p->candidate, participant) == 0)
      return true;
  }
  return false;
}

pl_audience pl_session_audience(const pl_session *s) {
  if (s->who.role == PL_ROLE_SECRETARIAT)
    return PL_SEES_SECRETARIAT;
  if (s->who.role == PL_ROLE_CHAIR || s->delegation.kind == PL_DELEGATION_STATE)
    return PL_SEES_STATE;
  return PL_SEES_PUBLIC;
}

/* --- JSON --------------------------------------------------------------------- */

json_t *pl_decisions_app_json(const pl_application_rec *a, bool contact) {
  json_t *o = pl_json_application(a, contact);
  const pl_procedure *p = pl_decisions_app_procedure(a->id);
  const char *status = "pending", *delegation = NULL;
  if (p && p->status == PL_PROC_OPEN) {
    status = "under_procedure";
  } else if (p && p->status == PL_PROC_ADOPTED) {
    status = "accepted";
    for (size_t i = 0; i < p->n_apps; i++)
      if (strcmp(p->apps[i], a->id) == 0)
        delegation = p->app_delegations[i];
  } else if (p) {
    status = "rejected";
  }
  if (o) {
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "procedure", p ? json_string(p->id) : json_null());
    json_object_set_new(o, "delegation", delegation ? json_string(delegation) : json_null());
  }
  return o;
}

json_t *pl_decisions_procedure_json(const pl_procedure *p, pl_audience who) {
  json_t *o = pl_json_procedure(p, who);
  json_t *apps = json_object_get(o, "applications");
  for (size_t i = 0; i < json_array_size(apps); i++) {
    const pl_application_rec *a = pl_decisions_app(p->apps[i]);
    json_t *full = a ? pl_json_application(a, who == PL_SEES_SECRETARIAT) : NULL;
    if (full)
      json_object_update_missing(json_array_get(apps, i), full);
    json_decref(full);
  }
  return o;
}

json_t *pl_decisions_bureau_json(int32_t year) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < the.procs.n; i++) {
    const pl_procedure *p = the.procs.v[i];
    if (p->kind != PL_PROC_ELECTION || p->status != PL_PROC_ADOPTED ||
        (year && p->year != year))
      continue;
    json_array_append_new(
        a, json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:I}", "year", (int)p->year,
                     "office", PL_ENUM_NAME(pl_office, p->office), "participant", p->candidate,
                     "name", p->candidate_name, "delegation", "id", p->candidate_delegation.id,
                     "name", p->candidate_delegation.name, "procedure", p->id, "elected_at",
                     (json_int_t)p->closed_at));
  }
  return a;
}

/* --- apply -------------------------------------------------------------------- */

pl_err pl_decisions_reserve(const pl_pevent *ev) {
  if (ev->type == PL_PEV_APPLICATION_LINK) {
    void *v = pl_reserve(the.links, &the.cap_links, the.n_links, sizeof *the.links, 8);
    if (!v)
      return PL_ERR_INTERNAL;
    the.links = v;
  } else if (ev->type == PL_PEV_APPLICATION_RECEIVED) {
    void *v = pl_reserve(the.apps, &the.cap_apps, the.n_apps, sizeof *the.apps, 8);
    if (!v)
      return PL_ERR_INTERNAL;
    the.apps = v;
  } else if (pl_pevent_is_procedure(ev->type)) {
    return pl_proc_reserve(&the.procs, ev->proc);
  }
  return PL_ERR_OK;
}

pl_err pl_decisions_apply(pl_pevent *ev) {
  char want[PL_ID_LEN];
  switch (ev->type) {
  case PL_PEV_APPLICATION_LINK:
    pl_id_format(want, sizeof want, 'l', (int64_t)the.n_links + 1);
    if (strcmp(ev->link, want) != 0 || NEVER(the.n_links == the.cap_links))
      return PL_ERR_CONFLICT;
    pl_app_link *l = &the.links[the.n_links++];
    memcpy(l->id, want, sizeof l->id);
    memcpy(l->hash, ev->token_hash, PL_HASH_LEN);
    l->used = false;
    return PL_ERR_OK;
  case PL_PEV_APPLICATION_RECEIVED: {
    long li = index_of(ev->app->link, 'l', the.n_links);
    pl_id_format(want, sizeof want, 'a', (int64_t)the.n_apps + 1);
    if (li < 0 || the.links[li].used || strcmp(ev->app->id, want) != 0 ||
        NEVER(the.n_apps == the.cap_apps))
      return PL_ERR_CONFLICT;
    the.links[li].used = true;
    the.apps[the.n_apps++] = *ev->app;
    return PL_ERR_OK;
  }
  default:
    return pl_pevent_is_procedure(ev->type) ? pl_proc_apply(&the.procs, ev->proc)
                                            : PL_ERR_OK;
  }
}

int pl_decisions_replay(uint64_t seq, const char *body, size_t len) {
  if (!pl_pevent_text_is_decision(body, len))
    return 0;
  static pl_pevent_bufs b; /* large; one event at a time, at start */
  memset(&b, 0, sizeof b);
  pl_pevent ev;
  char msg[256];
  json_t *o = json_loadb(body, len, 0, NULL);
  int failed = !o || pl_pevent_from_json(o, &ev, &b, msg, sizeof msg) != PL_ERR_OK ||
               pl_decisions_reserve(&ev) != PL_ERR_OK || pl_decisions_apply(&ev) != PL_ERR_OK;
  if (failed)
    lwsl_err("replay: programme event %llu is damaged or does not fit\n",
             (unsigned long long)seq);
  json_decref(o);
  pl_pevent_bufs_release(&b);
  return failed;
}

/* --- the deadline ------------------------------------------------------------- */

/* Commits the closing the core decided: for an adopted accreditation each
 * application becomes an observer delegation in the same change. */
static pl_err close_one(pl_proc_event *pe, int64_t now) {
  const pl_procedure *p = pl_proc_get(&the.procs, pe->procedure);
  pl_delegation_rec made[PL_PROC_MAX_APPS];
  size_t n = 0;
  pl_change ch;
  char msg[128];
  pl_change_init(&ch, now);
  if (p->kind == PL_PROC_ACCREDITATION && pe->result == PL_PROC_ADOPTED)
    for (size_t i = 0; i < p->n_apps; i++) {
      const pl_application_rec *a = pl_decisions_app(p->apps[i]);
      if (NEVER(!a))
        continue;
      pl_delegation_rec *d = &made[n++];
      memset(d, 0, sizeof *d);
      snprintf(d->name, sizeof d->name, "%s", a->name);
      snprintf(d->tz, sizeof d->tz, "%s", a->tz);
      d->kind = a->kind;
      d->group = -1;
      pl_change_new_id(&ch, 'd', d->id, sizeof d->id);
      memcpy(pe->app_delegations[i], d->id, PL_ID_LEN);
    }
  pl_pevent closed = {.type = PL_PEV_PROCEDURE_CLOSED, .proc = pe, .procedure = p};
  pl_change_programme(&ch, &closed);
  for (size_t i = 0; i < n; i++) {
    pl_pevent created = {.type = PL_PEV_DELEGATION_CREATED, .delegation = made[i]};
    pl_change_programme(&ch, &created);
  }
  pl_err e = pl_change_commit(&ch, msg, sizeof msg);
  pl_change_release(&ch);
  if (e)
    lwsl_err("procedure %s: could not close: %s\n", pe->procedure, msg);
  return e;
}

static void on_deadline(struct ev_loop *loop, ev_periodic *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  int64_t now = pl_now_ms();
  pl_proc_event pe;
  the.armed = 0;
  if (!pl_cluster_leads())
    return; /* the deadlines are another node's to decide (live/cluster.h) */
  while (pl_proc_close_due(&the.procs, now, &pe)) {
    if (close_one(&pe, now) != PL_ERR_OK) {
      /* The store refused: try again shortly rather than lose the close. */
      ev_periodic_set(&the.timer, ev_now(pl_srv->loop) + 1., 0., NULL);
      ev_periodic_start(pl_srv->loop, &the.timer);
      return;
    }
  }
  pl_decisions_arm();
}

void pl_decisions_arm(void) {
  int64_t deadline = pl_proc_next_deadline(&the.procs);
  if (deadline == the.armed)
    return;
  the.armed = deadline;
  ev_periodic_stop(pl_srv->loop, &the.timer);
  if (!deadline)
    return;
  /* An instant on the wall clock, days away perhaps: ev_periodic follows
   * the clock where an ev_timer would drift with the monotonic one. One in
   * the past fires at the next loop iteration. */
  ev_periodic_init(&the.timer, on_deadline, (double)deadline / 1000.0, 0., NULL);
  ev_periodic_start(pl_srv->loop, &the.timer);
}

void pl_decisions_cancel_timer(void) {
  ev_periodic_stop(pl_srv->loop, &the.timer);
  the.armed = 0;
}
