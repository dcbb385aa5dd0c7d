import { toBytes } from './body.js'
import { listDeadLetters, replayEvent } from './dead-letters.js'
import { createDispatcher, type Logger } from './dispatch.js'
import type { QueueMode } from './enqueue.js'
import { handleDelivery, refuse, verifyDelivery, type PipelineConfig } from './pipeline.js'
import { memoryStore } from './stores/memory.js'
import { throttledLog } from './throttled-log.js'
import type { WebhookError } from './errors.js'
import type { DeadLetter, DeadLetterRange, EventQueue, QueueWorker, WorkOptions } from './types/queue.js'
import { startWorker } from './work.js'
import type {
  DedupStore,
  ErrorHandler,
  EventMap,
  Handler,
  HandleOptions,
  Provider,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from './types.js'

export interface ReceiverOptions<TProvider extends Provider<any, any>> {
  /** Who sends the webhooks, e.g. `stripe({ secret })`. */
  provider: TProvider
  /** Dedup state. Default: `memoryStore()` (this process only, on the receiver's `now` clock). */
  store?: DedupStore
  /** Largest accepted distance between the signed timestamp and now, in seconds, both directions. Default 300. */
  tolerance?: number
  /** Clock in milliseconds since the epoch, for tests and replays. Default `Date.now`. */
  now?: () => number
  /** How long the answer waits for handlers before a 202 is sent and they go on. Default: the provider's deadline. */
  deadlineMs?: number
  /** Largest body read, in bytes. Default: the provider's limit. */
  bodyLimit?: number
  /** Prefix of every dedup key, to share one store between apps or endpoints. Default `'webhook'`. */
  namespace?: string
  /** How long a reservation holds before a crashed process's event may run elsewhere. Default: deadline + 5 s. */
  leaseMs?: number
  /** How long a handled event is remembered. Default: the provider's retry window (Stripe: 4 days). */
  dedupTtlMs?: number
  /**
   * How long a store that answers asynchronously (Redis, PostgreSQL) gets to answer a reservation before the
   * delivery is answered 503, so a hung store cannot hold requests past the sender's deadline. Default: half the
   * deadline, at most 5 s.
   */
  storeTimeoutMs?: number
  /** When the store is unreachable: `'reject'` answers 503 so the sender retries (default); `'process'` runs without dedup. */
  onStoreError?: 'reject' | 'process'
  /** Where failures are logged when no `onError` handler is registered. Default `console`. */
  logger?: Logger
  /**
   * A secret URL segment (see `generatePathToken()`): requests whose path does not end with it get a 404 before
   * any other work, so scanners and floods never reach signature checks. Mount at e.g. `/webhooks/stripe/:token`.
   */
  pathToken?: string
  /**
   * Durable processing: every verified event is stored as a job in this queue (e.g. `bullmqQueue({ connection })`
   * from `webhook-receiver/queues/bullmq`) and answered 200 once stored; `receiver.work()` runs the handlers from
   * it, with retries and dead letters. One queue serves one receiver.
   */
  queue?: EventQueue
}

type EventsOf<P> = P extends Provider<infer TEvents, any> ? TEvents : EventMap
type AliasesOf<P> = P extends Provider<any, infer TAliases> ? TAliases : never

/** The handler names a provider accepts: its event types and their families (GitHub's `issues`). */
export type EventName<P extends Provider<any, any>> = (keyof EventsOf<P> & string) | AliasesOf<P>

/**
 * The event a handler registered under `K` receives: every event type `K` names, with its payload. A name that
 * matches an index signature of the map (`string`, Slack's `/${string}` commands) keeps its own literal type.
 */
export type EventFor<P extends Provider<any, any>, K extends string> = {
  [T in keyof EventsOf<P> & string]: T extends K
    ? WebhookEvent<T, EventsOf<P>[T]>
    : K extends T
      ? WebhookEvent<K, EventsOf<P>[T]>
      : K extends AliasesOf<P>
        ? T extends `${K}.${string}`
          ? WebhookEvent<T, EventsOf<P>[T]>
          : never
        : never
}[keyof EventsOf<P> & string]

/** A configured receiver: register handlers, then mount it with an adapter or call `handle` yourself. */
export interface Receiver<P extends Provider<any, any> = Provider> {
  /** The provider this receiver verifies. */
  readonly provider: P
  /** The largest body accepted, in bytes: adapters stop reading the stream past it. */
  readonly bodyLimit: number
  /** Runs a handler for one event type, several, or a family (`issues` receives `issues.opened`). */
  on<K extends EventName<P>>(type: K | readonly K[], handler: Handler<EventFor<P, K>>): this
  /** Runs a handler for every verified event. */
  onAny(handler: Handler<EventFor<P, keyof EventsOf<P> & string>>): this
  /** Receives every handler failure, also those after a 202 was sent. */
  onError(handler: ErrorHandler): this
  /**
   * The whole pipeline on one request; never throws. `options.waitUntil` receives the handlers still running when
   * the deadline's 202 is sent, for serverless platforms that would otherwise stop them.
   */
  handle(request: WebhookRequest, options?: HandleOptions): Promise<WebhookResponse>
  /**
   * Answers a refusal an adapter found before `handle` could run (the raw body was consumed by a body parser, or
   * is over the limit), with the same problem format and logging (misconfigurations are logged once).
   */
  reject(error: WebhookError): WebhookResponse
  /** Verifies and parses without dedup or dispatch; throws a `WebhookError`. An array, as one delivery may batch. */
  verify(request: WebhookRequest): Promise<EventFor<P, keyof EventsOf<P> & string>[]>
  /**
   * Queue mode: starts a worker in this process that runs the handlers registered with `on` / `onAny` on the
   * queued events. A handler that throws is retried with the queue's backoff; after its attempts the event is a
   * dead letter. `close()` waits for the jobs in progress. Throws when the receiver has no `queue`.
   *
   * @example
   * ```ts
   * const worker = receiver.work({ concurrency: 10 })
   * process.once('SIGTERM', async () => {
   *   await worker.close()
   *   await queue.close()
   * })
   * ```
   */
  work(options?: WorkOptions): QueueWorker
  /**
   * Queue mode: the events whose attempts are spent, the most recent first, with their last error.
   *
   * @example
   * ```ts
   * for (const { id, type, error } of await receiver.deadLetters()) console.log(id, type, error)
   * ```
   */
  deadLetters(range?: DeadLetterRange): Promise<DeadLetter[]>
  /**
   * Queue mode: runs a dead-lettered event again (or a completed one whose job is still retained), with all its
   * attempts. Rejects when the queue retains no job for this id.
   *
   * @example
   * ```ts
   * await receiver.replay('evt_1NG8Du2eZvKYlo2CiGKfNvlc')
   * ```
   */
  replay(id: string): Promise<void>
}

/**
 * Creates a receiver for one provider: it verifies each delivery on the raw bytes, rejects replays, deduplicates
 * retries and dispatches to typed handlers, answering the sender with the status that makes it retry exactly
 * when it should.
 *
 * @example
 * ```ts
 * import { createReceiver } from 'webhook-receiver'
 * import { stripe } from 'webhook-receiver/providers/stripe'
 *
 * const receiver = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
 * receiver.on('payment_intent.succeeded', async (event) => {
 *   await markPaid(event.payload.data.object.id)
 * })
 * ```
 */
export function createReceiver<P extends Provider<any, any>>(options: ReceiverOptions<P>): Receiver<P> {
  const config = resolveConfig(options)
  const { dispatcher } = config
  const receiver: Receiver<P> = {
    provider: options.provider,
    bodyLimit: config.bodyLimit,
    on(type, handler) {
      dispatcher.on(type as string | readonly string[], handler)
      return receiver
    },
    onAny(handler) {
      dispatcher.onAny(handler)
      return receiver
    },
    onError(handler) {
      dispatcher.onError(handler)
      return receiver
    },
    handle: (request, options) => handleDelivery(config, request, options),
    reject: (error) => refuse(config, error),
    verify: (request) => verifyDelivery(config, request) as never,
    work: (options) => startWorker(config, queueModeOf(config, 'work'), options),
    deadLetters: async (range) => listDeadLetters(queueModeOf(config, 'deadLetters'), range),
    replay: async (id) => replayEvent(config, queueModeOf(config, 'replay'), id),
  }
  return receiver
}

function queueModeOf(config: PipelineConfig, method: string): QueueMode {
  if (config.queueMode !== undefined) return config.queueMode
  throw new TypeError(
    `receiver.${method}() needs a queue: createReceiver({ provider, queue: bullmqQueue({ connection }) }), with bullmqQueue from "webhook-receiver/queues/bullmq".`,
  )
}

/** Adopts the queue under its default name, `<namespace>-<provider>` (a queue name may not hold a `:`). */
function queueMode(
  queue: EventQueue | undefined,
  namespace: string,
  provider: Provider<any, any>,
  logger: Logger,
): QueueMode | undefined {
  if (queue === undefined) return undefined
  if (typeof queue?.adopt !== 'function' || typeof queue.enqueue !== 'function') {
    throw new TypeError(
      'createReceiver({ queue }): pass a queue, e.g. bullmqQueue({ connection }) from "webhook-receiver/queues/bullmq".',
    )
  }
  queue.adopt({
    defaultName: `${namespace}-${provider.name}`.replace(/:/g, '-'),
    reportError: throttledLog(logger, '[webhook-receiver] job queue failure'),
  })
  return { queue, logFailure: throttledLog(logger, '[webhook-receiver] enqueue failed; answered 503') }
}

function resolveConfig(options: ReceiverOptions<Provider<any, any>>): PipelineConfig {
  const provider = options?.provider
  if (
    provider === undefined ||
    typeof provider.verify !== 'function' ||
    typeof provider.parse !== 'function'
  ) {
    throw new TypeError(
      'createReceiver({ provider }): pass a provider, e.g. stripe({ secret }) from "webhook-receiver/providers/stripe".',
    )
  }
  const deadlineMs = positive(options.deadlineMs ?? provider.deadlineMs, 'deadlineMs')
  const logger = options.logger ?? console
  const now = options.now ?? Date.now
  const namespace = options.namespace ?? 'webhook'
  return {
    provider,
    // The same clock as the tolerance check, so a test or replay clock also drives lease and TTL expiry.
    store: options.store ?? memoryStore({ now }),
    dispatcher: createDispatcher(logger),
    logger,
    toleranceSeconds: positive(options.tolerance ?? 300, 'tolerance'),
    now,
    deadlineMs,
    bodyLimit: positive(options.bodyLimit ?? provider.bodyLimit, 'bodyLimit'),
    leaseMs: positive(options.leaseMs ?? deadlineMs + 5_000, 'leaseMs'),
    dedupTtlMs: positive(options.dedupTtlMs ?? provider.retryWindowMs, 'dedupTtlMs'),
    storeTimeoutMs: positive(options.storeTimeoutMs ?? Math.min(5_000, deadlineMs / 2), 'storeTimeoutMs'),
    keyPrefix: `${namespace}:${provider.name}:`,
    onStoreError: options.onStoreError ?? 'reject',
    pathToken: pathTokenBytes(options.pathToken),
    queueMode: queueMode(options.queue, namespace, provider, logger),
  }
}

function pathTokenBytes(token: string | undefined): Uint8Array | undefined {
  if (token === undefined) return undefined
  if (typeof token !== 'string' || token.length < 16 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new TypeError(
      'createReceiver({ pathToken }): use at least 16 URL-safe characters, e.g. generatePathToken().',
    )
  }
  return toBytes(token)
}

function positive(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createReceiver({ ${option} }): expected a positive number, got ${String(value)}.`)
  }
  return value
}
