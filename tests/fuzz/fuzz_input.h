/*
 * The bytes of a fuzz input read one at a time, as a programme of steps
 * (fuzz_room.c, fuzz_procedure.c): past the end every byte is 0.
 */
#ifndef PL_FUZZ_INPUT_H
#define PL_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct input {
  const uint8_t *p;
  size_t n;
} input;

static inline uint8_t next(input *in) {
  if (!in->n)
    return 0;
  in->n--;
  return *in->p++;
}

#endif
