import { chain } from '#crypto'
import { bytesToText, parseForm, parseJsonBody } from '../body.js'
import { contentId } from '../crypto/content-id.js'
import { InternalError, isWebhookError, SecretResolverError, TenantUnknownError } from '../errors.js'
import { isPromiseLike, type MaybePromise } from '../promise-like.js'
import type {
  ParsedEvent,
  Provider,
  SecretRequest,
  SecretResolution,
  SecretResolver,
  SignedRequest,
} from '../types/provider.js'
import { createLruCache } from '../lru-cache.js'
import { NO_SECRETS_YET } from './secret-list.js'

/** Secret sets whose keys stay imported, per provider; past it the least recently used set is dropped. */
const MAX_SECRET_SETS = 1000

/** One resolved secret set: the provider built from it (keys imported once) and its dedup scope. */
interface SecretSet {
  provider: Provider<any, any>
  /** The set as the cache knows it (JSON of the lists), which its scope hashes. */
  key: string
  /** `secrets:<hash of the set>`, for resolutions that name no tenant; computed once, when first needed. */
  scope: MaybePromise<string> | undefined
}

/** What `verify` resolved for one request, for `parse` to use: the same keyed provider, the same tenant. */
interface Resolved {
  set: SecretSet
  tenant: string | undefined
}

/**
 * Lets every provider take its secret option(s) as a resolver, chosen per delivery (docs/providers.md, "Many
 * tenants"), without a line of its own scheme changing. A factory starts with
 * `perRequestSecrets(options, ['secret'], factory)` and returns what it gives when it gives something; undefined
 * (no option is a function) means static secrets, and the factory goes on as before: the static path is untouched.
 *
 * With a resolver, the factory is called again for each distinct resolved secret set, with the set in place of the
 * resolver, so the provider's checks (`secretList`'s `check`, key formats) apply to resolved secrets exactly as to
 * configured ones, and keys are imported once per set, not per delivery (the last `MAX_SECRET_SETS` sets are
 * kept). Name, deadline, limits and reply come from a template built with no secret (`NO_SECRETS_YET`).
 *
 * The returned provider's `verify` calls the resolver(s), refuses an unknown tenant (404 `tenant_unknown`) and a
 * resolver failure (500 `secret_resolver_failed`) before any key is used or any store is touched, then verifies
 * with the set's provider; `parse` parses with that same provider and scopes the events' dedup keys to the tenant.
 * A resolver answering synchronously keeps the delivery synchronous; only a Promise is awaited (docs/
 * architecture.md, "Crypto results").
 */
export function perRequestSecrets<TOptions extends object, TProvider extends Provider<any, any>>(
  options: TOptions,
  names: readonly (keyof TOptions & string)[],
  factory: (options: TOptions) => TProvider,
): TProvider | undefined {
  let resolvers: (keyof TOptions & string)[] | undefined
  for (const name of names) {
    if (typeof (options as Record<string, unknown> | undefined)?.[name] === 'function')
      (resolvers ??= []).push(name)
  }
  return resolvers === undefined ? undefined : resolvingProvider(options, resolvers, factory)
}

