/*
 * The programme stream's events as JSON (pevent_json.c):
 *   {"ev": "delegation.created", "stream": "programme", "seq": N, "at": ms,
 *    ...its payload}
 * delegation.* carry `delegation`; participant.invited carries
 * `participant`; token.issued and token.reissued carry `participant` (an id)
 * and `token_hash` (hex); token.revoked `participant`; feed.issued
 * `participant` and `feed`; meeting.* carry the whole `meeting` after the
 * change. The stored text is what a client of programme.sync would read.
 */
#ifndef PL_WIRE_PEVENT_JSON_H
#define PL_WIRE_PEVENT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pevent.h"
#include "core/err.h"

/* A new reference, or NULL when out of memory. */
json_t *pl_json_pevent(const pl_pevent *ev, uint64_t seq);

/* A group of States: {id, name, coordinator?, members}. */
json_t *pl_json_group(const pl_group_def *g);

/* Decodes a stored programme event. Its larger parts (a meeting's record,
 * a procedure event, an application) go into *bufs and out points at them:
 * the caller zeroes *bufs before and releases it after
 * (pl_pevent_bufs_release), whatever the result. Returns PL_ERR_OK, or
 * PL_ERR_BAD_REQUEST with msg saying what is wrong. */
pl_err pl_pevent_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *bufs, char *msg,
                           size_t msglen);

#endif
