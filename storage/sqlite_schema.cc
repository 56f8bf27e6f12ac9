#include "storage/sqlite_schema.h"

namespace sentio::storage {

std::vector<Migration> SentioMigrations() {
  return {
      {1, R"sql(
CREATE TABLE posts(
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  post_id     TEXT NOT NULL,
  content     TEXT NOT NULL,
  author      TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  video_id    TEXT NOT NULL DEFAULT '',
  url         TEXT NOT NULL DEFAULT '',
  meta        TEXT NOT NULL DEFAULT '',
  ingested_at INTEGER NOT NULL,
  UNIQUE(post_id, source));  -- the idempotency key; post_id first so it also serves
                             -- GetPost(post_id) without a source
CREATE INDEX posts_created ON posts(created_at, id);
CREATE INDEX posts_source ON posts(source, created_at, id);
CREATE INDEX posts_video ON posts(video_id, created_at, id);

CREATE TABLE analyses(
  post               INTEGER PRIMARY KEY,   -- posts.id
  sentiment          TEXT NOT NULL,
  confidence         REAL NOT NULL,
  scores             TEXT NOT NULL,         -- JSON object, model label order
  emotion            TEXT,                  -- NULL when no emotion model
  emotion_confidence REAL,
  emotion_scores     TEXT,
  model_name         TEXT NOT NULL,
  model_version      TEXT NOT NULL,
  emotion_model      TEXT,                  -- "name@version" of the emotion model
  analyzed_at        INTEGER NOT NULL);
CREATE INDEX analyses_sentiment ON analyses(sentiment);
CREATE INDEX analyses_emotion ON analyses(emotion);

-- Live rollups, maintained in the WriteResults transaction.
CREATE TABLE rollups(
  period   INTEGER NOT NULL,   -- 0 minute, 1 hour, 2 day
  source   TEXT NOT NULL,      -- or X'01' = all
  video_id TEXT NOT NULL,      -- or X'01' = all
  bucket   INTEGER NOT NULL,   -- bucket start, ms
  positive INTEGER NOT NULL DEFAULT 0,
  negative INTEGER NOT NULL DEFAULT 0,
  neutral  INTEGER NOT NULL DEFAULT 0,
  conf_sum REAL NOT NULL DEFAULT 0,
  PRIMARY KEY(period, source, video_id, bucket)) WITHOUT ROWID;
CREATE TABLE emotion_rollups(
  period   INTEGER NOT NULL,
  source   TEXT NOT NULL,
  video_id TEXT NOT NULL,
  bucket   INTEGER NOT NULL,
  emotion  TEXT NOT NULL,
  count    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(period, source, video_id, bucket, emotion)) WITHOUT ROWID;
CREATE TABLE source_counts(
  source TEXT PRIMARY KEY,
  posts  INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE alert_rules(
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  threshold   REAL NOT NULL,
  window_s    INTEGER NOT NULL,
  min_posts   INTEGER NOT NULL,
  cooldown_s  INTEGER NOT NULL,
  scope       TEXT NOT NULL,
  scope_value TEXT NOT NULL,
  enabled     INTEGER NOT NULL,
  webhook_url TEXT NOT NULL,
  position    INTEGER NOT NULL);
CREATE TABLE alerts(
  id              INTEGER PRIMARY KEY,
  rule_id         TEXT NOT NULL,
  alert_type      TEXT NOT NULL,
  threshold_value REAL NOT NULL,
  actual_value    REAL NOT NULL,
  window_start    INTEGER NOT NULL,
  window_end      INTEGER NOT NULL,
  post_count      INTEGER NOT NULL,
  triggered_at    INTEGER NOT NULL,
  details         TEXT NOT NULL);
CREATE INDEX alerts_time ON alerts(triggered_at, id);

-- Embedded durable queue: one row per post waiting for (or leased to) a worker.
CREATE TABLE queue(
  id          INTEGER PRIMARY KEY,    -- delivery tag
  post        INTEGER NOT NULL UNIQUE, -- posts.id
  attempts    INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER NOT NULL DEFAULT 0, -- ms; <= now means claimable
  last_error  TEXT NOT NULL DEFAULT '',
  enqueued_at INTEGER NOT NULL);
CREATE INDEX queue_lease ON queue(lease_until, id);
CREATE TABLE dead_letters(
  id         INTEGER PRIMARY KEY,
  post       INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  failed_at  INTEGER NOT NULL);
)sql"},
  };
}

}  // namespace sentio::storage
