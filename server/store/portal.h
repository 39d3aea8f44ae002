/*
 * The portal's views (portal.c): documents and their full-text index,
 * national reports, the reporting rotation and the reminders sent. Written
 * only by pl_store_portal_apply, from views.c, in the commit's transaction;
 * read by the portal's ops. These queries run rarely (an upload, a search,
 * a report), so each is prepared when it runs.
 */
#ifndef PL_STORE_PORTAL_H
#define PL_STORE_PORTAL_H

#include <jansson.h>
#include <stdbool.h>

#include "base/pevent.h"
#include "store/store.h"

/* Applies a document.* or report.* event to the views. */
pl_store_rc pl_store_portal_apply(pl_store *s, const pl_pevent *ev);

/* The next free number of a document ('f') or a report ('r'). */
pl_store_rc pl_store_portal_next(pl_store *s, char kind, int64_t *out);

/* The document `id` as JSON (a new reference in *out), NOT_FOUND when none. */
pl_store_rc pl_store_document_get(pl_store *s, const char *id, json_t **out);
/* [{id, language, title}] of every document of `family`, in id order. */
pl_store_rc pl_store_document_versions(pl_store *s, const char *family, json_t **out);

/* Whether a committed document's file is the content `sha`. */
pl_store_rc pl_store_document_with_sha(pl_store *s, const char *sha, bool *out);

typedef struct pl_doc_query {
  const char *q; /* words to find, or NULL to list */
  const char *kind, *pillar, *language, *meeting, *delegation; /* NULL: any */
  bool states;   /* may see documents for States only */
  int limit;
} pl_doc_query;

/* The documents found, best first: [{document, snippet, score}], the
 * snippet as [{text, hit}] parts. A query of no words lists the newest. */
pl_store_rc pl_store_document_search(pl_store *s, const pl_doc_query *q, json_t **out);

/* Every report as JSON, by delegation and year, oldest first. */
typedef int (*pl_report_cb)(void *ctx, json_t *report);
pl_store_rc pl_store_report_each(pl_store *s, pl_report_cb cb, void *ctx);

/* The rotation the secretariat set; NOT_FOUND when it never did. */
pl_store_rc pl_store_rotation_get(pl_store *s, pl_rotation_rec *out);

/* Whether reminder r was already sent. */
pl_store_rc pl_store_reminder_sent(pl_store *s, const pl_reminder_rec *r, bool *out);

#endif
