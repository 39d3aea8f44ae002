/*
 * A participant's attendance at a meeting, from their connections
 * (attendance.c). Each connection joined to a meeting has its own presence,
 * so a second tab joining remotely does not move the first out of the room:
 * a participant is in the room while any of their connections is, remote
 * only while all of them are, and offline when none is joined. A screen
 * (the room's projector) is no connection of anyone's here: the shell never
 * counts it.
 */
#ifndef PL_CORE_ATTENDANCE_H
#define PL_CORE_ATTENDANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/enums.h"

typedef struct pl_attendance {
  int32_t room;   /* connections joined in the room */
  int32_t remote; /* connections joined remotely */
  pl_presence last; /* the presence while last online, shown when offline */
} pl_attendance;

/* A connection joined with presence p. */
void pl_attendance_add(pl_attendance *a, pl_presence p);
/* A connection joined with presence p left; never counts below zero. */
void pl_attendance_remove(pl_attendance *a, pl_presence p);
/* A connection changed its presence from `from` to `to`. */
void pl_attendance_move(pl_attendance *a, pl_presence from, pl_presence to);

/* The attendance of a, with `room` and `remote` more connections made on
 * other nodes of a cluster: in the room if any connection anywhere is. */
pl_attendance pl_attendance_plus(const pl_attendance *a, int32_t room, int32_t remote);

/* Connected through at least one connection. */
bool pl_attendance_online(const pl_attendance *a);
/* In the room if any connection is; remote if all are; offline: as last seen. */
pl_presence pl_attendance_presence(const pl_attendance *a);

#endif
