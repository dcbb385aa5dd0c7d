/** Public types shared by the core, the providers, the stores and the adapters. */

/** Headers as a framework hands them over: a Node-style record (any case) or a Web `Headers` object. */
export type HeaderInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** The framework-neutral request every adapter builds; `body` must be the raw bytes as received. */
export interface WebhookRequest {
  method: string
  /** Path and query (or the full URL); used by providers that sign the URL. */
  url: string
  headers: HeaderInput
  /** The raw body: bytes exactly as sent. A string is treated as its UTF-8 bytes. */
  body: Uint8Array | string
}

/** Per-request options of `receiver.handle`, set by adapters for their platform. */
export interface HandleOptions {
  /**
   * Keeps work that outlives the response alive on platforms that freeze or end the process once the response is
   * sent (Vercel, Cloudflare Workers, Next.js `after()`). Called, as a method of this object, when the deadline's 202
   * is sent, with the promise of each event's still-running handlers (a batch may call it more than once); the
   * promise never rejects (failures reach `onError`).
   */
  waitUntil?(work: Promise<unknown>): void
}

/** What the sender is answered with; adapters write it back unchanged. */
export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Maps each event type a provider sends to its payload type. */
export type EventMap = Record<string, unknown>

/** The envelope every handler receives, whatever the provider. */
export interface WebhookEvent<TType extends string = string, TPayload = unknown> {
  /** The provider's own event id (the dedup key), e.g. Stripe `evt_…`, GitHub's delivery GUID. */
  id: string
  /** The event type as the provider names it, e.g. `payment_intent.succeeded`, `issues.opened`. */
  type: TType
  payload: TPayload
  /** Provider name, e.g. `stripe`. */
  provider: string
  /** The signed timestamp in seconds since the epoch, when the provider signs one. */
  timestamp?: number
  /** Delivery attempt number, when the provider sends one. */
  attempt?: number
  /** Request headers, lower-cased. */
  headers: Readonly<Record<string, string>>
  /** The raw body, the same bytes the signature was checked on. */
  rawBody: Uint8Array
}

/** A handler may return nothing; providers that expect a reply body (Slack, Twilio) use what it returns. */
export type Handler<TEvent extends WebhookEvent = WebhookEvent> = (event: TEvent) => unknown

/** Called once for every handler failure, including failures after a 202 was sent. */
export type ErrorHandler = (error: unknown, event: WebhookEvent | undefined) => unknown

/** What the pipeline hands a provider: the raw bytes and lower-cased headers. */
export interface SignedRequest {
  method: string
  url: string
  headers: Readonly<Record<string, string>>
  body: Uint8Array
}

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
   * For senders that sign neither a timestamp nor the header carrying `id` (GitHub, Shopify, Twilio): an id of the
   * signed bytes (the verified signature), reserved beside `id`, so a captured delivery replayed under another id is
   * still a duplicate.
   */
  replayId?: string
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
  /** True when the provider signs a timestamp, so the receiver's `tolerance` applies. */
  readonly signsTimestamp: boolean
  /**
   * Checks the signature on the raw bytes and returns the signed timestamp in seconds (or undefined when the
   * provider signs none). Throws (or rejects with) a `WebhookError` (401/400) when the request is not authentic.
   * May be async, for Web Crypto implementations.
   */
  verify(request: SignedRequest): number | undefined | Promise<number | undefined>
  /**
   * Parses the verified body once into its events. Throws (or rejects with) `BodyMalformedError`/
   * `PayloadInvalidError`. May be async, for Web Crypto implementations that hash the body into an id.
   */
  parse(request: SignedRequest): ParsedEvent[] | Promise<ParsedEvent[]>
  /**
   * For senders that read the answer (Slack, Twilio): turns what the handlers returned (in registration order;
   * empty for a duplicate or when no handler ran) into the response. Undefined means the standard JSON answer.
   */
  reply?(results: readonly unknown[]): WebhookResponse | undefined
  /** Phantom field carrying the event map; never set at run time. */
  readonly __events?: TEvents
  /** Phantom field: extra handler names that match a family of events (GitHub's `issues`); never set. */
  readonly __aliases?: TAliases
}

/** Outcome of a dedup reservation. */
export type ReserveOutcome = 'reserved' | 'in-flight' | 'done'

/**
 * Where dedup state lives. Keys move through reserve → (complete | release).
 *
 * Atomicity: `reserve` must be atomic across every process sharing the store: of any number of concurrent calls
 * for one key, exactly one returns `'reserved'` while the key is neither done nor leased by a live reservation.
 * A reservation is a lease of `leaseMs` milliseconds: once it expires, a new `reserve` may take the key over (the
 * first process is presumed dead). `complete` and `release` act only if `token` still owns the key, so a slow
 * first copy whose lease expired cannot overwrite the state of the copy that took over.
 *
 * All durations are milliseconds. Implementations must never throw for "not found"; they throw (or reject) only
 * when the store itself cannot be reached, which the receiver answers with 503.
 */
export interface DedupStore {
  /** Reserve `key` for `leaseMs`; `'in-flight'` if another live lease holds it, `'done'` if it completed. */
  reserve(key: string, token: string, leaseMs: number): Promise<ReserveOutcome> | ReserveOutcome
  /**
   * Mark `key` done for `ttlMs`, if `token` still owns it, or if the key is free (its lease expired and nobody took
   * it over: the work is done, so a retry must not run it again). Never over another token's lease or result.
   */
  complete(key: string, token: string, ttlMs: number): Promise<void> | void
  /** Forget the reservation so a retry runs, if `token` still owns it. */
  release(key: string, token: string): Promise<void> | void
}
