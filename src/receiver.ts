import { attachReceiverAccess } from './adapter-kit/receiver-access.js'
import { listDeadLetters, replayEvent } from './dead-letters.js'
import { addOutcomeHook, observeEarlyRefusal } from './observation.js'
import { resolveConfig, type QueueMode, type ReceiverConfig, type ReceiverOptions } from './options.js'
import { handleDelivery, refusalBeforeBody, refuse, verifyDelivery } from './pipeline.js'
import { closeReceiver } from './run-handlers.js'
import type {
  ErrorHandler,
  EventMap,
  HandleOptions,
  Handler,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from './types/events.js'
import type { OutcomeHook } from './types/observability.js'
import type { Provider } from './types/provider.js'
import type { DeadLetter, DeadLetterRange, QueueWorker, WorkOptions } from './types/queue.js'
import { startWorker } from './work.js'

export type { ReceiverOptions } from './options.js'

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
  /** Runs a handler for one event type, several, or a family (`issues` receives `issues.opened`). */
  on<K extends EventName<P>>(type: K | readonly K[], handler: Handler<EventFor<P, K>>): this
  /** Runs a handler for every verified event. */
  onAny(handler: Handler<EventFor<P, keyof EventsOf<P> & string>>): this
  /** Receives every handler failure, also those after a 202 was sent. */
  onError(handler: ErrorHandler): this
  /**
   * Receives one small object per delivery once it is answered, refusals included: provider, id, type, status,
   * code, dedup outcome, durations (docs/observability.md). No header, body or secret is in it. A hook that throws is
   * logged once and changes nothing.
   *
   * @example
   * ```ts
   * receiver.onOutcome((outcome) => logger.info(outcome, 'webhook'))
   * ```
   */
  onOutcome(hook: OutcomeHook): this
  /**
   * The whole pipeline on one request; never throws. `options.waitUntil` receives the handlers still running when
   * the deadline's 202 is sent, for serverless platforms that would otherwise stop them.
   */
  handle(request: WebhookRequest, options?: HandleOptions): Promise<WebhookResponse>
  /** Verifies and parses without dedup or dispatch; throws a `WebhookError`. An array, as one delivery may batch. */
  verify(request: WebhookRequest): Promise<EventFor<P, keyof EventsOf<P> & string>[]>
  /**
   * Queue mode: starts a worker in this process that runs the handlers registered with `on` / `onAny` on the
   * queued events. A handler that throws is retried with the queue's backoff; after its attempts the event is a
   * dead letter. `close()` waits for the jobs in progress. Throws when the receiver has no `queue`.
   */
  work(options?: WorkOptions): QueueWorker
  /** Queue mode: the events whose attempts are spent, the most recent first, with their last error. */
  deadLetters(range?: DeadLetterRange): Promise<DeadLetter[]>
  /**
   * Queue mode: runs a dead-lettered event again (or a completed one whose job is still retained), with all its
   * attempts. Rejects when the queue retains no job for this id. An event of a tenant (`event.tenant`, the dead
   * letter's `tenant`) is found with `{ tenant }`.
   */
  replay(id: string, options?: { tenant?: string }): Promise<void>
  /**
   * Shuts the receiver down: from now on deliveries are answered 503 `shutting_down` with `Retry-After`, so the
   * sender retries them on another instance; resolves once the handlers running now have settled, or after
   * `timeoutMs`, logging the ids of the events still running then. Call it on SIGTERM (docs/adapters.md).
   */
  close(options?: CloseOptions): Promise<void>
}

/** Options of `receiver.close()`. */
export interface CloseOptions {
  /** How long to wait for the running handlers, in ms. Default: until they have all settled. */
  timeoutMs?: number
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
    onOutcome(hook) {
      addOutcomeHook(config.observers, hook)
      return receiver
    },
    handle: (request, options) => handleDelivery(config, request, options),
    verify: (request) => verifyDelivery(config, request) as never,
    work: (options) => startWorker(config, queueModeOf(config, 'work'), options),
    deadLetters: async (range) => listDeadLetters(queueModeOf(config, 'deadLetters'), range),
    replay: async (id, options) => replayEvent(config, queueModeOf(config, 'replay'), id, options?.tenant),
    close: async (options) => closeReceiver(config, closeTimeout(options)),
  }
  // Refusals an adapter answers before `handle` (no signature header, a body over the limit) are deliveries too.
  const { observers } = config
  const name = config.provider.name
  attachReceiverAccess(receiver, {
    bodyLimit: config.bodyLimit,
    reject: (error, url) => observeEarlyRefusal(observers, name, 'POST', refuse(config, error, url)),
    refuseBeforeBody: (method, url, headers) => {
      const refusal = refusalBeforeBody(config, method, url, headers)
      return refusal === undefined ? undefined : observeEarlyRefusal(observers, name, method, refusal)
    },
  })
  const queue = config.queueMode?.queue
  observers.telemetry?.attach({ provider: name, queueCounts: queue?.counts?.bind(queue) })
  return receiver
}

function queueModeOf(config: ReceiverConfig, method: string): QueueMode {
  if (config.queueMode !== undefined) return config.queueMode
  throw new TypeError(
    `receiver.${method}() needs a queue: createReceiver({ provider, queue: bullmqQueue({ connection }) }), with bullmqQueue from "webhook-receiver/queues/bullmq".`,
  )
}

function closeTimeout(options: CloseOptions | undefined): number | undefined {
  const timeoutMs = options?.timeoutMs
  if (timeoutMs === undefined) return undefined
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`receiver.close({ timeoutMs }): expected a number of ms, got ${String(timeoutMs)}.`)
  }
  return timeoutMs
}
