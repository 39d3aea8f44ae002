/*
 * The programme stream's events as data. Every accepted change to the
 * programme (its delegations, participants and their credentials, its
 * meetings) is one or more of these, appended to the programme stream in the
 * same transaction that updates the rows ops read (store/views.c), so the
 * rows can always be rebuilt from the log (plenaryd replay --check).
 *
 * One X-macro list gives the type and its wire name ("delegation.created").
 * A token travels as its SHA-256 hash only, never in clear.
 */
#ifndef PL_BASE_PEVENT_H
#define PL_BASE_PEVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "base/portal.h"
#include "base/token.h"
#include "core/groups.h"
#include "core/procedure.h"

#define PL_PROGRAMME_STREAM "programme"

#define PL_PEVENT_MAP(X)                           \
  X(DELEGATION_CREATED, "delegation.created")     \
  X(DELEGATION_UPDATED, "delegation.updated")     \
  X(PARTICIPANT_INVITED, "participant.invited")   \
  X(TOKEN_ISSUED, "token.issued")                 \
  X(TOKEN_REISSUED, "token.reissued")             \
  X(TOKEN_REVOKED, "token.revoked")               \
  X(FEED_ISSUED, "feed.issued")                   \
  X(MEETING_CREATED, "meeting.created")           \
  X(MEETING_UPDATED, "meeting.updated")           \
  X(MEETING_CANCELLED, "meeting.cancelled")       \
  X(MEETING_IMPORTED, "meeting.imported")         \
  X(MEETING_PLANNED, "meeting.planned")           \
  X(PROCEDURE_STARTED, "procedure.started")       \
  X(PROCEDURE_OBJECTED, "procedure.objected")     \
  X(PROCEDURE_WITHDRAWN, "procedure.withdrawn")   \
  X(PROCEDURE_EXTENDED, "procedure.extended")     \
  X(PROCEDURE_STATEMENT, "procedure.statement")   \
  X(PROCEDURE_CLOSED, "procedure.closed")         \
  X(APPLICATION_LINK, "application.link_issued")  \
  X(APPLICATION_RECEIVED, "application.received") \
  X(WEBHOOK_CREATED, "webhook.created")           \
  X(WEBHOOK_DELETED, "webhook.deleted")           \
  X(GROUP_CREATED, "group.created")               \
  X(GROUP_UPDATED, "group.updated")               \
  X(PARTICIPANT_RANKED, "participant.ranked")     \
  X(DOCUMENT_UPLOADED, "document.uploaded")       \
  X(DOCUMENT_WITHDRAWN, "document.withdrawn")     \
  X(REPORT_SUBMITTED, "report.submitted")         \
  X(REPORT_ROTATION, "report.rotation_set")       \
  X(REPORT_REMINDER, "report.reminder")           \
  X(SCREEN_ISSUED, "screen.issued")               \
  X(SCREEN_REVOKED, "screen.revoked")

typedef enum {
#define PL_PEVENT_ENUM(name, wire) PL_PEV_##name,
  PL_PEVENT_MAP(PL_PEVENT_ENUM)
#undef PL_PEVENT_ENUM
  PL_PEV__COUNT
} pl_pevent_type;

extern const char *const pl_pevent_names[PL_PEV__COUNT];

typedef struct pl_pevent {
  pl_pevent_type type;
  int64_t at;
  pl_delegation_rec delegation;     /* DELEGATION_* */
  pl_participant_rec participant;   /* PARTICIPANT_INVITED; the others use its id */
  uint8_t token_hash[PL_HASH_LEN];  /* TOKEN_ISSUED, TOKEN_REISSUED, APPLICATION_LINK */
  char feed[PL_FEED_LEN];           /* FEED_ISSUED */
  const pl_meeting_rec *meeting;    /* MEETING_*: borrowed, the record after the change */
  pl_proc_event *proc;              /* PROCEDURE_*: borrowed */
  const pl_procedure *procedure;    /* PROCEDURE_CLOSED: borrowed, as it stood at the deadline */
  const pl_application_rec *app;    /* APPLICATION_RECEIVED: borrowed */
  char link[PL_ID_LEN];             /* APPLICATION_LINK */
  const pl_webhook_rec *webhook;    /* WEBHOOK_CREATED: borrowed; DELETED uses its id */
  const pl_group_def *group;        /* GROUP_*: borrowed, the group after the change */
  pl_rank rank;                     /* PARTICIPANT_RANKED (of participant.id) */
  const pl_document_rec *document;  /* DOCUMENT_UPLOADED: borrowed */
  char target[PL_ID_LEN];           /* DOCUMENT_WITHDRAWN: the document's id */
  const pl_report_rec *report;      /* REPORT_SUBMITTED: borrowed */
  const pl_rotation_rec *rotation;  /* REPORT_ROTATION: borrowed */
  pl_reminder_rec reminder;         /* REPORT_REMINDER */
  char screen[PL_ID_LEN];           /* SCREEN_*: the meeting whose screen link it is */
} pl_pevent;

/* Where a decoded event's larger parts go (pl_pevent_from_json). */
typedef struct pl_pevent_bufs {
  pl_meeting_rec meeting;
  pl_proc_event proc;
  pl_application_rec app;
  pl_webhook_rec webhook;
  pl_group_def group;
  pl_document_rec document;
  pl_report_rec report;
  pl_rotation_rec rotation;
} pl_pevent_bufs;

static inline bool pl_pevent_is_meeting(pl_pevent_type t) {
  return t >= PL_PEV_MEETING_CREATED && t <= PL_PEV_MEETING_PLANNED;
}

/* The Programme's decisions: procedures and applications (live/decisions.h).
 * They have no view; the server keeps them in memory. */
static inline bool pl_pevent_is_decision(pl_pevent_type t) {
  return t >= PL_PEV_PROCEDURE_STARTED && t <= PL_PEV_APPLICATION_RECEIVED;
}

/* A meeting's link for the room's screen (live/screens.h): no view, kept in
 * memory, rebuilt from the log at start; never sent to clients. */
static inline bool pl_pevent_is_screen(pl_pevent_type t) {
  return t == PL_PEV_SCREEN_ISSUED || t == PL_PEV_SCREEN_REVOKED;
}

static inline bool pl_pevent_is_procedure(pl_pevent_type t) {
  return t >= PL_PEV_PROCEDURE_STARTED && t <= PL_PEV_PROCEDURE_CLOSED;
}

/* The procedure event type of a programme event type, and back. */
static inline pl_proc_ev_type pl_pevent_proc_type(pl_pevent_type t) {
  return (pl_proc_ev_type)(t - PL_PEV_PROCEDURE_STARTED);
}
static inline pl_pevent_type pl_proc_pevent_type(pl_proc_ev_type t) {
  return (pl_pevent_type)(PL_PEV_PROCEDURE_STARTED + (int)t);
}

/* The portal's events (issue 13): documents and national reports. */
static inline bool pl_pevent_is_portal(pl_pevent_type t) {
  return t >= PL_PEV_DOCUMENT_UPLOADED && t <= PL_PEV_REPORT_REMINDER;
}

/* Frees what a decoded event left in b (its meeting's items, its
 * procedure event's texts). */
void pl_pevent_bufs_release(pl_pevent_bufs *b);

/* The type named `name`, or -1. */
int pl_pevent_parse(const char *name);

#endif
