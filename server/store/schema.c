/*
 * The schema, as the steps that built it (schema.h). Each step is applied
 * once, in one transaction with the user_version it reaches, so an upgrade
 * either happens whole or not at all. Every table is STRICT, so a type slip
 * is an error, not a coercion.
 */
#include "store/schema.h"

#include "store/store.h"

const char *const pl_store__schema_steps[] = {
    /* 1: the first shape: rows written directly, a log per meeting. */
    "CREATE TABLE delegations("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  grp TEXT, tz TEXT NOT NULL) STRICT;"
    "CREATE TABLE participants("
    "  id INTEGER PRIMARY KEY,"
    "  delegation INTEGER NOT NULL REFERENCES delegations(id),"
    "  name TEXT NOT NULL, role TEXT NOT NULL,"
    "  token_hash BLOB NOT NULL UNIQUE, feed TEXT NOT NULL UNIQUE) STRICT;"
    "CREATE TABLE meetings("
    "  id INTEGER PRIMARY KEY, start_at INTEGER NOT NULL, end_at INTEGER NOT NULL,"
    "  status TEXT NOT NULL, body TEXT NOT NULL) STRICT;"
    "CREATE TABLE events("
    "  meeting INTEGER NOT NULL REFERENCES meetings(id), seq INTEGER NOT NULL,"
    "  at INTEGER NOT NULL, body TEXT NOT NULL,"
    "  PRIMARY KEY (meeting, seq)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE speeches("
    "  meeting INTEGER NOT NULL REFERENCES meetings(id), seq INTEGER NOT NULL,"
    "  item TEXT NOT NULL, entry TEXT NOT NULL, delegation TEXT NOT NULL,"
    "  delegation_name TEXT NOT NULL, delegation_kind TEXT NOT NULL, grp TEXT,"
    "  participant TEXT NOT NULL, speaker TEXT NOT NULL, on_behalf TEXT NOT NULL,"
    "  kind TEXT NOT NULL, presence TEXT NOT NULL, requested_at INTEGER NOT NULL,"
    "  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL,"
    "  spoken_ms INTEGER NOT NULL, allotted_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (meeting, seq)) STRICT;",

    /* 2: one log for every stream. The rows written directly by schema 1
     * become the programme stream's first events, once: every delegation,
     * then every participant (invited, its token's hash, its feed key), then
     * every meeting as it stands, marked "upgraded" (their moment is not
     * known, so "at" is 0, or the meeting's creation). Meeting logs move
     * over as they are. A participant's token and feed key become nullable,
     * for a revoked token and for the moment between an invitation and its
     * credentials within one transaction. */
    "CREATE TABLE events_v2("
    "  pos INTEGER PRIMARY KEY, stream TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  at INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (stream, seq)) STRICT;"
    "INSERT INTO events_v2(stream, seq, at, body)"
    "  WITH src(k1, k2, k3, ev, at, payload) AS ("
    "    SELECT 1, id, 0, 'delegation.created', 0, json_object('delegation',"
    "      json_object('id', 'd' || id, 'name', name, 'kind', kind, 'group', grp, 'tz', tz))"
    "    FROM delegations"
    "    UNION ALL SELECT 2, id, 0, 'participant.invited', 0, json_object('participant',"
    "      json_object('id', 'p' || id, 'name', name, 'role', role,"
    "                  'delegation', 'd' || delegation))"
    "    FROM participants"
    "    UNION ALL SELECT 2, id, 1, 'token.issued', 0,"
    "      json_object('participant', 'p' || id, 'token_hash', hex(token_hash))"
    "    FROM participants"
    "    UNION ALL SELECT 2, id, 2, 'feed.issued', 0,"
    "      json_object('participant', 'p' || id, 'feed', feed)"
    "    FROM participants"
    "    UNION ALL SELECT 3, id, 0, 'meeting.created',"
    "      coalesce(json_extract(body, '$.created_at'), 0), json_object('meeting', json(body))"
    "    FROM meetings),"
    "  numbered AS (SELECT row_number() OVER (ORDER BY k1, k2, k3) AS seq, * FROM src)"
    "  SELECT 'programme', seq, at,"
    "    json_patch(json_object('ev', ev, 'stream', 'programme', 'seq', seq, 'at', at,"
    "                           'upgraded', json('true')), payload)"
    "  FROM numbered ORDER BY seq;"
    "INSERT INTO events_v2(stream, seq, at, body)"
    "  SELECT 'm' || meeting, seq, at, body FROM events ORDER BY meeting, seq;"
    "DROP TABLE events;"
    "ALTER TABLE events_v2 RENAME TO events;"
    "CREATE TABLE participants_v2("
    "  id INTEGER PRIMARY KEY,"
    "  delegation INTEGER NOT NULL REFERENCES delegations(id),"
    "  name TEXT NOT NULL, role TEXT NOT NULL,"
    "  token_hash BLOB UNIQUE, feed TEXT UNIQUE) STRICT;"
    "INSERT INTO participants_v2 SELECT id, delegation, name, role, token_hash, feed"
    "  FROM participants;"
    "DROP TABLE participants;"
    "ALTER TABLE participants_v2 RENAME TO participants;",

    /* 3: a tamper-evident log. Each row's hash chains it to the one before
     * it on its stream (base/digest.h); pl_sha256 is the store's own SQL
     * function (store.c), so the rows of an older database are chained here,
     * stream by stream, as new appends chain themselves. */
    "ALTER TABLE events ADD COLUMN hash BLOB;"
    "CREATE TEMP TABLE chain(stream TEXT, seq INTEGER, hash BLOB,"
    "  PRIMARY KEY (stream, seq));"
    "INSERT INTO chain"
    "  WITH RECURSIVE c(stream, seq, hash) AS ("
    "    SELECT stream, seq, pl_sha256(zeroblob(32), body) FROM events WHERE seq = 1"
    "    UNION ALL SELECT e.stream, e.seq, pl_sha256(c.hash, e.body)"
    "    FROM c JOIN events e ON e.stream = c.stream AND e.seq = c.seq + 1)"
    "  SELECT stream, seq, hash FROM c;"
    "UPDATE events SET hash = (SELECT hash FROM chain"
    "  WHERE chain.stream = events.stream AND chain.seq = events.seq);"
    "DROP TABLE chain;",

    /* 4: webhooks (net/deliver.h). `webhooks` is a view of the programme
     * stream's webhook events. The outbox is written in the transaction of
     * each event it delivers and emptied as receivers answer: it is the
     * deliveries' state, not a view, and no replay makes it. */
    "CREATE TABLE webhooks("
    "  id INTEGER PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL,"
    "  secret TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE webhook_outbox("
    "  id INTEGER PRIMARY KEY, webhook INTEGER NOT NULL, stream TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, ev TEXT NOT NULL, body TEXT NOT NULL,"
    "  first_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX webhook_outbox_order ON webhook_outbox(webhook, id);"
    "CREATE TABLE webhook_attempts("
    "  id INTEGER PRIMARY KEY, webhook INTEGER NOT NULL, stream TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, ev TEXT NOT NULL, at INTEGER NOT NULL,"
    "  status INTEGER NOT NULL, answer TEXT NOT NULL) STRICT;"
    "CREATE INDEX webhook_attempts_of ON webhook_attempts(webhook, id);",
    /* 5: groups of States that speak together (group.create): political
     * and negotiating groups; the regional ones follow from each State's
     * grp. Members are a JSON array of delegation ids, read whole. */
    "CREATE TABLE groups("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, coordinator TEXT,"
    "  members TEXT NOT NULL) STRICT;"
    /* The policy gained joint_min, contingent_s and order (their defaults), at the
     * end of the object as the encoder writes them, so that a meeting's row
     * stays what its log makes. */
    "UPDATE meetings SET body = json_set(body, '$.policy.joint_min', 5,"
    "  '$.policy.contingent_s', 0, '$.policy.order', 'asked')"
    "  WHERE json_extract(body, '$.policy.joint_min') IS NULL;"
    /* Protocol ranks the secretariat set (participant.rank); a participant
     * with none ranks by role. */
    /* An interpreter's language, given when they are invited. */
    "CREATE TABLE languages("
    "  participant INTEGER PRIMARY KEY REFERENCES participants(id),"
    "  language TEXT NOT NULL) STRICT;"
    "CREATE TABLE ranks("
    "  participant INTEGER PRIMARY KEY REFERENCES participants(id),"
    "  rank TEXT NOT NULL) STRICT;",
    /* 6: the portal (issue 13). A document's row holds what search filters
     * on and its record as JSON; its words are in an FTS5 index beside it
     * (rowid = the document's number), written in the same transaction, so
     * replay --check rebuilds both. National reports, the rotation the
     * secretariat set and the reminders sent, each from its events. */
    "CREATE TABLE documents("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, pillar TEXT, language TEXT NOT NULL,"
    "  meeting TEXT, delegation TEXT NOT NULL, visibility TEXT NOT NULL,"
    "  family TEXT NOT NULL, withdrawn INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  body TEXT NOT NULL) STRICT;"
    "CREATE INDEX documents_family ON documents(family);"
    "CREATE VIRTUAL TABLE documents_fts USING fts5(title, abstract, text,"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE TABLE reports("
    "  id INTEGER PRIMARY KEY, delegation TEXT NOT NULL, year INTEGER NOT NULL,"
    "  visibility TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL) STRICT;"
    "CREATE INDEX reports_delegation ON reports(delegation, year);"
    "CREATE TABLE report_rotation("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), first_year INTEGER NOT NULL,"
    "  groups TEXT NOT NULL) STRICT;"
    "CREATE TABLE report_reminders("
    "  delegation TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  at INTEGER NOT NULL, PRIMARY KEY (delegation, year, kind)) STRICT;",
    /* 7: snapshots of each meeting's room (wire/snapshot.h), written every
     * so many events in the transaction of the event that reaches the
     * count, so that a start replays only what follows the last one. They
     * are the log's state at `seq`, not a view: replay --check compares
     * each with the room it rebuilds, and a start without them replays the
     * whole stream. room_events counts the events up to seq that are not
     * meeting.changed (live.h). */
    "CREATE TABLE snapshots("
    "  stream TEXT NOT NULL, seq INTEGER NOT NULL, room_events INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  PRIMARY KEY (stream, seq)) STRICT, WITHOUT ROWID;",
};

_Static_assert(sizeof pl_store__schema_steps / sizeof pl_store__schema_steps[0] ==
                   PL_STORE_SCHEMA,
               "PL_STORE_SCHEMA (store.h) names the last step");

const size_t pl_store__schema_count =
    sizeof pl_store__schema_steps / sizeof pl_store__schema_steps[0];
