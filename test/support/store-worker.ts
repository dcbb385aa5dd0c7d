/**
 * One app server process of the "many machines" proof: node:http + nodeHandler + a Stripe receiver sharing a Redis
 * or PostgreSQL dedup store with its siblings. It reports on stdout: `READY <port>`, then `START <event id>` when a
 * handler begins and `DONE <event id>` when it finishes, so the test counts handler runs across processes.
 *
 * env: STORE (redis | postgres), STORE_URL, SECRET, DEADLINE_MS, LEASE_MS (longer than the deadline), HANG (1: a
 * payload with "hang": true never finishes).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'
import { nodeHandler } from '../../src/adapters/node.js'
import { createReceiver, type DedupStore } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { postgresStore } from '../../src/stores/postgres.js'
import { redisStore } from '../../src/stores/redis.js'

const { STORE, STORE_URL = '', SECRET = '', DEADLINE_MS, LEASE_MS, HANG } = process.env

async function makeStore(): Promise<DedupStore> {
  if (STORE === 'redis') {
    // Fail fast while Redis is down (no offline queue), so the receiver answers 503 instead of hanging.
    const client = new Redis(STORE_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    })
    client.on('error', () => undefined) // reconnects by itself once Redis is back
    await client.connect()
    return redisStore({ client })
  }
  const pool = new pg.Pool({ connectionString: STORE_URL, max: 10, connectionTimeoutMillis: 1000 })
  pool.on('error', () => undefined) // a restarted server drops idle connections; the next query reconnects
  return postgresStore({ pool, cleanupIntervalMs: false })
}

const receiver = createReceiver({
  provider: stripe({ secret: SECRET }),
  store: await makeStore(),
  deadlineMs: Number(DEADLINE_MS),
  leaseMs: Number(LEASE_MS),
  logger: { warn: () => undefined, error: () => undefined },
})
receiver.on('customer.created', async (event) => {
  const payload = event.payload as unknown as { slowMs?: number; hang?: boolean }
  process.stdout.write(`START ${event.id}\n`)
  if (payload.hang === true && HANG === '1') await new Promise(() => undefined)
  if (payload.slowMs) await new Promise((resolve) => setTimeout(resolve, payload.slowMs))
  process.stdout.write(`DONE ${event.id}\n`)
})

const server = createServer(nodeHandler(receiver))
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`)
})
