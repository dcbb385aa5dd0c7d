-- webhook-receiver: the PostgreSQL dedup store's table (postgresStore({ pool, table: 'webhook_dedup' })).
-- Run it as a migration, or call store.createTable() at start-up (safe from several replicas at once). Rows
-- expire: the store deletes them every hour (its cleanupIntervalMs option); with cleanupIntervalMs: false, run
-- store.deleteExpired() periodically yourself (or `DELETE FROM webhook_dedup WHERE expires_at <= now();`).
CREATE TABLE IF NOT EXISTS "webhook_dedup" (
  key text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('leased', 'done')),
  token text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "webhook_dedup_expires_at" ON "webhook_dedup" (expires_at);
