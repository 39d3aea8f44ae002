/*
 * The configuration file (config_file.c): `key = value` lines read with
 * Debian's libinih, each handed to pl_options_set with the file and line it
 * came from, so an error names both.
 */
#ifndef PL_APP_CONFIG_FILE_H
#define PL_APP_CONFIG_FILE_H

#include "app/config.h"

/* Reads o->path into o: 0, or the exit status after writing why (2 for a
 * file that cannot be read, a section, a line that is no key = value, or a
 * bad key or value; 1 out of memory). Stops at the first error. */
int pl_config_file_read(pl_options *o);

#endif
