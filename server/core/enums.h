/*
 * Every enumeration of the wire contract, each as one X-macro list that makes
 * the C enum and its wire string together. The shell validates requests with
 * pl_enum_parse (unknown value -> bad_request) and encodes with the names.
 */
#ifndef PL_CORE_ENUMS_H
#define PL_CORE_ENUMS_H

#include <stdbool.h>
#include <stddef.h>

#define PL_ROLE_MAP(X)                                                          \
  X(PL_ROLE_SECRETARIAT, "secretariat")                                         \
  X(PL_ROLE_CHAIR, "chair")                                                     \
  X(PL_ROLE_DELEGATE, "delegate")                                               \
  X(PL_ROLE_OBSERVER, "observer")                                               \
  X(PL_ROLE_VIEWER, "viewer")                                                   \
  X(PL_ROLE_INTERPRETER, "interpreter")

#define PL_DELEGATION_KIND_MAP(X)                                               \
  X(PL_DELEGATION_STATE, "state")                                               \
  X(PL_DELEGATION_ORGANIZATION, "organization")                                 \
  X(PL_DELEGATION_NGO, "ngo")                                                   \
  X(PL_DELEGATION_EXPERT, "expert")                                             \
  X(PL_DELEGATION_SECRETARIAT, "secretariat")

#define PL_GROUP_MAP(X)                                                         \
  X(PL_GROUP_AFRICAN, "african")                                                \
  X(PL_GROUP_ASIA_PACIFIC, "asia_pacific")                                      \
  X(PL_GROUP_EASTERN_EUROPEAN, "eastern_european")                              \
  X(PL_GROUP_LATIN_AMERICAN_CARIBBEAN, "latin_american_caribbean")              \
  X(PL_GROUP_WESTERN_EUROPEAN_OTHER, "western_european_other")

#define PL_MEETING_KIND_MAP(X)                                                  \
  X(PL_MEETING_REVIEW_CONFERENCE, "review_conference")                          \
  X(PL_MEETING_ANNUAL_MEETING, "annual_meeting")                                \
  X(PL_MEETING_THEMATIC, "thematic")                                            \
  X(PL_MEETING_OTHER, "other")

#define PL_FORMAT_MAP(X)                                                        \
  X(PL_FORMAT_IN_PERSON, "in_person")                                           \
  X(PL_FORMAT_HYBRID, "hybrid")                                                 \
  X(PL_FORMAT_VIRTUAL, "virtual")

#define PL_PILLAR_MAP(X)                                                        \
  X(PL_PILLAR_COOPERATION, "cooperation")                                       \
  X(PL_PILLAR_CBM, "cbm")                                                       \
  X(PL_PILLAR_CAPACITY_BUILDING, "capacity_building")                           \
  X(PL_PILLAR_NORMS, "norms")                                                   \
  X(PL_PILLAR_INTERNATIONAL_LAW, "international_law")                           \
  X(PL_PILLAR_THREAT_ASSESSMENT, "threat_assessment")

#define PL_ITEM_KIND_MAP(X)                                                     \
  X(PL_ITEM_GENERAL, "general")                                                 \
  X(PL_ITEM_STAKEHOLDER, "stakeholder")

#define PL_SPEECH_KIND_MAP(X)                                                   \
  X(PL_SPEECH_STATEMENT, "statement")                                           \
  X(PL_SPEECH_POINT_OF_ORDER, "point_of_order")                                 \
  X(PL_SPEECH_RIGHT_OF_REPLY, "right_of_reply")                                 \
  X(PL_SPEECH_QUESTION, "question")

#define PL_PRESENCE_MAP(X)                                                      \
  X(PL_PRESENCE_ROOM, "room")                                                   \
  X(PL_PRESENCE_REMOTE, "remote")

#define PL_OBSERVER_ITEMS_MAP(X)                                                \
  X(PL_OBSERVER_ITEMS_STAKEHOLDER, "stakeholder")                               \
  X(PL_OBSERVER_ITEMS_ANY, "any")                                               \
  X(PL_OBSERVER_ITEMS_NONE, "none")

