/**
 * What `createReceiver` takes (`ReceiverOptions`) and what it resolves them into (`ReceiverConfig`), which the
 * pipeline, dedup and run-handlers all read: one module they share, so none of them imports another for it.
 */
import { toBytes } from './body.js'
import { createDispatcher, type Dispatcher, type Logger } from './dispatch.js'
import { createObservers, type Observers } from './observation.js'
import { memoryStore } from './stores/memory.js'
import { throttledLog } from './throttled-log.js'
import type { ReceiverTelemetry } from './types/observability.js'
import type { Provider } from './types/provider.js'
import type { EventQueue } from './types/queue.js'
import type { DedupStore } from './types/store.js'

export interface ReceiverOptions<TProvider extends Provider<any, any>> {
  /** Who sends the webhooks, e.g. `stripe({ secret })`. */
  provider: TProvider
  /** Dedup state. Default: `memoryStore()` (this process only, on the receiver's `now` clock). */
  store?: DedupStore
  /**
   * Largest accepted distance between the signed timestamp and now, in seconds, both directions. Default: the
   * provider's own tolerance where its sender sets one (Twitch: 600), else 300.
   */
  tolerance?: number
  /** Clock in milliseconds since the epoch, for tests and replays. Default `Date.now`. */
  now?: () => number
  /** How long the answer waits for handlers before a 202 is sent and they go on. Default: the provider's deadline. */
  deadlineMs?: number
  /** Largest body read, in bytes. Default: the provider's limit. */
  bodyLimit?: number
  /** Prefix of every dedup key, to share one store between apps or endpoints. Default `'webhook'`. */
  namespace?: string
  /**
   * How long a reservation holds before a crashed process's event may run elsewhere; more than `deadlineMs`. While a
   * handler runs past the deadline the lease is renewed (stores with `extend`), so it never expires under a live
   * handler. Default: deadline + 5 s.
   */
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
   * What the sender is told when handlers are still running at the deadline: `'accept'` answers 202 (or the
   * provider's empty reply) and they go on (default); `'retry'` answers 503 + `Retry-After` and they go on while
   * their lease is renewed, so the sender's retry gets 409 until they finish, 200 after, and a run cut short by a
   * crash is retried. Senders count those 503s as failures (docs/options.md).
   */
  onDeadline?: 'accept' | 'retry'
  /**
   * A secret URL segment (see `generatePathToken()`): requests whose path does not end with it get a 404 before
   * any other work, so scanners and floods never reach signature checks. Mount at e.g. `/webhooks/stripe/:token`.
   */
  pathToken?: string
  /**
   * Durable processing: every verified event is stored as a job in this queue (e.g. `bullmqQueue({ connection })`
   * from `webhook-receiver/queues/bullmq`) and answered 200 once stored; `receiver.work()` runs the handlers from
   * it, with retries and dead letters. One queue serves one receiver. `storeTimeoutMs` bounds the enqueue too.
   */
  queue?: EventQueue
  /**
   * Traces and metrics of every delivery, handler run and queue: `otelTelemetry()` from
   * `webhook-receiver/opentelemetry` (OpenTelemetry, docs/observability.md). Default: none, and nothing is measured.
   */
  telemetry?: ReceiverTelemetry
}

/** Queue mode: the queue a receiver stores its events in, and where its enqueue failures are logged. */
export interface QueueMode {
  queue: EventQueue
  /** Logs an enqueue failure, at most once every few seconds while the queue stays down. */
  logFailure(error: unknown): void
}

/** What changes while a receiver runs; the only mutable part of its config. */
export interface ReceiverState {
  /** Set by `close()`: new deliveries are answered 503. */
  closing: boolean
  /** The handlers that answered asynchronously and have not settled, with their event's id (for `close()`). */
  readonly running: Map<PromiseLike<unknown>, string>
  /** Whether a handler outliving its lease on a store without `extend` was already reported (once). */
  leaseWarned: boolean
}

/** Everything `createReceiver` resolved from its options; read-only for the life of the receiver. */
export interface ReceiverConfig {
  provider: Provider<any, any>
  store: DedupStore
  dispatcher: Dispatcher
  logger: Logger
  /** Logs a failed reservation, at most once every few seconds while the store stays down. */
  logStoreFailure: (error: unknown) => void
  /** Logs a failed lease renewal, likewise. */
  logRenewalFailure: (error: unknown) => void
  onDeadline: 'accept' | 'retry'
  state: ReceiverState
  /** The provider's methods, upper-cased (`['POST']` unless it declares others). */
  methods: readonly string[]
  /** The provider's signature headers, lower-cased; undefined when it declares none. */
  signatureHeaders: readonly string[] | undefined
  toleranceSeconds: number
  now: () => number
  deadlineMs: number
  bodyLimit: number
  leaseMs: number
  dedupTtlMs: number
  /** How long an asynchronous store gets to answer a reservation before the delivery is answered 503. */
  storeTimeoutMs: number
  /** `<namespace>:<provider>:`, the start of every dedup key. */
  keyPrefix: string
  onStoreError: 'reject' | 'process'
  /** When set, the URL's last path segment must equal it (404 otherwise), before any other work. */
  pathToken: Uint8Array | undefined
  /** Queue mode: events are stored as jobs and a worker runs the handlers (`receiver.work()`). */
  queueMode: QueueMode | undefined
  /** The `onOutcome` hooks and the telemetry, fed by each delivery's observation (src/observation.ts). */
  observers: Observers
}

/** Checks the options and fills in every default; throws a TypeError naming the option that is wrong. */
export function resolveConfig(options: ReceiverOptions<Provider<any, any>>): ReceiverConfig {
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
    logStoreFailure:
      options.onStoreError === 'process'
        ? // Deliveries are still processed: a warning.
          throttledLog(
            { warn: logger.warn.bind(logger), error: logger.warn.bind(logger) },
            '[webhook-receiver] dedup store failed; processing without dedup (onStoreError: "process")',
          )
        : throttledLog(
            logger,
            '[webhook-receiver] dedup store failed; answered 503 store_unavailable so the sender retries',
          ),
    logRenewalFailure: throttledLog(logger, '[webhook-receiver] dedup store failed to renew a running lease'),
    onDeadline: oneOf(options.onDeadline ?? 'accept', ['accept', 'retry'], 'onDeadline'),
    state: { closing: false, running: new Map(), leaseWarned: false },
    methods: (provider.methods ?? ['POST']).map((method) => method.toUpperCase()),
    signatureHeaders: provider.signatureHeaders?.map((name) => name.toLowerCase()),
    toleranceSeconds: positive(options.tolerance ?? provider.toleranceSeconds ?? 300, 'tolerance'),
    now,
    deadlineMs,
    bodyLimit: positive(options.bodyLimit ?? provider.bodyLimit, 'bodyLimit'),
    leaseMs: longerThanDeadline(positive(options.leaseMs ?? deadlineMs + 5_000, 'leaseMs'), deadlineMs),
    dedupTtlMs: positive(options.dedupTtlMs ?? provider.retryWindowMs, 'dedupTtlMs'),
    storeTimeoutMs: positive(options.storeTimeoutMs ?? Math.min(5_000, deadlineMs / 2), 'storeTimeoutMs'),
    keyPrefix: dedupKeyPrefix(namespace, provider.name),
    onStoreError: options.onStoreError ?? 'reject',
    pathToken: pathTokenBytes(options.pathToken),
    queueMode: queueMode(options.queue, defaultQueueName(namespace, provider.name), logger),
    observers: createObservers(options.telemetry, logger),
  }
}

