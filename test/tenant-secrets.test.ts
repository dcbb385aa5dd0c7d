/**
 * The parts of per-request secrets that the provider scenario (test/tenants.test.ts) does not show: keys built once
 * per resolved secret set, the provider's credential checks applied to resolved secrets, what a resolver may
 * return, the synchronous path kept for a resolver that answers at once, a tenant read from the body, and
 * `tenantSecrets()`'s cache (TTL on an injected clock, LRU bound, errors and unknown tenants not cached, one lookup
 * for concurrent deliveries, invalidation), all by counting operations.
 */
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  memoryStore,
  tenantSecrets,
  type DedupStore,
  type Provider,
  type SecretResolution,
  type SecretResolver,
  type WebhookEvent,
} from '../src/index.js'
import { perRequestSecrets } from '../src/provider-kit/index.js'
import { stripe } from '../src/providers/stripe.js'
import { fromQueuedEvent, toQueuedEvent } from '../src/queued-event.js'
import { signStripe } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const NOW = 1_700_000_000
const ACME = 'whsec_acme_secret'
const GLOBEX = 'whsec_globex_secret'

const delivery = (secret: string, id = 'evt_1', extra: Record<string, unknown> = {}) =>
  signStripe({
    payload: JSON.stringify({ id, type: 'invoice.paid', data: { object: {} }, ...extra }),
    secret,
    timestamp: NOW,
  })

function receiverFor(
  provider: Provider<any, any>,
  store: DedupStore = memoryStore({ now: () => NOW * 1000 }),
) {
  const logger = silentLogger()
  const receiver = createReceiver({ provider, store, logger, now: () => NOW * 1000 })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => void seen.push(event))
  const post = (signed: ReturnType<typeof delivery>, url = '/webhooks/stripe', headers = {}) =>
    receiver.handle({ method: 'POST', url, headers: { ...signed.headers, ...headers }, body: signed.body })
  return { receiver, logger, seen, post }
}

const codeOf = (response: { body: string }) => (JSON.parse(response.body) as { code: string }).code

/** A provider factory that counts how often it builds (the template and each secret set). */
function countingFactory() {
  const built: unknown[] = []
  const factory = (options: { secret: string | readonly string[] | SecretResolver }): Provider<any, any> => {
    const perRequest = perRequestSecrets(options, ['secret'], factory)
    if (perRequest !== undefined) return perRequest
    built.push(options.secret)
    return stripe({ secret: options.secret })
  }
  return { factory, built }
}

