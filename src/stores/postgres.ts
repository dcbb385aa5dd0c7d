import { HOUR_MS } from '../provider-kit/durations.js'
import type { DedupStore, ReserveOutcome } from '../types/store.js'

/** The part of a `pg` Pool (or Client) the store uses. */
export interface PgQueryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>
}

export interface PostgresStoreOptions {
  /** A `pg` Pool. */
  pool: PgQueryable
  /** Table name, optionally schema-qualified (`app.webhook_dedup`). Default `webhook_dedup`. */
  table?: string
  /**
   * How often the store deletes expired rows itself (`deleteExpired()`), in ms; `false` when the app schedules
   * that (a cron job, `pg_cron`). Default: every hour. The timer never keeps the process alive, and a failed run is
   * simply tried again at the next one.
   */
  cleanupIntervalMs?: number | false
}

/** A dedup store in PostgreSQL, plus the two maintenance calls it needs. */
export interface PostgresStore extends DedupStore {
  /**
   * Creates the table and its index if they do not exist (the same SQL as `sql/webhook_dedup.sql`). Safe when
   * several instances call it at the same moment (a deploy of several replicas).
   */
  createTable(): Promise<void>
  /**
   * Deletes expired rows (completed past their TTL, abandoned leases); returns how many. The store runs it every
   * `cleanupIntervalMs` (default hourly) unless that is `false`.
   */
  deleteExpired(): Promise<number>
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * A dedup store in PostgreSQL, shared by every process of the app. Times are the database's clock (`now()`), so
 * app servers with skewed clocks agree. Every operation is one statement:
 * - reserve: `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now()`: inserts a new lease or takes over
 *   an expired one atomically; when it does neither, the existing row says `done` or `in-flight`.
 * - complete / release / extend: an upsert / `DELETE` / `UPDATE … WHERE key = $1 AND token = $2 AND state =
 *   'leased'`, so only the holder of the lease can change it.
 *
 * Expired rows are deleted every `cleanupIntervalMs` (hourly by default).
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { postgresStore } from 'webhook-receiver/stores/postgres'
 * const store = postgresStore({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) })
 * await store.createTable() // or run sql/webhook_dedup.sql as a migration
 * const receiver = createReceiver({ provider, store })
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const pool = options?.pool
  if (pool === undefined || typeof pool.query !== 'function') {
    throw new TypeError('postgresStore({ pool }): pass a pg Pool.')
  }
  const table = quoteTable(options.table ?? 'webhook_dedup')
  const index = quoteIdentifier(`${(options.table ?? 'webhook_dedup').split('.').pop()}_expires_at`)
  const cleanupIntervalMs = options.cleanupIntervalMs ?? HOUR_MS
  if (
    cleanupIntervalMs !== false &&
    (typeof cleanupIntervalMs !== 'number' || !Number.isFinite(cleanupIntervalMs) || cleanupIntervalMs <= 0)
  ) {
    throw new TypeError(
      `postgresStore({ cleanupIntervalMs }): expected a positive number of ms or false, got ${String(cleanupIntervalMs)}.`,
    )
  }

  const reserveSql = `
    WITH taken AS (
      INSERT INTO ${table} AS t (key, state, token, expires_at)
      VALUES ($1, 'leased', $2, now() + $3 * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET state = 'leased', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
        WHERE t.expires_at <= now()
      RETURNING 1
    )
    SELECT CASE
      WHEN EXISTS (SELECT 1 FROM taken) THEN 'reserved'
      ELSE COALESCE((SELECT CASE state WHEN 'done' THEN 'done' ELSE 'in-flight' END FROM ${table} WHERE key = $1), 'in-flight')
    END AS outcome`
  // Not visible to this statement's snapshot yet means another transaction reserved it a moment ago: in flight.

  // Done if this token still holds the lease, or if the row is gone (an expired lease that deleteExpired() removed
  // and nobody took over): the work is done either way. Never over another token's lease or result.
  const completeSql = `
    INSERT INTO ${table} AS t (key, state, token, expires_at)
    VALUES ($1, 'done', $2, now() + $3 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET state = 'done', expires_at = EXCLUDED.expires_at
      WHERE t.token = EXCLUDED.token AND t.state = 'leased'`

  const deleteExpired = async (): Promise<number> => {
    const result = await pool.query(`DELETE FROM ${table} WHERE expires_at <= now()`)
    return result.rowCount ?? 0
  }
  if (cleanupIntervalMs !== false) {
    // A failed run (the database restarting, the pool ended at shutdown) only waits for the next one.
    const timer = setInterval(() => void deleteExpired().catch(() => undefined), cleanupIntervalMs)
    timer.unref?.()
  }

  return {
    async reserve(key, token, leaseMs): Promise<ReserveOutcome> {
      const result = await pool.query(reserveSql, [key, token, Math.ceil(leaseMs)])
      return result.rows[0]?.outcome as ReserveOutcome
    },
    async complete(key, token, ttlMs) {
      await pool.query(completeSql, [key, token, Math.ceil(ttlMs)])
    },
    async release(key, token) {
      await pool.query(`DELETE FROM ${table} WHERE key = $1 AND token = $2 AND state = 'leased'`, [
        key,
        token,
      ])
    },
    async extend(key, token, leaseMs) {
      const result = await pool.query(
        `UPDATE ${table} SET expires_at = now() + $3 * interval '1 millisecond'
          WHERE key = $1 AND token = $2 AND state = 'leased'`,
        [key, token, Math.ceil(leaseMs)],
      )
      return (result.rowCount ?? 0) > 0
    },
    async createTable() {
      // CREATE … IF NOT EXISTS is not safe under concurrency: two sessions creating the same table at once can fail
      // on the catalog's unique index (pg_type_typname_nsp_index). An advisory lock on the table's name makes them
      // take turns; one simple-protocol query is one transaction, so the lock holds until the index exists too.
      await pool.query(
        `SELECT pg_advisory_xact_lock(hashtext('webhook-receiver:' || ${literal(table)}));\n${createTableSql(table, index)}`,
      )
    },
    deleteExpired,
  }
}

/**
 * The migration: one table keyed by the dedup key, and an index for `deleteExpired()`.
 *
 * @example
 * ```ts
 * createTableSql('"webhook_dedup"', '"webhook_dedup_expires_at"')
 * ```
 */
export function createTableSql(table = '"webhook_dedup"', index = '"webhook_dedup_expires_at"'): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  key text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('leased', 'done')),
  token text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index} ON ${table} (expires_at);`
}

/** A SQL string literal of an already validated identifier (letters, digits, `_`, `"` and `.`: no quote to escape). */
function literal(identifier: string): string {
  return `'${identifier}'`
}

function quoteTable(name: string): string {
  const parts = name.split('.')
  if (parts.length > 2)
    throw new TypeError(`postgresStore({ table }): "${name}" is not a table or schema.table name.`)
  return parts.map(quoteIdentifier).join('.')
}

function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(
      `postgresStore({ table }): "${name}" is not a plain SQL identifier (letters, digits, _).`,
    )
  }
  return `"${name}"`
}
