/*
 * Comparing two sets of views (diff.c), for plenaryd replay --check.
 */
#ifndef PL_STORE_DIFF_H
#define PL_STORE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Compares the views of `rebuilt` with those of the database file at
 * `path`: *same, or the first difference described in `what`. */
pl_store_rc pl_store_diff(pl_store *rebuilt, const char *path, bool *same, char *what,
                          size_t whatlen);

#endif
