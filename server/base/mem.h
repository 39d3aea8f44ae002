/*
 * Growing arrays. Every array of the shell that grows (sessions, a meeting's
 * audience, its attendance) grows through pl_reserve, so that "make room
 * first, then fill it" is one call whose failure leaves everything as it was:
 * the commit path reserves before BEGIN and fills after COMMIT.
 */
#ifndef PL_BASE_MEM_H
#define PL_BASE_MEM_H

#include <stddef.h>

/* Returns `arr` (n of *cap elements of `size` bytes used) with room for
 * element n, doubling *cap when full (starting at `first`); NULL when out of
 * memory, and then `arr` and *cap are unchanged and still the caller's. */
void *pl_reserve(void *arr, size_t *cap, size_t n, size_t size, size_t first);

/* The same for `more` elements after the first n. When they fit already,
 * returns `arr` as it is (which may be NULL for an array never grown):
 * callers that may ask for nothing check n + more <= *cap first. */
void *pl_reserve_n(void *arr, size_t *cap, size_t n, size_t more, size_t size, size_t first);

#endif
