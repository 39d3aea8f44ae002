/*
 * The portal's records to and from JSON (portal_json.c): a document, a
 * national report and its template's sections, the rotation, a reminder;
 * the payloads of document.* and report.* on the programme stream.
 *
 *   document.uploaded   {"document": {...the record, with "text"}}
 *   document.withdrawn  {"document": "f3"}
 *   report.submitted    {"report": {...}}
 *   report.rotation_set {"rotation": {"first_year": 2026, "groups": {"d3": "odd"}}}
 *   report.reminder     {"delegation": "d3", "year": 2026, "kind": "due"}
 */
#ifndef PL_WIRE_PORTAL_JSON_H
#define PL_WIRE_PORTAL_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/pevent.h"
#include "core/err.h"

#define PL_REPORT_TEXT_MAX 8000 /* bytes of one text of a report */
#define PL_REPORT_LIST_MAX 50   /* entries of one list of a report */
#define PL_THEME_LEN 120

/* A document as clients read it (without its text). A new reference. */
json_t *pl_json_document(const pl_document_rec *d);
json_t *pl_json_report(const pl_report_rec *r);

/* Checks a report's sections against the harmonized template: every
 * section and field known, of its type and within its bounds. Returns
 * PL_ERR_OK, or PL_ERR_BAD_REQUEST with msg naming the field. */
pl_err pl_report_sections_check(json_t *sections, char *msg, size_t msglen);

/* The payload of a document.* or report.* event; NULL when out of memory. */
json_t *pl_json_portal_payload(const pl_pevent *ev);
/* Decodes one into *out; its parts go into b. */
pl_err pl_portal_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                           size_t msglen);

#endif
