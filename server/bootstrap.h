/*
 * First start and the demo programme (bootstrap.c): the secretariat's own
 * delegation and first participant, whose token goes to <db>.admin-token
 * (mode 0600) and nowhere else; and with --demo, a small realistic programme
 * whose invite links are kept in <db>.demo-links (0600) so that every start
 * can print them again.
 */
#ifndef PL_BOOTSTRAP_H
#define PL_BOOTSTRAP_H

#include "transport.h"

int pl_bootstrap(const pl_config *cfg);
/* Prints the demo invite links for the listening port. */
int pl_demo_print_links(const pl_config *cfg, int port);
/* Creates a meeting from a filled record (ops_meeting.c); rec's items are
 * taken on success. Returns PL_ERR_OK or an error with msg set. */
pl_err pl_meeting_create_rec(pl_meeting_rec *rec, int64_t now, char *msg, size_t msglen);
/* Inserts a meeting inside the caller's transaction: assigns rec->id, sets
 * created_at/updated_at and stores its body. It does not go live. 0 or -1. */
int pl_meeting_store_new(pl_meeting_rec *rec, int64_t now);

#endif