/** Where a receiver's dedup keys live in its store: `<namespace>:<provider>:`. */
export const dedupKeyPrefix = (namespace: string, provider: string): string => `${namespace}:${provider}:`

/**
 * A receiver's queue name unless `bullmqQueue({ name })` says otherwise: `<namespace>-<provider>` (a queue name may
 * not hold a `:`).
 */
export const defaultQueueName = (namespace: string, provider: string): string =>
  `${namespace}-${provider}`.replace(/:/g, '-')

/** Adopts the queue under its default name (see defaultQueueName). */
function queueMode(queue: EventQueue | undefined, name: string, logger: Logger): QueueMode | undefined {
  if (queue === undefined) return undefined
  if (typeof queue?.adopt !== 'function' || typeof queue.enqueue !== 'function') {
    throw new TypeError(
      'createReceiver({ queue }): pass a queue, e.g. bullmqQueue({ connection }) from "webhook-receiver/queues/bullmq".',
    )
  }
  queue.adopt({
    defaultName: name,
    reportError: throttledLog(logger, '[webhook-receiver] job queue failure'),
  })
  return { queue, logFailure: throttledLog(logger, '[webhook-receiver] enqueue failed; answered 503') }
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

/** A lease no longer than the deadline could expire while the answer still waits for the handlers. */
function longerThanDeadline(leaseMs: number, deadlineMs: number): number {
  if (leaseMs <= deadlineMs) {
    throw new TypeError(
      `createReceiver({ leaseMs }): must be longer than deadlineMs (${deadlineMs}), got ${leaseMs}; the default is deadlineMs + 5000.`,
    )
  }
  return leaseMs
}

function oneOf<T extends string>(value: T, allowed: readonly T[], option: string): T {
  if (!allowed.includes(value)) {
    throw new TypeError(
      `createReceiver({ ${option} }): expected ${allowed.map((item) => `'${item}'`).join(' or ')}, got ${String(value)}.`,
    )
  }
  return value
}

function positive(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createReceiver({ ${option} }): expected a positive number, got ${String(value)}.`)
  }
  return value
}
