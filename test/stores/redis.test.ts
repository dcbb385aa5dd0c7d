import { Redis } from 'ioredis'
import { Redis as Redis5 } from 'ioredis5'
import { createClient } from 'redis'
import { createClient as createClient4 } from 'redis4'
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
// The oldest majors the peer ranges allow (ioredis 5, node-redis 4), beside the current ones.
let io5: Redis5
let node4: ReturnType<typeof createClient4>

beforeAll(async () => {
  server = await startRedis()
  io = new Redis(server.url, { lazyConnect: true })
  await io.connect()
  node = createClient({ url: server.url })
  await node.connect()
  ioStore = redisStore({ client: io })
  nodeStore = redisStore({ client: node, prefix: 'node:' })
  io5 = new Redis5(server.url, { lazyConnect: true })
  await io5.connect()
  node4 = createClient4({ url: server.url })
  await node4.connect()
})

afterAll(async () => {
  io?.disconnect()
  io5?.disconnect()
  await node?.quit()
  await node4?.quit()
  await server?.close()
})

storeContract('redisStore (ioredis)', () => ioStore)
storeContract('redisStore (node-redis)', () => nodeStore)
storeContract('redisStore (ioredis 5)', () => redisStore({ client: io5, prefix: 'io5:' }))
storeContract('redisStore (node-redis 4)', () => redisStore({ client: node4, prefix: 'node4:' }))

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
