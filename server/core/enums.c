/* Wire names of the contract's enumerations, generated from enums.h. */
#include "core/enums.h"

#include <string.h>

#define PL_ENUM_NAME_STR(id, str) str,
#define PL_DEFINE_ENUM(type, MAP)                                               \
  const char *const type##_names[] = {MAP(PL_ENUM_NAME_STR)};                   \
  const size_t type##_count = sizeof(type##_names) / sizeof(type##_names[0]);

PL_DEFINE_ENUM(pl_role, PL_ROLE_MAP)
PL_DEFINE_ENUM(pl_delegation_kind, PL_DELEGATION_KIND_MAP)
PL_DEFINE_ENUM(pl_group, PL_GROUP_MAP)
PL_DEFINE_ENUM(pl_close_reason, PL_CLOSE_REASON_MAP)
PL_DEFINE_ENUM(pl_rank, PL_RANK_MAP)
PL_DEFINE_ENUM(pl_list_order, PL_LIST_ORDER_MAP)
PL_DEFINE_ENUM(pl_meeting_kind, PL_MEETING_KIND_MAP)
PL_DEFINE_ENUM(pl_format, PL_FORMAT_MAP)
PL_DEFINE_ENUM(pl_pillar, PL_PILLAR_MAP)
PL_DEFINE_ENUM(pl_item_kind, PL_ITEM_KIND_MAP)
PL_DEFINE_ENUM(pl_speech_kind, PL_SPEECH_KIND_MAP)
PL_DEFINE_ENUM(pl_presence, PL_PRESENCE_MAP)
PL_DEFINE_ENUM(pl_observer_items, PL_OBSERVER_ITEMS_MAP)
PL_DEFINE_ENUM(pl_on_expiry, PL_ON_EXPIRY_MAP)
PL_DEFINE_ENUM(pl_floor_phase, PL_FLOOR_PHASE_MAP)
PL_DEFINE_ENUM(pl_pause_reason, PL_PAUSE_REASON_MAP)
PL_DEFINE_ENUM(pl_remove_reason, PL_REMOVE_REASON_MAP)
PL_DEFINE_ENUM(pl_meeting_status, PL_MEETING_STATUS_MAP)
PL_DEFINE_ENUM(pl_proc_kind, PL_PROC_KIND_MAP)
PL_DEFINE_ENUM(pl_proc_status, PL_PROC_STATUS_MAP)
PL_DEFINE_ENUM(pl_office, PL_OFFICE_MAP)
PL_DEFINE_ENUM(pl_doc_kind, PL_DOC_KIND_MAP)
PL_DEFINE_ENUM(pl_language, PL_LANGUAGE_MAP)
PL_DEFINE_ENUM(pl_visibility, PL_VISIBILITY_MAP)
PL_DEFINE_ENUM(pl_parity, PL_PARITY_MAP)
PL_DEFINE_ENUM(pl_sitting, PL_SITTING_MAP)

int pl_enum_parse(const char *const names[], size_t count, const char *s) {
  if (!s)
    return -1;
  for (size_t i = 0; i < count; i++)
    if (strcmp(names[i], s) == 0)
      return (int)i;
  return -1;
}
