/*
 * The schema's steps (schema.c): user_version N means steps[0..N-1] are
 * applied. Private to the store.
 */
#ifndef PL_STORE_SCHEMA_H
#define PL_STORE_SCHEMA_H

#include <stddef.h>

extern const char *const pl_store__schema_steps[];
extern const size_t pl_store__schema_count;

#endif
