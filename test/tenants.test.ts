/**
 * One endpoint for many tenants (docs/providers.md, "Many tenants"): every provider and variant of the case table
 * (test/support/provider-cases.ts) built with a secret resolver instead of its secrets runs the same scenario: each
 * tenant's deliveries verify with its own secrets only, an unknown tenant is refused 404 `tenant_unknown` with no
 * store call and no handler, rotation works per tenant, a resolved secret gets the provider's own checks, a failing
 * resolver is a logged 500 that leaks nothing, and one event id delivered to two tenants runs once for each (dedup
 * keys namespaced per tenant).
 */
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  memoryStore,
  tenantSecrets,
  type DedupStore,
  type SecretResolver,
  type WebhookEvent,
  type WebhookResponse,
} from '../src/index.js'
import { silentLogger } from './support/helpers.js'
import { accepted, NOW, providerCases, type Delivery, type ProviderCase } from './support/provider-cases.js'

/** A memory store that counts every call made to it. */
function countingStore(): DedupStore & { calls: () => number; keys: string[] } {
  const store = memoryStore({ now: () => NOW * 1000 })
  let calls = 0
  const keys: string[] = []
  return {
    reserve: (key, token, leaseMs) => (calls++, keys.push(key), store.reserve(key, token, leaseMs)),
    complete: (key, token, ttlMs) => (calls++, store.complete(key, token, ttlMs)),
    release: (key, token) => (calls++, store.release(key, token)),
    extend: (key, token, leaseMs) => (calls++, store.extend!(key, token, leaseMs)),
    calls: () => calls,
    keys,
  }
}

const withTenant = (delivery: Delivery, tenant: string | undefined): Delivery =>
  tenant === undefined ? delivery : { ...delivery, headers: { ...delivery.headers, 'x-tenant': tenant } }

/** The tenants' secrets, as an app's database would hold them; changed by the tests (rotation). */
type Directory = Record<string, string[]>

/** How the lookup answers: at once (a cache in front of it), or with a Promise (a database). */
const lookups = [
  { name: 'a synchronous lookup', answer: (value: string[] | undefined) => value },
  { name: 'an asynchronous lookup', answer: (value: string[] | undefined) => Promise.resolve(value) },
]

