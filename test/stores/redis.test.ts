import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DedupStore } from '../../src/index.js'
import { redisStore } from '../../src/stores/redis.js'
import { startRedis, type RedisServer } from '../support/redis-server.js'
import { storeContract } from './contract.js'

let server: RedisServer
let io: Redis
let node: ReturnType<typeof createClient>
let ioStore: DedupStore
let nodeStore: DedupStore

beforeAll(async () => {
  server = await startRedis()
  io = new Redis(server.url, { lazyConnect: true })
  await io.connect()
  node = createClient({ url: server.url })
  await node.connect()
  ioStore = redisStore({ client: io })
  nodeStore = redisStore({ client: node, prefix: 'node:' })
})

afterAll(async () => {
  io?.disconnect()
  await node?.quit()
  await server?.close()
})

storeContract('redisStore (ioredis)', () => ioStore)
storeContract('redisStore (node-redis)', () => nodeStore)

describe('redisStore', () => {
  it('keeps one key per event, with the lease as a TTL, and the prefix in front', async () => {
    await nodeStore.reserve('k1', 'tok', 60_000)
    expect(await io.get('node:k1')).toBe('L:tok')
    const ttl = await io.pttl('node:k1')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await nodeStore.complete('k1', 'tok', 120_000)
    expect(await io.get('node:k1')).toBe('D:tok')
  })

  it('refuses something that is not a Redis client', () => {
    expect(() => redisStore({ client: {} as never })).toThrow(/ioredis or redis/)
  })

  it('rejects when Redis is unreachable, so the receiver answers 503', async () => {
    const offline = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    await expect(redisStore({ client: offline }).reserve('k', 't', 1000)).rejects.toThrow()
    offline.disconnect()
  })
})
