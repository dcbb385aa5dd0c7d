/**
 * What provider authors implement: a `Provider` verifies and parses one sender's deliveries. How to write one is
 * docs/adding-a-provider.md; the helpers every provider uses are in src/provider-kit/.
 */
import type { EventMap, WebhookResponse } from './events.js'

/** What the pipeline hands a provider: the raw bytes and lower-cased headers. */
export interface SignedRequest {
  method: string
  url: string
  headers: Readonly<Record<string, string>>
  body: Uint8Array
}

/**
 * What a secret resolver sees of a delivery (docs/providers.md, "Many tenants"): the method, the URL as received
 * (path and query), the lower-cased headers and the raw body, before the signature is checked. Everything here is
 * unsigned input: read the tenant from it, never trust it for anything else.
 */
export interface SecretRequest extends SignedRequest {
  /**
   * The body parsed as JSON, once, however often it is called (prototype keys dropped); throws a 400
   * `body_malformed` refusal when it is not JSON. Only for senders that name the tenant in the body (Stripe
   * Connect's `account`): the signature is not checked yet.
   */
  json(): unknown
  /** The body parsed as `application/x-www-form-urlencoded` fields, once (Twilio's `AccountSid`); also unsigned. */
  form(): ReadonlyMap<string, readonly string[]>
}

/**
 * What a secret resolver returns: the secret (or several while rotating), or `{ tenant, secret }` naming the tenant
 * they belong to, which namespaces the tenant's dedup keys and reaches handlers as `event.tenant`. `undefined`,
 * `null`, `''` or `[]` (or `{ tenant, secret: undefined }`) means the tenant is unknown: 404 `tenant_unknown`.
 */
export type SecretResolution =
  | string
  | readonly string[]
  | { readonly tenant: string; readonly secret: string | readonly string[] | undefined | null }
  | undefined
  | null

/**
 * A provider's secret chosen per delivery, for one endpoint serving many tenants: called with the request before
 * the signature is checked, it returns the secret(s) or a promise of them. Wrap the lookup in `tenantSecrets()` to
 * cache it. A resolver that throws or rejects is answered 500 `secret_resolver_failed` (logged; the sender retries).
 *
 * @example
 * ```ts
 * stripe({ secret: (request) => secretsFor(new URL(request.url, 'http://x').pathname.split('/').pop()!) })
 * ```
 */
export type SecretResolver = (request: SecretRequest) => SecretResolution | PromiseLike<SecretResolution>

/** A provider's secret option: the secret, several while rotating, or a resolver choosing them per delivery. */
export type SecretOption = string | readonly string[] | SecretResolver

/** One event a provider found in a verified body (a batch yields several). */
export interface ParsedEvent {
  id: string
  type: string
  payload: unknown
  /** Extra names handlers may be registered under, e.g. GitHub's `issues` for `issues.opened`. */
  aliases?: readonly string[]
  attempt?: number
  /** A protocol message the provider answers itself (Slack's `url_verification`): no dedup, no handlers. */
  reply?: WebhookResponse
  /**
   * For senders that sign neither a timestamp nor the header carrying `id` or `type` (GitHub, Shopify, Twilio; `hmac()`
   * reading either from a header): an id of the signed bytes (the verified signature), reserved beside `id`, and
   * recorded even when no handler runs for `type`, so a captured delivery sent again under another id or another
   * type is still a duplicate.
   */
  replayId?: string
  /** The tenant a secret resolver named for this delivery (`{ tenant, secret }`), given to handlers. */
  tenant?: string
  /**
   * The dedup namespace of a delivery verified with resolved secrets: `tenant:<tenant>`, or, when the resolver
   * named no tenant, `secrets:<hash of the secret set>`. Its keys are `<namespace>:<provider>:<scope>:<id>`.
   */
  scope?: string
}

/**
 * A webhook sender: how its deliveries are verified and parsed. One factory per provider builds it from the secret.
 * `TEvents` and `TAliases` are type-only: they map event types to payload types so `receiver.on()` is typed.
 */
export interface Provider<TEvents extends EventMap = EventMap, TAliases extends string = never> {
  readonly name: string
  /** How long the sender waits for an answer before it gives up and retries, in ms. */
  readonly deadlineMs: number
  /** Largest body accepted by default, in bytes. */
  readonly bodyLimit: number
  /** How long the sender keeps retrying one event, in ms: completed dedup keys must outlive it. */
  readonly retryWindowMs: number
  /**
   * The headers that carry the signature, the first as messages name it (`['Stripe-Signature']`; several when the
   * sender uses more than one name): a POST carrying none of them is refused 401 `signature_missing` before its
   * body is read. Undefined: only `verify` decides, once the body is read.
   */
  readonly signatureHeaders?: readonly string[]
  /**
   * The methods the sender uses. Default `['POST']`; any other method is refused 405 before the body is read. A
   * method other than POST is a handshake (Meta's GET challenge) that `verify` and `parse` must answer themselves.
   */
  readonly methods?: readonly string[]
  /**
   * The replay tolerance the sender itself prescribes for its signed timestamp, in seconds (Twitch: 10 minutes),
   * used when the receiver is given no `tolerance`. Undefined: the receiver's default, 300.
   */
  readonly toleranceSeconds?: number
  /**
   * Checks the signature on the raw bytes and returns the signed timestamp in seconds (or undefined when the
   * provider signs none), which the receiver then holds to its `tolerance`. Throws (or rejects with) a
   * `WebhookError` (401/400) when the request is not authentic. May be async, for Web Crypto implementations.
   */
  verify(request: SignedRequest): number | undefined | Promise<number | undefined>
  /**
   * Parses the verified body once into its events. Throws (or rejects with) `BodyMalformedError`/
   * `PayloadInvalidError`. May be async, for Web Crypto implementations that hash the body into an id.
   */
  parse(request: SignedRequest): ParsedEvent[] | Promise<ParsedEvent[]>
  /**
   * For senders that read the answer (Slack, Twilio): the response, given the replies the handlers returned (values
   * made by the provider's reply helper, src/reply.ts, in registration order; empty for a duplicate, the
   * deadline's answer or when no handler replied). Whatever else a handler returns is never passed here, nor sent.
   * Undefined means the standard JSON answer.
   */
  reply?(replies: readonly WebhookResponse[]): WebhookResponse | undefined
  /** Phantom field carrying the event map; never set at run time. */
  readonly __events?: TEvents
  /** Phantom field: extra handler names that match a family of events (GitHub's `issues`); never set. */
  readonly __aliases?: TAliases
}
