/*
 * Who may do what in the portal (issue 13), as pure rules on roles and
 * kinds: the secretariat anything; a State (its delegates and chairs) its
 * own reports and papers; an observer's delegation its papers, never a
 * national report; a viewer nothing. A document for `states` is read by
 * the States and the secretariat only.
 */
#ifndef PL_CORE_PORTAL_H
#define PL_CORE_PORTAL_H

#include <stdbool.h>

#include "core/enums.h"

/* Whether a participant of `role` in a delegation of `kind` may upload a
 * document of kind `doc` (for their own delegation). */
bool pl_portal_may_upload(pl_role role, pl_delegation_kind kind, pl_doc_kind doc);

/* Whether they may submit a national report for their own delegation. */
bool pl_portal_may_report(pl_role role, pl_delegation_kind kind);

/* Whether they may read what is for `vis`. */
bool pl_portal_may_read(pl_role role, pl_delegation_kind kind, pl_visibility vis);

/* Whether they act for the secretariat (on behalf of any delegation). */
bool pl_portal_is_secretariat(pl_role role, pl_delegation_kind kind);

#endif
