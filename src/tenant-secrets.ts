/**
 * `tenantSecrets()`: a secret resolver (docs/providers.md, "Many tenants") that reads which tenant a delivery is for
 * and looks its secrets up, caching each tenant's answer for a bounded time in a bounded number of entries.
 */
import { createLruCache } from './lru-cache.js'
import { isPromiseLike } from './promise-like.js'
import type { SecretRequest, SecretResolver } from './types/provider.js'

/** A tenant's secrets as the lookup gives them: one, several while rotating, or none (an unknown tenant). */
export type TenantSecretList = string | readonly string[] | undefined | null

export interface TenantSecretsOptions {
  /**
   * Which tenant the delivery is for: a path segment, a header the sender sets (Shopify's
   * `x-shopify-shop-domain`), a body field (`request.json()`). Unsigned input: it only chooses which secrets the
   * signature must match. `undefined` (or `''`) is an unknown tenant, answered 404 `tenant_unknown`.
   */
  tenant: (request: SecretRequest) => string | undefined
  /** The tenant's secret(s), e.g. from your database; `undefined`, `null`, `''` or `[]` for an unknown tenant. */
  secrets: (tenant: string) => TenantSecretList | PromiseLike<TenantSecretList>
  /**
   * How long a tenant's secrets are served from the cache, in ms: the longest a changed secret takes to be used
   * (or call `invalidate(tenant)`). Default 5 minutes.
   */
  ttlMs?: number
  /** Most tenants kept in the cache; the least recently used goes first. Default 1000. */
  maxTenants?: number
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number
}

/** A secret resolver with a cache you can clear. */
export interface TenantSecretResolver extends SecretResolver {
  /** Forgets the cached secrets of `tenant` (after you changed them), or of every tenant. */
  invalidate(tenant?: string): void
}

type Resolution = { readonly tenant: string; readonly secret: string | readonly string[] } | undefined

/**
 * A secret resolver for one endpoint serving many tenants: `tenant(request)` names the tenant, `secrets(tenant)`
 * looks its secrets up, and the answer is cached for `ttlMs` in at most `maxTenants` entries (least recently used
 * first out). A cached tenant costs no lookup and no Promise, so its deliveries stay on the synchronous path.
 * Concurrent deliveries of one tenant share one lookup. What is not cached: a lookup that throws or rejects
 * (answered 500 `secret_resolver_failed` and tried again on the next delivery) and an unknown tenant (404
 * `tenant_unknown`; not cached, so a flood of made-up tenants cannot push real ones out of the cache, and a tenant
 * added a moment ago is found). Each delivery is dedup-namespaced by its tenant, and `event.tenant` names it.
 *
 * @example
 * ```ts
 * import { createReceiver, tenantSecrets } from 'webhook-receiver'
 * import { stripe } from 'webhook-receiver/providers/stripe'
 *
 * // app.post('/webhooks/stripe/:tenant', expressMiddleware(receiver))
 * const receiver = createReceiver({
 *   provider: stripe({
 *     secret: tenantSecrets({
 *       tenant: (request) => new URL(request.url, 'http://localhost').pathname.split('/').pop(),
 *       secrets: async (tenant) => (await db.tenants.find(tenant))?.stripeWebhookSecrets,
 *     }),
 *   }),
 * })
 * receiver.on('invoice.paid', (event) => markPaid(event.tenant!, event.payload.data.object.id))
 * ```
 */
export function tenantSecrets(options: TenantSecretsOptions): TenantSecretResolver {
  if (typeof options?.tenant !== 'function' || typeof options.secrets !== 'function') {
    throw new TypeError(
      'tenantSecrets({ tenant, secrets }): pass tenant(request) => the tenant id, and secrets(tenant) => its secret(s).',
    )
  }
  const ttlMs = positive(options.ttlMs ?? 5 * 60_000, 'ttlMs')
  const max = positive(options.maxTenants ?? 1000, 'maxTenants')
  const cache = createLruCache<NonNullable<Resolution>>({ max, ttlMs, now: options.now ?? Date.now })
  const inFlight = new Map<string, Promise<Resolution>>()
  const { tenant: tenantOf, secrets: secretsOf } = options

  function remember(tenant: string, secret: TenantSecretList): Resolution {
    if (secret == null || secret === '' || (Array.isArray(secret) && secret.length === 0)) return undefined
    const resolution = freeze(tenant, secret as string | readonly string[])
    cache.set(tenant, resolution)
    return resolution
  }

  const resolver = (request: SecretRequest) => {
    const tenant = tenantOf(request)
    if (typeof tenant !== 'string' || tenant === '') return undefined
    const cached = cache.get(tenant)
    if (cached !== undefined) return cached
    const pending = inFlight.get(tenant)
    if (pending !== undefined) return pending
    const looked = secretsOf(tenant)
    if (!isPromiseLike(looked)) return remember(tenant, looked)
    const lookup: Promise<Resolution> = Promise.resolve(looked).then(
      (secret) => {
        // Invalidated while the lookup ran: its answer may predate the change, so it is used once, not kept.
        if (inFlight.get(tenant) !== lookup) return secret == null ? undefined : freeze(tenant, secret)
        inFlight.delete(tenant)
        return remember(tenant, secret)
      },
      (error: unknown) => {
        if (inFlight.get(tenant) === lookup) inFlight.delete(tenant)
        throw error
      },
    )
    inFlight.set(tenant, lookup)
    return lookup
  }
  return Object.assign(resolver, {
    invalidate(tenant?: string) {
      if (tenant === undefined) {
        cache.clear()
        inFlight.clear()
      } else {
        cache.delete(tenant)
        inFlight.delete(tenant)
      }
    },
  })
}

/** A frozen answer, its list copied and frozen too: the receiver keeps what it settled to (perRequestSecrets). */
function freeze(tenant: string, secret: string | readonly string[]): NonNullable<Resolution> {
  return Object.freeze({ tenant, secret: Array.isArray(secret) ? Object.freeze([...secret]) : secret })
}

function positive(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`tenantSecrets({ ${option} }): expected a positive number, got ${String(value)}.`)
  }
  return value
}
