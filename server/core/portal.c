/* The portal's rules (portal.h). */
#include "core/portal.h"

bool pl_portal_is_secretariat(pl_role role, pl_delegation_kind kind) {
  return role == PL_ROLE_SECRETARIAT ||
         (role == PL_ROLE_CHAIR && kind == PL_DELEGATION_SECRETARIAT);
}

bool pl_portal_may_upload(pl_role role, pl_delegation_kind kind, pl_doc_kind doc) {
  if (pl_portal_is_secretariat(role, kind))
    return true;
  if (role == PL_ROLE_VIEWER)
    return false;
  if (kind == PL_DELEGATION_STATE)
    return role == PL_ROLE_DELEGATE || role == PL_ROLE_CHAIR;
  return role == PL_ROLE_OBSERVER && doc != PL_DOC_NATIONAL_REPORT;
}

bool pl_portal_may_report(pl_role role, pl_delegation_kind kind) {
  return pl_portal_is_secretariat(role, kind) ||
         (kind == PL_DELEGATION_STATE && (role == PL_ROLE_DELEGATE || role == PL_ROLE_CHAIR));
}

bool pl_portal_may_read(pl_role role, pl_delegation_kind kind, pl_visibility vis) {
  return vis == PL_VIS_PUBLIC || pl_portal_is_secretariat(role, kind) ||
         kind == PL_DELEGATION_STATE;
}
