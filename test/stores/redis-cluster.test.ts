/**
 * redisStore on a real 3-master Redis Cluster, with an ioredis `Cluster` and a node-redis `createCluster` client:
 * the DedupStore contract; events spread over every master, each command (the reservation's SET, the Lua script of
 * complete or release) sent straight to the master of its one key; and a receiver whose events hold two keys each
 * (GitHub: the delivery id and the signature), on different masters, still runs every event once.
 */
import { randomUUID } from 'node:crypto'
import { Cluster, Redis } from 'ioredis'
import { createCluster } from 'redis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createReceiver, type DedupStore } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { redisStore } from '../../src/stores/redis.js'
import { signGitHub } from '../../src/testing/index.js'
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js'
import { silentLogger } from '../support/helpers.js'
import { storeContract } from './contract.js'

let cluster: RedisCluster
let io: Cluster
let node: ReturnType<typeof createCluster>
/** One plain (non-cluster) connection per master, to see what each one holds and ran. */
let masters: Redis[]
let ioStore: DedupStore
let nodeStore: DedupStore

beforeAll(async () => {
  cluster = await startRedisCluster()
  io = new Cluster(cluster.nodes, { lazyConnect: true })
  await io.connect()
  node = createCluster({
    rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
  })
  await node.connect()
  masters = cluster.nodes.map(({ host, port }) => new Redis({ host, port }))
  ioStore = redisStore({ client: io })
  nodeStore = redisStore({ client: node, prefix: 'node:' })
}, 30_000)

afterAll(async () => {
  io?.disconnect()
  await node?.close()
  for (const master of masters ?? []) master.disconnect()
  await cluster?.close()
})

storeContract('redisStore (ioredis Cluster)', () => ioStore)
storeContract('redisStore (node-redis createCluster)', () => nodeStore)

describe.each([
  { client: 'ioredis Cluster', store: () => ioStore, prefix: '' },
  { client: 'node-redis createCluster', store: () => nodeStore, prefix: 'node:' },
])('redisStore on a 3-master Redis Cluster ($client)', ({ store, prefix }) => {
  beforeEach(async () => {
    await Promise.all(masters.map((master) => master.config('RESETSTAT')))
  })

  it('spreads 100 events over every master, and completes or releases each on its own master', async () => {
    const run = `spread:${randomUUID()}:`
    const keys = Array.from({ length: 100 }, (_, i) => `${run}webhook:stripe:evt_${i}`)
    const outcomes = await Promise.all(keys.map((k) => store().reserve(k, `tok-${k}`, 60_000)))
    expect(outcomes).toEqual(keys.map(() => 'reserved'))
    const held = await Promise.all(masters.map((master) => keysOn(master, prefix + run)))
    for (const keysOfOneMaster of held) expect(keysOfOneMaster.length).toBeGreaterThan(0)
    expect(held.flat().sort()).toEqual(keys.map((k) => prefix + k).sort())

    const completed = keys.filter((_, i) => i % 2 === 0)
    const released = keys.filter((_, i) => i % 2 === 1)
    await Promise.all([
      ...completed.map((k) => store().complete(k, `tok-${k}`, 60_000)),
      ...released.map((k) => store().release(k, `tok-${k}`)),
    ])
    const values = await Promise.all(
      held.flatMap((keysOfOneMaster, m) => keysOfOneMaster.map(async (k) => [k, await masters[m]!.get(k)])),
    )
    expect(Object.fromEntries(values)).toEqual(
      Object.fromEntries([
        ...completed.map((k) => [prefix + k, `D:tok-${k}`]),
        ...released.map((k) => [prefix + k, null]),
      ]),
    )
    await expectEachCommandOnItsMaster()
  })

  it('runs each of 30 GitHub events once, the two keys of most (id, signature) on different masters', async () => {
    const namespace = `gh-${randomUUID()}`
    const receiver = createReceiver({
      provider: github({ secret: 's' }),
      store: store(),
      namespace,
      logger: silentLogger(),
    })
    const runs: string[] = []
    receiver.onAny((event) => {
      runs.push(event.id)
    })
    const deliveries = Array.from({ length: 30 }, (_, n) => ({
      url: '/hook',
      ...signGitHub({ event: 'issues', payload: { action: 'opened', issue: { number: n } }, secret: 's' }),
    }))
    const answers = async (requests: typeof deliveries) =>
      Promise.all(
        requests.map(async (request) => {
          const { status, body } = await receiver.handle(request)
          return `${status} ${JSON.parse(body).duplicate === true ? 'duplicate' : 'ran'}`
        }),
      )

    expect(await answers(deliveries)).toEqual(deliveries.map(() => '200 ran'))
    const again = deliveries.map((d) => ({
      ...d,
      headers: { ...d.headers, 'x-github-delivery': randomUUID() },
    }))
    expect(await answers([...deliveries, ...again])).toEqual(
      [...deliveries, ...again].map(() => '200 duplicate'),
    )
    expect(runs).toHaveLength(30)

    // A copy under a new delivery id took that id's key, and gives it back without waiting (the signature's key
    // said done): wait until those 30 releases have landed, so only the events' own two keys are left.
    const ours = async () =>
      Promise.all(masters.map((master) => keysOn(master, `${prefix}${namespace}:`))).then((held) =>
        held.flatMap((keys, m) => keys.map((k) => ({ k, m }))),
      )
    for (const giveUpAt = Date.now() + 5_000; (await ours()).length > 60;) {
      if (Date.now() > giveUpAt) throw new Error('the duplicate copies never released their keys')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    // Both keys of an event hold `D:<its token>`: group them by token to see on which masters each event sits.
    const mastersOfEvent = new Map<string, Set<number>>()
    for (const { k, m } of await ours()) {
      const value = (await masters[m]!.get(k))!
      expect(value).toMatch(/^D:/)
      mastersOfEvent.set(value, (mastersOfEvent.get(value) ?? new Set()).add(m))
    }
    expect(mastersOfEvent.size).toBe(30)
    const split = [...mastersOfEvent.values()].filter((ms) => ms.size === 2)
    expect(split.length).toBeGreaterThan(0)
    await expectEachCommandOnItsMaster()
  })
})

/** The keys under `prefix` that this master holds (a plain connection sees only its own slots). */
async function keysOn(master: Redis, prefix: string): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await master.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    found.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return found
}

/**
 * Since the last `CONFIG RESETSTAT`, every master ran SETs and Lua scripts, and refused or redirected none of the
 * store's commands (no MOVED, ASK, CROSSSLOT, TRYAGAIN): each went straight to the master of its key, in one round
 * trip. Other errors are not the store's: both clients send `CLIENT SETINFO` on every new connection, which Redis
 * before 7.2 answers `ERR unknown subcommand`.
 */
async function expectEachCommandOnItsMaster(): Promise<void> {
  for (const master of masters) {
    const stats = await master.info('commandstats')
    expect(stats).toMatch(/cmdstat_set:calls=[1-9]/)
    expect(stats).toMatch(/cmdstat_eval:calls=[1-9]/)
    const storeCommands = stats.split(/\r?\n/).filter((line) => /^cmdstat_(set|get|eval|evalsha):/.test(line))
    for (const line of storeCommands) expect(line).toMatch(/,rejected_calls=0,failed_calls=0$/)
    expect(await master.info('errorstats')).not.toMatch(
      /errorstat_(MOVED|ASK|CROSSSLOT|TRYAGAIN|CLUSTERDOWN)/,
    )
  }
}