#define PL_ON_EXPIRY_MAP(X)                                                     \
  X(PL_ON_EXPIRY_WARN, "warn")                                                  \
  X(PL_ON_EXPIRY_CUT, "cut")

#define PL_FLOOR_PHASE_MAP(X)                                                   \
  X(PL_PHASE_CALLING, "calling")                                                \
  X(PL_PHASE_SPEAKING, "speaking")

#define PL_PAUSE_REASON_MAP(X)                                                  \
  X(PL_PAUSE_NONE, "none")                                                      \
  X(PL_PAUSE_CHAIR, "chair")                                                    \
  X(PL_PAUSE_DISCONNECTED, "disconnected")

/* Why an entry left the list: the `reason` of queue.removed. */
#define PL_REMOVE_REASON_MAP(X)                                                 \
  X(PL_REMOVED_WITHDRAWN, "withdrawn")                                          \
  X(PL_REMOVED_BY_CHAIR, "removed")                                             \
  X(PL_REMOVED_CALLED, "called")

/* Why a list closed: the `reason` of queue.closed. */
#define PL_CLOSE_REASON_MAP(X)                                                  \
  X(PL_CLOSED_BY_CHAIR, "chair")                                                \
  X(PL_CLOSED_DEADLINE, "deadline")

/* Protocol rank (policy order "protocol"), highest first: the order the UN
 * follows in high-level segments. */
#define PL_RANK_MAP(X)                                                          \
  X(PL_RANK_HEAD_OF_STATE, "head_of_state_or_government")                       \
  X(PL_RANK_MINISTER, "minister")                                               \
  X(PL_RANK_VICE_MINISTER, "vice_minister")                                     \
  X(PL_RANK_HEAD_OF_DELEGATION, "head_of_delegation")                           \
  X(PL_RANK_DELEGATE, "delegate")                                               \
  X(PL_RANK_OBSERVER, "observer")

/* How the list orders statements and questions. */
#define PL_LIST_ORDER_MAP(X)                                                    \
  X(PL_ORDER_ASKED, "asked")                                                    \
  X(PL_ORDER_PROTOCOL, "protocol")

#define PL_MEETING_STATUS_MAP(X)                                                \
  X(PL_STATUS_SCHEDULED, "scheduled")                                           \
  X(PL_STATUS_CANCELLED, "cancelled")

/* Silence procedures (procedure.h): what is decided, where it stands, and
 * the offices an election fills. */
#define PL_PROC_KIND_MAP(X)                                                     \
  X(PL_PROC_ADOPTION, "adoption")                                               \
  X(PL_PROC_ACCREDITATION, "accreditation")                                     \
  X(PL_PROC_ELECTION, "election")

#define PL_PROC_STATUS_MAP(X)                                                   \
  X(PL_PROC_OPEN, "open")                                                       \
  X(PL_PROC_ADOPTED, "adopted")                                                 \
  X(PL_PROC_FAILED, "failed")

#define PL_OFFICE_MAP(X)                                                        \
  X(PL_OFFICE_CHAIR, "chair")                                                   \
  X(PL_OFFICE_VICE_CHAIR, "vice_chair")                                         \
  X(PL_OFFICE_RAPPORTEUR, "rapporteur")

/* The portal (issue 13): what a document is, the six UN languages, who may
 * read it, and the two rotation groups of national reports. */
#define PL_DOC_KIND_MAP(X)                                                      \
  X(PL_DOC_NATIONAL_REPORT, "national_report")                                  \
  X(PL_DOC_WORKING_PAPER, "working_paper")                                      \
  X(PL_DOC_RESEARCH_PAPER, "research_paper")                                    \
  X(PL_DOC_STATEMENT, "statement")                                              \
  X(PL_DOC_WEBINAR, "webinar")                                                  \
  X(PL_DOC_OTHER, "other")

#define PL_LANGUAGE_MAP(X)                                                      \
  X(PL_LANG_AR, "ar")                                                           \
  X(PL_LANG_ZH, "zh")                                                           \
  X(PL_LANG_EN, "en")                                                           \
  X(PL_LANG_FR, "fr")                                                           \
  X(PL_LANG_RU, "ru")                                                           \
  X(PL_LANG_ES, "es")

