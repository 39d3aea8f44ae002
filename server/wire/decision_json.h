/*
 * Silence procedures and applications to and from JSON: the procedure
 * object of procedure.get, the payload of each procedure.* and application.*
 * event on the programme stream, their decoding for the rebuild and the
 * restart, and who sees which part of them (docs/PROTOCOL.md, section H).
 */
#ifndef PL_WIRE_DECISION_JSON_H
#define PL_WIRE_DECISION_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/pevent.h"
#include "core/err.h"
#include "core/procedure.h"

/* Who reads a programme event or a procedure: the secretariat sees all;
 * the States (their delegates and chairs) see who objected to which
 * applicant; observers and viewers see an accreditation's text, deadline
 * and result, not who objected or what they said. */
typedef enum {
  PL_SEES_SECRETARIAT,
  PL_SEES_STATE,
  PL_SEES_PUBLIC,
} pl_audience;

/* The procedure as `who` may see it. A new reference, or NULL. */
json_t *pl_json_procedure(const pl_procedure *p, pl_audience who);
/* `contact`: with the applicant's contact (the secretariat's view). */
json_t *pl_json_application(const pl_application_rec *a, bool contact);

/* The payload of a procedure.* or application.* event (merged into the
 * event object by pl_json_pevent). NULL when out of memory. */
json_t *pl_json_decision_payload(const pl_pevent *ev);
/* Decodes one into *out; its parts go into b. */
pl_err pl_decision_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                             size_t msglen);

/* True for the programme events clients are sent at all: procedure.*,
 * application.received (the secretariat's) and report.reminder (the
 * State's it names, and the secretariat's). */
bool pl_pevent_published(pl_pevent_type t);

/* True when a stored programme event's text is a procedure.* or
 * application.* event. Every stored body starts with its name
 * ({"ev":"...), so the rest of the stream (credentials and records, most
 * of it) is passed over without parsing. */
bool pl_pevent_text_is_decision(const char *body, size_t len);

/* The programme event `o` as `who` sees it: `o` itself (a new reference)
 * when they see all of it, a copy without what they may not see, or NULL
 * when it is not for them at all (credentials, views' records). */
json_t *pl_pevent_for(json_t *o, pl_audience who);

#endif
