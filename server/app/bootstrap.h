/*
 * First start and the demo programme (bootstrap.c): the secretariat's own
 * delegation and first participant, whose token goes to <db>.admin-token
 * (mode 0600) and nowhere else; and with --demo, a small realistic programme
 * whose invite links are kept in <db>.demo-links (0600) so that every start
 * can print them again.
 */
#ifndef PL_APP_BOOTSTRAP_H
#define PL_APP_BOOTSTRAP_H

#include "app/server.h"

/* On an empty database: the secretariat, and the demo with --demo, each as
 * one change through the commit path. Returns 0 or -1. */
int pl_bootstrap(const pl_config *cfg);
/* Prints the demo invite links for the listening port. */
int pl_demo_print_links(const pl_config *cfg, int port);

#endif
