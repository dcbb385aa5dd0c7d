import type { DedupStore, ReserveOutcome } from '../types/store.js'

/** An `ioredis` client or cluster: anything with `call(command, ...args)`. */
export interface IoredisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>
}

/** A `redis` (node-redis v4+) client: `sendCommand(args)`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>
}

/** A `redis` (node-redis v4+) cluster: `sendCommand(firstKey, isReadonly, args)`. */
export interface NodeRedisClusterLike {
  sendCommand(firstKey: string, isReadonly: boolean | undefined, args: string[]): Promise<unknown>
  masters: unknown
}

export interface RedisStoreOptions {
  /** A connected `ioredis` or `redis` client (or cluster). Configure it to fail fast when Redis is down (docs/stores.md). */
  client: IoredisLike | NodeRedisLike | NodeRedisClusterLike
  /** Prefix of every key, e.g. to share one Redis between apps. Default `''` (the receiver's namespace is already in the key). */
  prefix?: string
}

const LEASED = 'L:'
const DONE = 'D:'

/**
 * Marks the key done for ttl if `token` still holds its lease, or if the key is free (the lease expired and nobody
 * took it over: the work is done, so a retry must not run it again). Compare-and-set: never over another's state.
 */
const COMPLETE = `local v = redis.call('GET', KEYS[1]) if v == ARGV[1] or not v then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return 0`
/** Deletes the key, only if `token` still holds its lease. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
/** Sets the lease to end `leaseMs` from now, only if `token` still holds it; 1 when it did. */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`

/**
 * A dedup store in Redis, shared by every process of the app. Each operation is one round trip on one key, so it is
 * atomic and Redis Cluster safe:
 * - reserve: `SET key L:<token> NX PX <lease> GET` (Redis ≥ 7.0): nil means this call took the key; otherwise the
 *   old value says whether the event is done (`D:`) or in flight (`L:`). An expired lease is gone, so the next
 *   reserve takes it.
 * - complete / release / extend: a small Lua script that acts only while the caller's token still holds the lease
 *   (complete also when the key is free, as after an expired lease that nobody took over).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * import { redisStore } from 'webhook-receiver/stores/redis'
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) })
 * const receiver = createReceiver({ provider, store })
 * ```
 */
export function redisStore(options: RedisStoreOptions): DedupStore {
  const run = commandRunner(options?.client)
  const prefix = options.prefix ?? ''
  return {
    async reserve(key, token, leaseMs): Promise<ReserveOutcome> {
      const k = prefix + key
      const previous = await run(k, ['SET', k, LEASED + token, 'NX', 'PX', String(Math.ceil(leaseMs)), 'GET'])
      if (previous === null || previous === undefined) return 'reserved'
      return String(previous).startsWith(DONE) ? 'done' : 'in-flight'
    },
    async complete(key, token, ttlMs) {
      const k = prefix + key
      await run(k, ['EVAL', COMPLETE, '1', k, LEASED + token, DONE + token, String(Math.ceil(ttlMs))])
    },
    async release(key, token) {
      const k = prefix + key
      await run(k, ['EVAL', RELEASE, '1', k, LEASED + token])
    },
    async extend(key, token, leaseMs) {
      const k = prefix + key
      return Number(await run(k, ['EVAL', EXTEND, '1', k, LEASED + token, String(Math.ceil(leaseMs))])) === 1
    },
  }
}

/** One way to send a raw command, whichever client was passed. */
function commandRunner(
  client: RedisStoreOptions['client'] | undefined,
): (key: string, args: string[]) => Promise<unknown> {
  if (client !== undefined && typeof (client as IoredisLike).call === 'function') {
    const io = client as IoredisLike
    return (_key, [command, ...args]) => io.call(command as string, ...args)
  }
  if (client !== undefined && typeof (client as NodeRedisLike).sendCommand === 'function') {
    if ('masters' in client) {
      const cluster = client as NodeRedisClusterLike
      return (key, args) => cluster.sendCommand(key, false, args)
    }
    const single = client as NodeRedisLike
    return (_key, args) => single.sendCommand(args)
  }
  throw new TypeError('redisStore({ client }): pass a connected ioredis or redis (node-redis v4+) client.')
}
