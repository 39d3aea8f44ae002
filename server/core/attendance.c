/*
 * Attendance from connections (attendance.h). The counts are kept per
 * presence, not as one "last join wins" value, so that the answer never
 * depends on the order in which tabs joined or left.
 */
#include "core/attendance.h"

static int32_t *count_of(pl_attendance *a, pl_presence p) {
  return p == PL_PRESENCE_ROOM ? &a->room : &a->remote;
}

void pl_attendance_add(pl_attendance *a, pl_presence p) {
  (*count_of(a, p))++;
  a->last = pl_attendance_presence(a);
}

void pl_attendance_remove(pl_attendance *a, pl_presence p) {
  int32_t *n = count_of(a, p);
  if (*n > 0)
    (*n)--;
  if (pl_attendance_online(a))
    a->last = pl_attendance_presence(a);
}

void pl_attendance_move(pl_attendance *a, pl_presence from, pl_presence to) {
  pl_attendance_remove(a, from);
  pl_attendance_add(a, to);
}

pl_attendance pl_attendance_plus(const pl_attendance *a, int32_t room, int32_t remote) {
  pl_attendance t = {a->room + room, a->remote + remote, a->last};
  if (pl_attendance_online(&t))
    t.last = pl_attendance_presence(&t);
  return t;
}

bool pl_attendance_online(const pl_attendance *a) {
  return a->room > 0 || a->remote > 0;
}

pl_presence pl_attendance_presence(const pl_attendance *a) {
  if (a->room > 0)
    return PL_PRESENCE_ROOM;
  if (a->remote > 0)
    return PL_PRESENCE_REMOTE;
  return a->last;
}