function resolvingProvider<TOptions extends object, TProvider extends Provider<any, any>>(
  options: TOptions,
  names: readonly (keyof TOptions & string)[],
  factory: (options: TOptions) => TProvider,
): TProvider {
  const resolvers = names.map((name) => options[name] as unknown as SecretResolver)
  const template = factory(
    withSecrets(
      options,
      names,
      names.map(() => NO_SECRETS_YET),
    ),
  )
  const where = `${template.name}({ ${names.join(', ')} })`
  const sets = createLruCache<SecretSet>({ max: MAX_SECRET_SETS })
  const resolvedFor = new WeakMap<SignedRequest, Resolved>()

  function setOf(lists: readonly (readonly string[])[]): SecretSet {
    const key = JSON.stringify(lists)
    let set = sets.get(key)
    if (set === undefined) {
      let provider: Provider<any, any>
      try {
        provider = factory(withSecrets(options, names, lists))
      } catch (error) {
        // The provider's own checks failed on what the resolver returned (an API key where the secret belongs).
        throw new SecretResolverError(error)
      }
      set = { provider, key, scope: undefined }
      sets.set(key, set)
    }
    return set
  }

  // What a frozen answer (tenantSecrets' cached ones) settled to, for as long as the answer lives: a tenant's next
  // delivery needs neither its lists nor the set cache, so past MAX_SECRET_SETS a cached tenant's keys stay imported.
  const settledAnswers = new WeakMap<object, Resolved>()

  function settle(request: SignedRequest, resolutions: readonly SecretResolution[]): Provider<any, any> {
    const answer = resolutions.length === 1 && isFrozenAnswer(resolutions[0]) ? resolutions[0] : undefined
    const known = answer === undefined ? undefined : settledAnswers.get(answer)
    if (known !== undefined) {
      resolvedFor.set(request, known)
      return known.set.provider
    }
    let tenant: string | undefined
    const lists: (readonly string[])[] = []
    for (const resolution of resolutions) {
      const read = readResolution(resolution, where)
      if (read.secrets === undefined) throw new TenantUnknownError()
      tenant ??= read.tenant
      lists.push(read.secrets)
    }
    const set = setOf(lists)
    const resolved: Resolved = { set, tenant }
    resolvedFor.set(request, resolved)
    if (answer !== undefined) settledAnswers.set(answer, resolved)
    return set.provider
  }

  return {
    ...template,
    verify(request: SignedRequest) {
      const resolutions = resolveAll(resolvers, request)
      return isPromiseLike(resolutions)
        ? Promise.resolve(resolutions).then((settled) => settle(request, settled).verify(request))
        : settle(request, resolutions).verify(request)
    },
    parse(request: SignedRequest) {
      const resolved = resolvedFor.get(request)
      if (resolved === undefined) {
        throw new InternalError(new Error(`${where}: parse() was called before verify() for this request.`))
      }
      const parsed = resolved.set.provider.parse(request)
      return isPromiseLike(parsed)
        ? Promise.resolve(parsed).then((events) => inScope(events, resolved))
        : inScope(parsed, resolved)
    },
  }
}

function withSecrets<TOptions extends object>(
  options: TOptions,
  names: readonly (keyof TOptions & string)[],
  lists: readonly (readonly string[])[],
): TOptions {
  const copy = { ...options } as Record<string, unknown>
  names.forEach((name, index) => {
    copy[name] = lists[index]
  })
  return copy as TOptions
}

/** Calls every resolver with one view of the request; a Promise only when one of them answered with one. */
function resolveAll(
  resolvers: readonly SecretResolver[],
  request: SignedRequest,
): MaybePromise<SecretResolution[]> {
  const view = new ResolverView(request)
  // One resolver is the common case: no array is mapped or scanned for it.
  if (resolvers.length === 1) {
    const result = callResolver(resolvers[0] as SecretResolver, view)
    return isPromiseLike(result) ? Promise.resolve(result).then((settled) => [settled]) : [result]
  }
  const results = resolvers.map((resolver) => callResolver(resolver, view))
  return results.some(isPromiseLike) ? Promise.all(results) : (results as SecretResolution[])
}

function callResolver(resolver: SecretResolver, view: SecretRequest): MaybePromise<SecretResolution> {
  let result: SecretResolution | PromiseLike<SecretResolution>
  try {
    result = resolver(view)
  } catch (error) {
    throw resolverFailure(error)
  }
  return isPromiseLike(result)
    ? Promise.resolve(result).then(undefined, (error: unknown) => {
        throw resolverFailure(error)
      })
    : result
}

/** A refusal the resolver chose (`json()`'s 400, a `NotFoundError`) stands; anything else is its failure. */
function resolverFailure(error: unknown): unknown {
  return isWebhookError(error) ? error : new SecretResolverError(error)
}

