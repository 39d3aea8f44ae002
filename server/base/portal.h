/*
 * The portal's records (issue 13): a document in the library, a national
 * report, the reporting rotation and a reminder. Plain data with fixed
 * buffers, like model.h, except what is said owned.
 */
#ifndef PL_BASE_PORTAL_H
#define PL_BASE_PORTAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "base/token.h"

#define PL_DOC_MAX_BYTES (20 * 1024 * 1024) /* a file's size limit */
#define PL_ABSTRACT_LEN 4096
#define PL_MIME_LEN 96
#define PL_DOC_TEXT_MAX (512 * 1024) /* the text indexed of one document, at most */

typedef struct pl_document_rec {
  char id[PL_ID_LEN]; /* "f<n>" */
  char title[PL_TITLE_LEN];
  pl_doc_kind kind;
  int pillar; /* pl_pillar, or -1 for none */
  pl_language language;
  char meeting[PL_ID_LEN]; /* "" when about no meeting */
  char abstract[PL_ABSTRACT_LEN];
  char delegation[PL_ID_LEN]; /* whose document it is */
  char delegation_name[PL_NAME_LEN];
  char by[PL_ID_LEN]; /* the participant who uploaded it */
  pl_visibility visibility;
  char sha256[PL_HASH_HEX_LEN]; /* lower-case hex of the file; "" for a webinar */
  char mime[PL_MIME_LEN];       /* decided from the bytes */
  int64_t size;
  char filename[PL_NAME_LEN]; /* as uploaded, for Content-Disposition */
  char url[PL_URL_LEN];       /* a webinar's link */
  char family[PL_ID_LEN];     /* the first of its language versions (its own id if none) */
  bool withdrawn;
  int64_t at;
  char *text; /* owned: the text indexed (title and abstract aside), or NULL */
} pl_document_rec;

void pl_document_rec_release(pl_document_rec *d);

/* A national report: the harmonized template's sections as validated JSON
 * (wire/report_json.h says their shape). */
typedef struct pl_report_rec {
  char id[PL_ID_LEN]; /* "r<n>" */
  char delegation[PL_ID_LEN];
  char delegation_name[PL_NAME_LEN];
  char by[PL_ID_LEN];
  int year;
  pl_visibility visibility;
  int64_t at;
  json_t *sections; /* owned */
} pl_report_rec;

void pl_report_rec_release(pl_report_rec *r);

/* The rotation as the secretariat set it: the cycle's first year and the
 * States given a group explicitly (the others alternate by name). */
#define PL_ROTATION_MAX 256
typedef struct pl_rotation_rec {
  int first_year;
  size_t n;
  struct {
    char delegation[PL_ID_LEN];
    pl_parity parity;
  } set[PL_ROTATION_MAX];
} pl_rotation_rec;

typedef enum { PL_REMIND_DUE, PL_REMIND_OVERDUE } pl_remind_kind;

typedef struct pl_reminder_rec {
  char delegation[PL_ID_LEN];
  int year;
  pl_remind_kind kind;
} pl_reminder_rec;

#endif
