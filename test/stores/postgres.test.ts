import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTableSql, postgresStore, type PostgresStore } from '../../src/stores/postgres.js'
import { startPostgres, type PostgresServer } from '../support/postgres-server.js'
import { storeContract } from './contract.js'

let server: PostgresServer
let pool: pg.Pool
let store: PostgresStore

beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({ connectionString: server.url, max: 20 })
  store = postgresStore({ pool, cleanupIntervalMs: false })
  await store.createTable()
}, 60_000)

afterAll(async () => {
  await pool?.end()
  await server?.close()
})

storeContract('postgresStore', () => store)

describe('postgresStore', () => {
  it('ships the same migration SQL as createTable()', () => {
    expect(readFileSync(new URL('../../sql/webhook_dedup.sql', import.meta.url), 'utf8')).toContain(
      createTableSql(),
    )
  })

  it('deletes expired rows and keeps live ones', async () => {
    await store.reserve('expire:a', 'a', 60_000)
    await store.complete('expire:a', 'a', 1)
    await store.reserve('expire:b', 'b', 60_000)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await store.deleteExpired()).toBeGreaterThanOrEqual(1)
    const { rows } = await pool.query(`SELECT key FROM webhook_dedup WHERE key LIKE 'expire:%'`)
    expect(rows.map((row) => row.key)).toEqual(['expire:b'])
  })

  it('marks an event done when its owner completes after deleteExpired() removed its expired lease', async () => {
    await store.reserve('expire:late', 'a', 1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await store.deleteExpired()
    expect((await pool.query(`SELECT 1 FROM webhook_dedup WHERE key = 'expire:late'`)).rowCount).toBe(0)
    await store.complete('expire:late', 'a', 60_000)
    expect(await store.reserve('expire:late', 'b', 60_000)).toBe('done')
  })

  it('uses a custom, schema-qualified table and refuses unsafe names', async () => {
    await pool.query('CREATE SCHEMA IF NOT EXISTS app')
    const custom = postgresStore({ pool, table: 'app.hooks' })
    await custom.createTable()
    expect(await custom.reserve('x', 't', 1000)).toBe('reserved')
    expect(() => postgresStore({ pool, table: 'hooks; DROP TABLE x' })).toThrow(/plain SQL identifier/)
  })

  it('creates its table when several instances call createTable() at the same moment (a deploy)', async () => {
    // Each instance has its own pool, as replicas do; ten rounds, each on a table that does not exist yet.
    const instances = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: server.url, max: 1 }))
    try {
      for (let round = 0; round < 10; round++) {
        const table = `deploy_race_${round}`
        const outcomes = await Promise.allSettled(
          instances.map((instance) =>
            postgresStore({ pool: instance, table, cleanupIntervalMs: false }).createTable(),
          ),
        )
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([])
        expect(await postgresStore({ pool, table, cleanupIntervalMs: false }).reserve('k', 't', 1000)).toBe(
          'reserved',
        )
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.end()))
    }
  })

  it('deletes expired rows by itself every cleanupIntervalMs, and never with cleanupIntervalMs: false', async () => {
    /** The pool, counting the DELETEs sent on `table`. */
    const counted = (table: string) => {
      let deletes = 0
      const queryable = {
        query: (text: string, values?: unknown[]) => {
          if (text.startsWith(`DELETE FROM "${table}" WHERE expires_at`)) deletes++
          return pool.query(text, values)
        },
      }
      return { queryable, deletes: () => deletes }
    }
    const auto = counted('cleanup_auto')
    const manual = counted('cleanup_manual')
    const store = postgresStore({ pool: auto.queryable, table: 'cleanup_auto', cleanupIntervalMs: 50 })
    const untouched = postgresStore({
      pool: manual.queryable,
      table: 'cleanup_manual',
      cleanupIntervalMs: false,
    })
    await store.createTable()
    await untouched.createTable()
    await store.reserve('gone', 'a', 60_000)
    await store.complete('gone', 'a', 1)
    await store.reserve('live', 'b', 60_000)
    await untouched.reserve('kept', 'c', 1)
    await expect
      .poll(async () => (await pool.query(`SELECT key FROM cleanup_auto`)).rows.map((row) => row.key), {
        timeout: 10_000,
      })
      .toEqual(['live'])
    await expect.poll(() => auto.deletes(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    expect(manual.deletes()).toBe(0)
    expect((await pool.query(`SELECT key FROM cleanup_manual`)).rows).toEqual([{ key: 'kept' }])
    expect(() => postgresStore({ pool, cleanupIntervalMs: 0 })).toThrow(/cleanupIntervalMs/)
  })

  it('rejects when the database is unreachable, so the receiver answers 503', async () => {
    const offline = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
      connectionTimeoutMillis: 500,
    })
    await expect(postgresStore({ pool: offline }).reserve('k', 't', 1000)).rejects.toThrow()
    await offline.end()
  })
})
