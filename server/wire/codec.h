/*
 * JSON forms of the core's records (contract section 6) and of the shell's
 * records (delegation, participant). Events are encoded here once, stored as
 * that text and published as the same bytes; a restart decodes the stored
 * text back into pl_event with pl_event_from_json and applies it.
 *
 * Every pl_json_* returns a new reference (the caller decrefs), or NULL when
 * out of memory.
 */
#ifndef PL_CODEC_H
#define PL_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/room.h"
#include "base/model.h"

json_t *pl_json_entry(const pl_entry *e);
json_t *pl_json_floor(const pl_floor *f); /* JSON null when nobody holds it */
json_t *pl_json_speech(const pl_speech *s);
json_t *pl_json_item(const pl_item_def *it);
json_t *pl_json_queue(const pl_item *it);
/* An item's clock: {item, spent_ms (before open_since), open_since (null
 * while the item is not open, or not yet begun)}. */
json_t *pl_json_item_clock(const pl_item *it, int64_t open_since);
/* The time contingents of item `it`: {each_ms, left_ms: {group: ms}} for
 * the groups that spoke or were given time; JSON null when the policy has
 * none. */
json_t *pl_json_contingents(const pl_room *r, const pl_item *it);
json_t *pl_json_delegation(const pl_delegation_rec *d);
json_t *pl_json_participant(const pl_participant_rec *p);

/* The wire event {"ev", "meeting", "seq", ...}. `room` is the state before
 * the event is applied (an item event carries the list of the item opened). */
json_t *pl_json_event(const pl_event *ev, const pl_room *room, const char *meeting,
                      uint64_t seq, int64_t server_time);

/* Decode what pl_json_entry and pl_json_floor wrote (a floor from JSON null
 * is nobody's). Return 0, or -1 when it is not one. */
int pl_entry_from_json(json_t *obj, pl_entry *out);
int pl_floor_from_json(json_t *obj, pl_floor *out);

/* Decodes a stored wire event. Returns 0, or -1 when it is not one. */
int pl_event_from_json(json_t *obj, pl_event *out);

/* Replays one stored event of a meeting's stream into `r`: decoded, then
 * reserved and applied as the commit path applies it; meeting.changed
 * changes no room (*room_event false). Returns 0, or -1 when the text is
 * not an event that applies. */
int pl_event_replay(pl_room *r, const char *body, size_t len, bool *room_event);

/* Copies a JSON string field into a fixed buffer; "" when absent or null. */
void pl_json_copy_str(json_t *obj, const char *key, char *buf, size_t len);

/* The strict form, for decoding stored events: absent or null is "" and
 * fine unless `required`; otherwise a string that fits (non-empty when
 * required). Returns false when the field is malformed. */
bool pl_json_take_str(json_t *obj, const char *key, char *buf, size_t len, bool required);

#endif