describe.each(lookups)('with $name', ({ answer }) => {
  describe.each(providerCases)('$name', (c: ProviderCase) => {
    const [first, second, stranger] = c.secrets
    let sequence = 0
    const nextId = () => `evt_tenant_${++sequence}`

    function setup(directory: Directory, resolver?: SecretResolver) {
      const store = countingStore()
      const logger = silentLogger()
      const receiver = createReceiver({
        provider: c.provider(
          resolver ??
            tenantSecrets({
              tenant: (request) => request.headers['x-tenant'],
              secrets: (tenant) => answer(directory[tenant]),
            }),
        ),
        store,
        logger,
        now: () => NOW * 1000,
      })
      const seen: WebhookEvent[] = []
      receiver.onAny((event) => void seen.push(event))
      const post = (delivery: Delivery): Promise<WebhookResponse> =>
        receiver.handle({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
      return { store, logger, seen, post }
    }

    const problemOf = (response: WebhookResponse) => JSON.parse(response.body) as { code: string }

    it("verifies each tenant's deliveries with that tenant's secret only, and names the tenant", async () => {
      const { seen, post } = setup({ acme: [first], globex: [second] })
      const id = nextId()
      expect((await post(withTenant(c.sign(first, { timestamp: NOW, id }), 'acme'))).status).toBe(accepted(c))
      const crossed = await post(withTenant(c.sign(first, { timestamp: NOW, id: nextId() }), 'globex'))
      expect(crossed.status).toBe(401)
      expect(problemOf(crossed).code).toBe('signature_invalid')
      expect(seen.map((event) => event.tenant)).toEqual(['acme'])
    })

    it('refuses an unknown tenant 404 tenant_unknown, with no store call and no handler', async () => {
      const { store, seen, post } = setup({ acme: [first] })
      for (const tenant of ['initech', undefined]) {
        const response = await post(withTenant(c.sign(first, { timestamp: NOW, id: nextId() }), tenant))
        expect(response.status).toBe(404)
        expect(problemOf(response).code).toBe('tenant_unknown')
      }
      expect(store.calls()).toBe(0)
      expect(seen).toHaveLength(0)
    })

    it("rotates one tenant's secrets: the old and the new both verify, a stranger's does not", async () => {
      const directory: Directory = { acme: [first] }
      const { seen, post } = setup(directory)
      expect((await post(withTenant(c.sign(first, { timestamp: NOW, id: nextId() }), 'acme'))).status).toBe(
        accepted(c),
      )
      // A new lookup after the cache is cleared: a fresh receiver stands for the TTL having passed.
      directory.acme = [second, first]
      const rotated = setup(directory)
      for (const secret of [first, second]) {
        const response = await rotated.post(
          withTenant(c.sign(secret, { timestamp: NOW, id: nextId() }), 'acme'),
        )
        expect(response.status).toBe(accepted(c))
      }
      const strange = await rotated.post(
        withTenant(c.sign(stranger, { timestamp: NOW, id: nextId() }), 'acme'),
      )
      expect(strange.status).toBe(401)
      expect(seen).toHaveLength(1)
      expect(rotated.seen).toHaveLength(2)
    })

    it('runs one event id once per tenant: dedup keys are namespaced by the tenant', async () => {
      const { store, seen, post } = setup({ acme: [first], globex: [second] })
      const id = nextId()
      const toAcme = withTenant(c.sign(first, { timestamp: NOW, id }), 'acme')
      const toGlobex = withTenant(c.sign(second, { timestamp: NOW, id }), 'globex')
      expect((await post(toAcme)).status).toBe(accepted(c))
      expect((await post(toGlobex)).status).toBe(accepted(c))
      // The retry of acme's delivery is a duplicate of acme's event only.
      expect((await post(toAcme)).status).toBe(accepted(c))
      expect(seen.map((event) => event.tenant)).toEqual(['acme', 'globex'])
      expect(seen[0]!.id).toBe(seen[1]!.id)
      expect(store.keys.some((key) => key.includes(':tenant:acme:'))).toBe(true)
      expect(store.keys.some((key) => key.includes(':tenant:globex:'))).toBe(true)
    })

    it('checks a resolved secret as the provider checks a configured one: a padded one is 500, logged, not sent', async () => {
      const { store, logger, seen, post } = setup({ acme: [` ${first} `] })
      const response = await post(withTenant(c.sign(first, { timestamp: NOW, id: nextId() }), 'acme'))
      expect(response.status).toBe(500)
      expect(problemOf(response).code).toBe('secret_resolver_failed')
      expect(response.body).not.toContain(first)
      // The provider's own message (white space, a copy-paste artefact) is in the log, not the secret.
      const cause = (logger.errors[0]![1] as Error).cause as Error
      expect(cause.message).toMatch(/white space/)
      expect(cause.message).not.toContain(first)
      expect(store.calls()).toBe(0)
      expect(seen).toHaveLength(0)
    })

    it('answers a resolver that throws 500 secret_resolver_failed, logs it, and sends nothing of it', async () => {
      const failing: SecretResolver = () => {
        throw new Error(`database at db.internal:5432 refused; secret ${first}`)
      }
      const { store, logger, seen, post } = setup({}, failing)
      const response = await post(withTenant(c.sign(first, { timestamp: NOW, id: nextId() }), 'acme'))
      expect(response.status).toBe(500)
      expect(problemOf(response).code).toBe('secret_resolver_failed')
      expect(response.body).not.toContain('db.internal')
      expect(response.body).not.toContain(first)
      expect(logger.errors).toHaveLength(1)
      expect(store.calls()).toBe(0)
      expect(seen).toHaveLength(0)
    })
  })
})