describe('perRequestSecrets', () => {
  it('builds the provider (imports its keys) once per resolved secret set, however many deliveries', async () => {
    const { factory, built } = countingFactory()
    const byTenant: Record<string, string[]> = { acme: [ACME], globex: [GLOBEX] }
    const { post, seen } = receiverFor(
      factory({ secret: (request) => byTenant[request.headers['x-tenant'] ?? ''] }),
    )
    expect(built).toHaveLength(1) // the template, with no secret
    for (let index = 0; index < 5; index++) {
      expect((await post(delivery(ACME, `evt_a${index}`), undefined, { 'x-tenant': 'acme' })).status).toBe(
        200,
      )
      expect(
        (await post(delivery(GLOBEX, `evt_g${index}`), undefined, { 'x-tenant': 'globex' })).status,
      ).toBe(200)
    }
    expect(seen).toHaveLength(10)
    expect(built).toEqual([[], [ACME], [GLOBEX]])
    // A new set (rotation) is a new build; the old one is not built again.
    byTenant.acme = [GLOBEX, ACME]
    expect((await post(delivery(ACME, 'evt_r'), undefined, { 'x-tenant': 'acme' })).status).toBe(200)
    expect(built).toHaveLength(4)
  })

  it("keeps a cached tenant's keys past 1,000 secret sets: tenantSecrets' answers are built once each", async () => {
    const { factory, built } = countingFactory()
    const tenants = Array.from({ length: 1_100 }, (_, i) => `t${i}`)
    const { post, seen } = receiverFor(
      factory({
        secret: tenantSecrets({
          tenant: (request) => request.headers['x-tenant'],
          secrets: (tenant) => [`${ACME}_${tenant}`],
          maxTenants: 2_000,
        }),
      }),
    )
    for (const round of [1, 2])
      for (const tenant of tenants) {
        const answer = await post(delivery(`${ACME}_${tenant}`, `evt_${round}`), undefined, {
          'x-tenant': tenant,
        })
        expect(answer.status).toBe(200)
      }
    expect(seen).toHaveLength(2 * tenants.length)
    // The template, then one build per tenant: the second round built nothing.
    expect(built).toHaveLength(1 + tenants.length)
  })

  it("applies the provider's credential checks to resolved secrets, when they are resolved, and does not cache the failure", async () => {
    let resolutions = 0
    const { post, logger, seen } = receiverFor(
      stripe({
        secret: () => {
          resolutions++
          return 'sk_live_pasted_api_key'
        },
      }),
    )
    for (const id of ['evt_1', 'evt_2']) {
      const response = await post(delivery(ACME, id))
      expect(response.status).toBe(500)
      expect(codeOf(response)).toBe('secret_resolver_failed')
      expect(response.body).not.toContain('sk_live')
    }
    expect(resolutions).toBe(2)
    expect(seen).toHaveLength(0)
    // The log says what is wrong with the credential (the provider's own check), never the value.
    const logged = logger.errors[0]![1] as Error
    expect(String((logged.cause as Error).message)).toContain('not a webhook signing secret')
    expect(JSON.stringify(logger.errors.map(([line]) => line))).not.toContain('sk_live')
  })

  it.each<[string, unknown]>([
    ['a number', 42],
    ['an object without a tenant', { secret: ACME }],
    ['a tenant without a string name', { tenant: 7, secret: ACME }],
    ['an array holding a non-string', [ACME, 42]],
  ])('answers a resolver that returns %s 500 secret_resolver_failed', async (_, value) => {
    const { post, logger } = receiverFor(stripe({ secret: () => value as SecretResolution }))
    const response = await post(delivery(ACME))
    expect(response.status).toBe(500)
    expect(codeOf(response)).toBe('secret_resolver_failed')
    expect(logger.errors).toHaveLength(1)
  })

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ["''", ''],
    ['[]', []],
    ['{ tenant, secret: undefined }', { tenant: 'acme', secret: undefined }],
  ])('answers a resolver that returns %s 404 tenant_unknown', async (_, value) => {
    const { post, logger } = receiverFor(stripe({ secret: () => value as SecretResolution }))
    const response = await post(delivery(ACME))
    expect(response.status).toBe(404)
    expect(codeOf(response)).toBe('tenant_unknown')
    expect(logger.errors).toHaveLength(0)
  })

  it('answers a rejected Promise like a throw: 500, logged', async () => {
    const { post, logger } = receiverFor(stripe({ secret: () => Promise.reject(new Error('db down')) }))
    const response = await post(delivery(ACME))
    expect(codeOf(response)).toBe('secret_resolver_failed')
    expect(response.body).not.toContain('db down')
    expect(logger.errors).toHaveLength(1)
  })

  it('stays synchronous when the resolver answers at once: verify returns no Promise on Node', () => {
    const provider = stripe({ secret: () => ({ tenant: 'acme', secret: ACME }) })
    const signed = delivery(ACME)
    const request = { method: 'POST', url: '/', headers: signed.headers, body: Buffer.from(signed.body) }
    const timestamp = provider.verify(request)
    expect(timestamp).toBe(NOW)
    const events = provider.parse(request)
    expect(Array.isArray(events) && events[0]).toMatchObject({
      id: 'evt_1',
      tenant: 'acme',
      scope: 'tenant:acme',
    })
  })

  it('reads the tenant from the body (Stripe Connect `account`) with one parse by the resolver', async () => {
    const byAccount: Record<string, string> = { acct_acme: ACME, acct_globex: GLOBEX }
    const { post, seen } = receiverFor(
      stripe({
        secret: (request) => {
          const account = (request.json() as { account?: string }).account ?? ''
          return { tenant: account, secret: byAccount[account] }
        },
      }),
    )
    expect((await post(delivery(GLOBEX, 'evt_c', { account: 'acct_globex' }))).status).toBe(200)
    // The body names acme, but was signed with globex's secret: refused.
    expect((await post(delivery(GLOBEX, 'evt_d', { account: 'acct_acme' }))).status).toBe(401)
    expect(seen.map((event) => event.tenant)).toEqual(['acct_globex'])
  })

  it("lets a refusal of the resolver's own stand: a body that is not JSON is 400 body_malformed", async () => {
    const { post } = receiverFor(stripe({ secret: (request) => (request.json() as { a: string }).a }))
    const signed = signStripe({ payload: 'not json', secret: ACME, timestamp: NOW })
    const response = await post(signed)
    expect(response.status).toBe(400)
    expect(codeOf(response)).toBe('body_malformed')
  })

  it('scopes a resolution without a tenant by its secret set, the same in every process', async () => {
    const stores = memoryStore({ now: () => NOW * 1000 })
    const keys: string[] = []
    const store: DedupStore = {
      ...stores,
      reserve: (key, token, lease) => (keys.push(key), stores.reserve(key, token, lease)),
    }
    // Two receivers sharing one store stand for two processes.
    const first = receiverFor(stripe({ secret: () => [ACME] }), store)
    const second = receiverFor(stripe({ secret: () => Promise.resolve([ACME]) }), store)
    expect((await first.post(delivery(ACME, 'evt_s'))).body).toBe('{"received":true}')
    expect((await second.post(delivery(ACME, 'evt_s'))).body).toBe('{"received":true,"duplicate":true}')
    expect(keys[0]).toMatch(/^webhook:stripe:secrets:[0-9a-f]{32}:evt_s$/)
    expect(keys[0]).not.toContain(ACME)
    expect(first.seen[0]!.tenant).toBeUndefined()
  })

  it('escapes the tenant in dedup keys, so two tenants never share one', async () => {
    const keys: string[] = []
    const memory = memoryStore({ now: () => NOW * 1000 })
    const store: DedupStore = {
      ...memory,
      reserve: (key, token, lease) => (keys.push(key), memory.reserve(key, token, lease)),
    }
    const { post, seen } = receiverFor(
      stripe({ secret: (request) => ({ tenant: request.headers['x-tenant']!, secret: ACME }) }),
      store,
    )
    await post(delivery(ACME, 'b:c'), undefined, { 'x-tenant': 'a' })
    await post(delivery(ACME, 'c'), undefined, { 'x-tenant': 'a:b' })
    expect(seen).toHaveLength(2)
    expect(new Set(keys).size).toBe(2)
  })

  it('refuses parse() before verify() for a request as an internal error', () => {
    const provider = stripe({ secret: () => ACME })
    const signed = delivery(ACME)
    expect(() =>
      provider.parse({
        method: 'POST',
        url: '/',
        headers: signed.headers,
        body: Buffer.from(signed.body),
      }),
    ).toThrow(expect.objectContaining({ code: 'internal_error' }))
  })

  it('carries the tenant through a queued job and back', () => {
    const event: WebhookEvent = {
      id: 'evt_q',
      type: 't',
      payload: {},
      provider: 'stripe',
      headers: {},
      rawBody: new Uint8Array([1]),
      tenant: 'acme',
    }
    expect(fromQueuedEvent(JSON.parse(JSON.stringify(toQueuedEvent(event, undefined)))).event.tenant).toBe(
      'acme',
    )
  })
})