/** The resolver's view: the request, and the body parsed at most once, only if it asks (no closure per request). */
class ResolverView implements SecretRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  #json: { value: unknown } | undefined
  #form: ReadonlyMap<string, readonly string[]> | undefined

  constructor(request: SignedRequest) {
    this.method = request.method
    this.url = request.url
    this.headers = request.headers
    this.body = request.body
  }

  json(): unknown {
    return (this.#json ??= { value: parseJsonBody(this.body) }).value
  }

  form(): ReadonlyMap<string, readonly string[]> {
    return (this.#form ??= parseForm(bytesToText(this.body)))
  }
}

/** An answer that cannot change: a frozen array, or a frozen `{ tenant, secret }` whose secret is a string or frozen. */
function isFrozenAnswer(value: SecretResolution | undefined): value is SecretResolution & object {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return false
  if (Array.isArray(value)) return true
  const { secret } = value as { secret?: unknown }
  return typeof secret === 'string' || (Array.isArray(secret) && Object.isFrozen(secret))
}

/** The secrets a resolution names (undefined: unknown tenant) and its tenant; throws on anything else. */
function readResolution(
  value: unknown,
  where: string,
): { secrets: readonly string[] | undefined; tenant?: string } {
  if (value === undefined || value === null || value === '') return { secrets: undefined }
  if (typeof value === 'string') return { secrets: [value] }
  if (Array.isArray(value)) return { secrets: value.length === 0 ? undefined : (value as string[]) }
  if (typeof value === 'object') {
    const { tenant, secret } = value as { tenant?: unknown; secret?: unknown }
    if (
      typeof tenant === 'string' &&
      tenant !== '' &&
      (secret == null || typeof secret !== 'object' || Array.isArray(secret))
    ) {
      const read = readResolution(secret, where)
      return { secrets: read.secrets, tenant }
    }
  }
  throw new SecretResolverError(
    new TypeError(
      `${where}: the resolver returned ${describe(value)}; expected a string, an array of strings, { tenant, secret }, or undefined for an unknown tenant.`,
    ),
  )
}

function describe(value: unknown): string {
  if (typeof value === 'object') return value === null ? 'null' : 'an object without a string tenant'
  return `a ${typeof value}`
}

/**
 * The events under the tenant's dedup scope, or the secret set's when the resolver named no tenant. The events are
 * the set's provider's own, made by this very `parse` call, so they are marked in place rather than copied.
 */
function inScope(events: ParsedEvent[], resolved: Resolved): MaybePromise<ParsedEvent[]> {
  const { tenant } = resolved
  if (tenant !== undefined) {
    const scope = tenantScope(tenant)
    for (const event of events) {
      event.tenant = tenant
      event.scope = scope
    }
    return events
  }
  const scope = secretScope(resolved.set)
  const mark = (settled: string) => {
    for (const event of events) event.scope = settled
    return events
  }
  return isPromiseLike(scope) ? Promise.resolve(scope).then(mark) : mark(scope)
}

/** What a tenant's scope escapes. */
const ESCAPED = /[%:]/

/**
 * The dedup scope of a tenant: `tenant:<tenant>`, with `%` and `:` escaped so two tenants never share a key (`a:b`
 * + `c` against `a` + `b:c`).
 */
export function tenantScope(tenant: string): string {
  return ESCAPED.test(tenant)
    ? `tenant:${tenant.replace(/%/g, '%25').replace(/:/g, '%3A')}`
    : `tenant:${tenant}`
}

/**
 * A namespace for a set that names no tenant: a hash of the set, the same in every process sharing the store, which
 * reveals nothing of the secrets. It changes when the set does (rotation): return `{ tenant, secret }` to keep the
 * dedup keys across a rotation.
 */
function secretScope(set: SecretSet): MaybePromise<string> {
  if (set.scope === undefined) {
    const scope = chain(
      contentId('webhook-receiver secret set\n', set.key),
      (id) => `secrets:${id.slice(7, 39)}`,
    )
    set.scope = scope
    if (isPromiseLike(scope)) void Promise.resolve(scope).then((settled) => (set.scope = settled))
  }
  return set.scope
}
