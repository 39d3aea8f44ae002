/*
 * Assertions, as SQLite and libuv use them. Every layer may include this, the
 * core included: it does no I/O of its own beyond what assert() does when an
 * invariant breaks, which is the end of the process anyway.
 *
 *   PL_ASSERT(x)  x must hold. Checked in debug and sanitizer builds
 *                 (PLENARY_DEBUG), compiled out in release.
 *   ALWAYS(x)     for a branch that handles what cannot happen: stops a debug
 *                 build when x is false; in release it is just (x), so the
 *                 branch still runs and the process goes on safely.
 *   NEVER(x)      the same for a condition that must be false.
 *   PL_VERIFY(x)  evaluates x in every build (it does something) and, in
 *                 debug builds, stops when it is false: a call that cannot
 *                 fail, such as applying an event after it was committed.
 *
 *   if (NEVER(out->n >= PL_MAX_EVENTS)) return &out->spill;
 *
 * reads "this cannot happen; if it does in a release build, do no harm".
 */
#ifndef PL_CORE_INVARIANT_H
#define PL_CORE_INVARIANT_H

#include <assert.h>

#ifdef PLENARY_DEBUG
#define PL_ASSERT(x) assert(x)
#define ALWAYS(x) ((x) ? 1 : (assert(0 && "ALWAYS(" #x ")"), 0))
#define NEVER(x) ((x) ? (assert(0 && "NEVER(" #x ")"), 1) : 0)
#else
#define PL_ASSERT(x) ((void)0)
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#endif
#define PL_VERIFY(x) ((void)ALWAYS(x))

#endif