#define PL_VISIBILITY_MAP(X)                                                    \
  X(PL_VIS_PUBLIC, "public")                                                    \
  X(PL_VIS_STATES, "states")

#define PL_PARITY_MAP(X)                                                        \
  X(PL_PARITY_EVEN, "even")                                                     \
  X(PL_PARITY_ODD, "odd")
/* Whether a meeting sits (room_sitting.c): open, suspended by the chair,
 * or closed at its end. */
#define PL_SITTING_MAP(X)                                                       \
  X(PL_SITTING_OPEN, "open")                                                    \
  X(PL_SITTING_SUSPENDED, "suspended")                                          \
  X(PL_SITTING_CLOSED, "closed")

#define PL_ENUM_VALUE(id, str) id,
#define PL_DECLARE_ENUM(type, MAP)                                              \
  typedef enum { MAP(PL_ENUM_VALUE) } type;                                     \
  extern const char *const type##_names[];                                      \
  extern const size_t type##_count;

PL_DECLARE_ENUM(pl_role, PL_ROLE_MAP)
PL_DECLARE_ENUM(pl_delegation_kind, PL_DELEGATION_KIND_MAP)
PL_DECLARE_ENUM(pl_group, PL_GROUP_MAP)
PL_DECLARE_ENUM(pl_meeting_kind, PL_MEETING_KIND_MAP)
PL_DECLARE_ENUM(pl_format, PL_FORMAT_MAP)
PL_DECLARE_ENUM(pl_pillar, PL_PILLAR_MAP)
PL_DECLARE_ENUM(pl_item_kind, PL_ITEM_KIND_MAP)
PL_DECLARE_ENUM(pl_speech_kind, PL_SPEECH_KIND_MAP)
PL_DECLARE_ENUM(pl_presence, PL_PRESENCE_MAP)
PL_DECLARE_ENUM(pl_observer_items, PL_OBSERVER_ITEMS_MAP)
PL_DECLARE_ENUM(pl_on_expiry, PL_ON_EXPIRY_MAP)
PL_DECLARE_ENUM(pl_floor_phase, PL_FLOOR_PHASE_MAP)
PL_DECLARE_ENUM(pl_pause_reason, PL_PAUSE_REASON_MAP)
PL_DECLARE_ENUM(pl_remove_reason, PL_REMOVE_REASON_MAP)
PL_DECLARE_ENUM(pl_meeting_status, PL_MEETING_STATUS_MAP)
PL_DECLARE_ENUM(pl_close_reason, PL_CLOSE_REASON_MAP)
PL_DECLARE_ENUM(pl_rank, PL_RANK_MAP)
PL_DECLARE_ENUM(pl_list_order, PL_LIST_ORDER_MAP)
PL_DECLARE_ENUM(pl_proc_kind, PL_PROC_KIND_MAP)
PL_DECLARE_ENUM(pl_proc_status, PL_PROC_STATUS_MAP)
PL_DECLARE_ENUM(pl_office, PL_OFFICE_MAP)
PL_DECLARE_ENUM(pl_doc_kind, PL_DOC_KIND_MAP)
PL_DECLARE_ENUM(pl_language, PL_LANGUAGE_MAP)
PL_DECLARE_ENUM(pl_visibility, PL_VISIBILITY_MAP)
PL_DECLARE_ENUM(pl_parity, PL_PARITY_MAP)
PL_DECLARE_ENUM(pl_sitting, PL_SITTING_MAP)

/* Index of `s` in `names` (count entries), or -1 when it is none of them. */
int pl_enum_parse(const char *const names[], size_t count, const char *s);

/* Convenience: PL_ENUM_PARSE(pl_role, "chair") -> 1, or -1. */
#define PL_ENUM_PARSE(type, s) pl_enum_parse(type##_names, type##_count, (s))
/* The wire name of a value, or "?" when out of range (never NULL). */
#define PL_ENUM_NAME(type, v)                                                   \
  ((size_t)(v) < type##_count ? type##_names[(v)] : "?")

/* True when `kind` is a State: only States may raise points of order or reply. */
static inline bool pl_delegation_is_state(pl_delegation_kind kind) {
  return kind == PL_DELEGATION_STATE;
}

#endif
