/*
 * The views' only writer (views.c): each call applies one event to the rows
 * ops read, inside the caller's transaction, beside the append of that event.
 */
#ifndef PL_STORE_VIEWS_H
#define PL_STORE_VIEWS_H

#include "base/pevent.h"
#include "core/room.h"
#include "store/store.h"

/* Applies a programme event to the views. `meeting_body` is the canonical
 * JSON of ev->meeting for meeting events (NULL otherwise). */
pl_store_rc pl_store_view_apply(pl_store *s, const pl_pevent *ev, const char *meeting_body);
/* A row of the record of speeches; the delegation's regional group is read
 * from the delegations view in the same statement. */
pl_store_rc pl_store_speech_insert(pl_store *s, const char *meeting, uint64_t seq,
                                   const pl_speech *sp);

#endif
