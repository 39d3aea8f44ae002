/* Growing arrays (mem.h). */
#include "base/mem.h"

#include <stdint.h>
#include <stdlib.h>

void *pl_reserve_n(void *arr, size_t *cap, size_t n, size_t more, size_t size,
                   size_t first) {
  if (n + more <= *cap)
    return arr;
  size_t grown_cap = *cap ? *cap : first ? first : 1;
  while (grown_cap < n + more) {
    if (grown_cap > SIZE_MAX / 2 / size)
      return NULL;
    grown_cap *= 2;
  }
  void *grown = realloc(arr, grown_cap * size);
  if (grown)
    *cap = grown_cap;
  return grown;
}

void *pl_reserve(void *arr, size_t *cap, size_t n, size_t size, size_t first) {
  return pl_reserve_n(arr, cap, n, 1, size, first);
}
