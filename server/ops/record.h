/*
 * The record of speeches (record.c): meeting.stats (speaking time grouped
 * four ways) and the CSV export, both read from the speeches view, which is
 * written in the same transaction as each speech.ended event.
 */
#ifndef PL_OPS_RECORD_H
#define PL_OPS_RECORD_H

#include <stddef.h>

#include "live/live.h"
#include "ops/op.h"

pl_err pl_op_meeting_stats(pl_op_ctx *c, json_t *args);
/* The CSV text with a header row, malloc'd (caller frees); NULL on error.
 * pl_record_csv is the machine form (ids, codes, ms); pl_record_people_csv
 * the form people open in a spreadsheet (a byte order mark, titles and
 * names, ISO 8601 times in the meeting's zone and in UTC, min:s). */
char *pl_record_csv(pl_live *m, size_t *len);
/* The rolling list of speakers of item `item` (NULL: the open one) as CSV:
 * who spoke on it, in order, then who has the floor, then who is inscribed,
 * numbered; malloc'd (caller frees); NULL on error. *found is false when
 * the meeting has no such item. */
char *pl_speakers_csv(pl_live *m, const char *item, size_t *len, bool *found);
char *pl_record_people_csv(pl_live *m, size_t *len);
/* The record as JSON: every speech with the seq and chain hash of its
 * speech.ended event, and the stream's head (seq, hash), so a delegation can
 * keep it and later check that the log still says the same. malloc'd
 * (caller frees); NULL on error. */
char *pl_record_json(pl_live *m, size_t *len);

#endif
