/* The record of speeches as CSV (record.c). */
#ifndef PL_RECORD_H
#define PL_RECORD_H

#include <stddef.h>

#include "plenary.h"

/* The CSV text with a header row, malloc'd (caller frees); NULL on error. */
char *pl_record_csv(pl_live *m, size_t *len);

#endif