describe('tenantSecrets', () => {
  function counted(
    directory: Record<string, string[] | undefined>,
    options: { ttlMs?: number; maxTenants?: number } = {},
  ) {
    let clock = NOW * 1000
    const lookups: string[] = []
    const resolver = tenantSecrets({
      tenant: (request) => request.headers['x-tenant'],
      secrets: (tenant) => {
        lookups.push(tenant)
        return directory[tenant]
      },
      now: () => clock,
      ...options,
    })
    const { post } = receiverFor(stripe({ secret: resolver }))
    let sequence = 0
    const send = (tenant: string, secret = ACME) =>
      post(delivery(secret, `evt_${++sequence}`), undefined, { 'x-tenant': tenant })
    return { resolver, lookups, send, advance: (ms: number) => (clock += ms) }
  }

  it('looks a tenant up once per TTL (injected clock)', async () => {
    const { lookups, send, advance } = counted({ acme: [ACME] }, { ttlMs: 60_000 })
    await send('acme')
    await send('acme')
    advance(59_999)
    expect((await send('acme')).status).toBe(200)
    expect(lookups).toEqual(['acme'])
    advance(1)
    expect((await send('acme')).status).toBe(200)
    expect(lookups).toEqual(['acme', 'acme'])
  })

  it('keeps at most maxTenants, dropping the least recently used first', async () => {
    const { lookups, send } = counted({ a: [ACME], b: [ACME], c: [ACME] }, { maxTenants: 2 })
    await send('a')
    await send('b')
    await send('a') // a is now the most recently used
    await send('c') // evicts b
    expect(lookups).toEqual(['a', 'b', 'c'])
    await send('a')
    expect(lookups).toEqual(['a', 'b', 'c'])
    await send('b')
    expect(lookups).toEqual(['a', 'b', 'c', 'b'])
  })

  it('does not cache an unknown tenant, nor a failed lookup', async () => {
    const directory: Record<string, string[] | undefined> = {}
    let failures = 1
    let lookups = 0
    const { post } = receiverFor(
      stripe({
        secret: tenantSecrets({
          tenant: () => 'acme',
          secrets: (tenant) => {
            lookups++
            if (failures-- > 0) throw new Error('database unreachable')
            return directory[tenant]
          },
        }),
      }),
    )
    expect(codeOf(await post(delivery(ACME, 'evt_1')))).toBe('secret_resolver_failed')
    expect(codeOf(await post(delivery(ACME, 'evt_2')))).toBe('tenant_unknown')
    directory.acme = [ACME]
    expect((await post(delivery(ACME, 'evt_3'))).status).toBe(200)
    expect((await post(delivery(ACME, 'evt_4'))).status).toBe(200)
    expect(lookups).toBe(3)
  })

  it('shares one lookup between concurrent deliveries of a tenant', async () => {
    const answer = deferred<string[]>()
    let lookups = 0
    const { post, seen } = receiverFor(
      stripe({
        secret: tenantSecrets({
          tenant: () => 'acme',
          secrets: () => {
            lookups++
            return answer.promise
          },
        }),
      }),
    )
    const pending = [
      post(delivery(ACME, 'evt_1')),
      post(delivery(ACME, 'evt_2')),
      post(delivery(ACME, 'evt_3')),
    ]
    answer.resolve([ACME])
    expect((await Promise.all(pending)).map((response) => response.status)).toEqual([200, 200, 200])
    expect(lookups).toBe(1)
    expect(seen).toHaveLength(3)
  })

  it('forgets a tenant on invalidate(), and an answer that was in flight then is used once, not kept', async () => {
    const directory: Record<string, string[]> = { acme: [ACME] }
    const { resolver, lookups, send } = counted(directory)
    await send('acme')
    directory.acme = [GLOBEX]
    expect((await send('acme', GLOBEX)).status).toBe(401) // still the cached secret
    resolver.invalidate('acme')
    expect((await send('acme', GLOBEX)).status).toBe(200)
    expect(lookups).toEqual(['acme', 'acme'])
    resolver.invalidate()
    await send('acme', GLOBEX)
    expect(lookups).toEqual(['acme', 'acme', 'acme'])
  })

  it('does not keep a lookup answered after invalidate()', async () => {
    const answers = [deferred<string[]>(), deferred<string[]>()]
    let lookups = 0
    const resolver = tenantSecrets({ tenant: () => 'acme', secrets: () => answers[lookups++]!.promise })
    const view = {
      method: 'POST',
      url: '/',
      headers: {},
      body: new Uint8Array(),
      json: () => ({}),
      form: () => new Map(),
    }
    const stale = resolver(view)
    resolver.invalidate('acme')
    answers[0]!.resolve([ACME])
    expect(await stale).toEqual({ tenant: 'acme', secret: [ACME] })
    const fresh = resolver(view)
    answers[1]!.resolve([GLOBEX])
    expect(await fresh).toEqual({ tenant: 'acme', secret: [GLOBEX] })
    expect(lookups).toBe(2)
  })

  it('refuses bad options at construction', () => {
    expect(() => tenantSecrets({} as never)).toThrow(/tenant, secrets/)
    expect(() => tenantSecrets({ tenant: () => 'a', secrets: () => 'b', ttlMs: 0 })).toThrow(/ttlMs/)
    expect(() => tenantSecrets({ tenant: () => 'a', secrets: () => 'b', maxTenants: -1 })).toThrow(
      /maxTenants/,
    )
  })
})
