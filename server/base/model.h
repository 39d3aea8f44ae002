/*
 * Records the shell keeps in SQLite and passes between its modules: a
 * meeting as the secretariat defined it, a delegation, a participant. Plain
 * data with fixed buffers, so they copy by assignment and need no freeing
 * (except the items array of a meeting, see pl_meeting_rec_release).
 */
#ifndef PL_MODEL_H
#define PL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enums.h"
#include "core/room.h"

#define PL_TITLE_LEN 256
#define PL_TZ_LEN 64
#define PL_LOCAL_LEN 17 /* "YYYY-MM-DDTHH:MM" and NUL */
#define PL_URL_LEN 1024
#define PL_RRULE_LEN 256
#define PL_UID_LEN 256
#define PL_DATES_MAX 64 /* EXDATEs, and RDATEs, of one meeting */
#define PL_MOVES_MAX 32 /* occurrences moved (RECURRENCE-ID) of one meeting */

/* One occurrence of a series held at another time: `of` is the time the
 * rule gives it (its RECURRENCE-ID), start and end where it really is; all
 * local times in the meeting's zone. */
typedef struct pl_moved {
  char of[PL_LOCAL_LEN], start[PL_LOCAL_LEN], end[PL_LOCAL_LEN];
} pl_moved;
#define PL_ROOM_LEN 64 /* a video room's name */
#define PL_LANG_LEN 16 /* a BCP 47 language tag: "fr", "zh-Hans" */

typedef struct pl_delegation_rec {
  char id[PL_ID_LEN];
  char name[PL_NAME_LEN];
  pl_delegation_kind kind;
  int group; /* pl_group, or -1 (only States have a regional group) */
  char tz[PL_TZ_LEN];
} pl_delegation_rec;

typedef struct pl_participant_rec {
  char id[PL_ID_LEN];
  char name[PL_NAME_LEN];
  pl_role role;
  char delegation[PL_ID_LEN];
  char language[PL_LANG_LEN]; /* an interpreter's language ("fr", "zh"); "" for others */
} pl_participant_rec;

/* An interpretation channel of a meeting: where to listen in a language. */
#define PL_MAX_CHANNELS 8
#define PL_CHANNEL_URL_LEN 512
typedef struct pl_channel {
  char language[PL_LANG_LEN];
  char url[PL_CHANNEL_URL_LEN]; /* https only */
} pl_channel;

typedef struct pl_meeting_rec {
  char id[PL_ID_LEN];
  char title[PL_TITLE_LEN];
  pl_meeting_kind kind;
  pl_format format;
  char tz[PL_TZ_LEN];             /* IANA zone the local times are in */
  char start[PL_LOCAL_LEN];       /* local date-time, "2027-03-09T10:00" */
  char end[PL_LOCAL_LEN];
  char rrule[PL_RRULE_LEN];       /* "" when the meeting does not repeat */
  /* Occurrences the rule does not give (rdate) and that it gives but are not
   * held (exdate), as local times of the start; ones held at another time. */
  char rdate[PL_DATES_MAX][PL_LOCAL_LEN];
  size_t n_rdate;
  char exdate[PL_DATES_MAX][PL_LOCAL_LEN];
  size_t n_exdate;
  pl_moved moved[PL_MOVES_MAX];
  size_t n_moved;
  int pillar;                     /* pl_pillar, or -1 */
  char location[PL_TITLE_LEN];
  char video_url[PL_URL_LEN];
  char video_room[PL_ROOM_LEN];   /* the Jitsi room, "" when the meeting has none */
  char chair[PL_ID_LEN];          /* participant id, "" when none */
  pl_channel channels[PL_MAX_CHANNELS]; /* interpretation channels */
  size_t n_channels;
  pl_policy policy;
  pl_item_def *items;             /* owned; n_items >= 1 */
  size_t n_items;
  pl_meeting_status status;
  int32_t sequence;               /* calendar revision, grows on every change */
  int64_t start_at, end_at;       /* UTC instants (ms) of start and end */
  int64_t created_at, updated_at; /* ms; DTSTAMP and Last-Modified */
  /* The UID and SEQUENCE of the calendar event it was imported from ("" and
   * 0 otherwise): importing it again finds this meeting. */
  char import_uid[PL_UID_LEN];
  int32_t import_sequence;
} pl_meeting_rec;

/* An organization's application for observer status, made through a
 * one-time link (accreditation.apply) and decided by a silence procedure. */
#define PL_CONTACT_LEN 256
#define PL_JUSTIFICATION_LEN 4096
typedef struct pl_application_rec {
  char id[PL_ID_LEN];   /* "a<n>" */
  char link[PL_ID_LEN]; /* "l<n>", the link it came through */
  char name[PL_NAME_LEN];
  pl_delegation_kind kind; /* organization, ngo or expert */
  char tz[PL_TZ_LEN];
  char contact[PL_CONTACT_LEN];
  char website[PL_URL_LEN];
  char justification[PL_JUSTIFICATION_LEN];
  int64_t at;
} pl_application_rec;

/* An endpoint the secretariat registered for webhooks (net/deliver.c).
 * The secret signs what is sent; it is kept on the server (the event that
 * made it is never published) and never shown back. */
#define PL_WEBHOOK_URL_LEN 1024
#define PL_WEBHOOK_EVENTS_LEN 512 /* patterns, comma-separated */
#define PL_WEBHOOK_SECRET_LEN 257 /* 16 to 256 bytes and NUL */
typedef struct pl_webhook_rec {
  char id[PL_ID_LEN]; /* "w<n>" */
  char url[PL_WEBHOOK_URL_LEN];
  char events[PL_WEBHOOK_EVENTS_LEN];
  char secret[PL_WEBHOOK_SECRET_LEN];
  int64_t created_at;
} pl_webhook_rec;

/* Ids are INTEGER rowids in SQLite and prefixed strings on the wire
 * ("d3", "p12", "m5"). */
void pl_id_format(char *buf, size_t len, char prefix, int64_t id);
/* Returns the number, or -1 when `s` is not `prefix` followed by digits. */
int64_t pl_id_parse(const char *s, char prefix);

/* True when a and b differ in their agenda (items, in order). */
bool pl_meeting_agenda_differs(const pl_meeting_rec *a, const pl_meeting_rec *b);

/* Frees the items of `m` (not `m` itself). */
void pl_meeting_rec_release(pl_meeting_rec *m);
/* Deep copy: *dst gets its own items. Returns 0, or -1 when out of memory. */
int pl_meeting_rec_copy(pl_meeting_rec *dst, const pl_meeting_rec *src);

#endif
