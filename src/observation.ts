/**
 * The one mechanism behind `receiver.onOutcome` and `createReceiver({ telemetry })` (docs/observability.md): the
 * pipeline calls a delivery's observation at a few points (started, verified, dedup decided, handlers run, answered),
 * and the observation feeds both consumers from them: the telemetry follows each point as it happens (spans,
 * in-flight handlers), and once the delivery is answered both receive the same `DeliveryOutcome`. A receiver with
 * neither has no observation at all: the pipeline then only tests for `undefined`.
 */
import type { Logger } from './dispatch.js'
import { isWebhookError } from './errors.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import type { WebhookEvent, WebhookRequest, WebhookResponse } from './types/events.js'
import type {
  DedupOutcome,
  DeliveryOutcome,
  DeliveryStart,
  DeliveryTelemetry,
  HandlersStart,
  ItemOutcome,
  OutcomeCode,
  OutcomeHook,
  ReceiverTelemetry,
} from './types/observability.js'
import type { ParsedEvent } from './types/provider.js'

/** A receiver's observers: its `onOutcome` hooks (added at any time) and its telemetry (an option). */
export interface Observers {
  readonly hooks: OutcomeHook[]
  readonly telemetry: ReceiverTelemetry | undefined
  readonly logger: Logger
  /** Whether a throwing hook was logged already (once per receiver). */
  hookFailureLogged: boolean
}

export function createObservers(telemetry: ReceiverTelemetry | undefined, logger: Logger): Observers {
  if (telemetry !== undefined && typeof telemetry?.startDelivery !== 'function') {
    throw new TypeError(
      'createReceiver({ telemetry }): pass otelTelemetry() from "webhook-receiver/opentelemetry" (or another implementation of ReceiverTelemetry).',
    )
  }
  return { hooks: [], telemetry, logger, hookFailureLogged: false }
}

/** Adds an `onOutcome` hook. */
export function addOutcomeHook(observers: Observers, hook: OutcomeHook): void {
  if (typeof hook !== 'function') throw new TypeError('receiver.onOutcome() expects a function as its hook.')
  observers.hooks.push(hook)
}

/** Starts observing a delivery; undefined when the receiver has no observer, so nothing more is done for it. */
export function observeDelivery(
  observers: Observers,
  provider: string,
  request: Pick<WebhookRequest, 'method' | 'body'>,
): DeliveryObservation | undefined {
  if (observers.telemetry === undefined && observers.hooks.length === 0) return undefined
  return new DeliveryObservation(observers, provider, request)
}

/**
 * A refusal an adapter answered before `receiver.handle` (before or while reading the body): observed as a
 * delivery of its own, started and answered at once.
 */
export function observeEarlyRefusal(
  observers: Observers,
  provider: string,
  method: string,
  response: WebhookResponse,
): WebhookResponse {
  const observation = observeDelivery(observers, provider, { method, body: '' })
  observation?.answered(response, codeOfProblem(response))
  return response
}

/** Codes of refusals made before the provider's `verify` runs: such a delivery has no verification time. */
const BEFORE_VERIFY = new Set<string>([
  'not_found',
  'method_not_allowed',
  'body_too_large',
  'raw_body_unavailable',
])

/** One delivery's observation: what was seen of it so far, and its telemetry. */
export class DeliveryObservation {
  private readonly observers: Observers
  private readonly provider: string
  private readonly startedAt = performance.now()
  private readonly telemetry: DeliveryTelemetry | undefined
  private bodySize: number | undefined
  private verifyMs: number | undefined
  private events: readonly ParsedEvent[] = []
  private items: readonly ParsedEvent[] | undefined
  /** The dedup outcome of each event, by id (a batch's items have distinct ids), once decided. */
  private readonly dedup = new Map<string, DedupOutcome>()
  private queued = false
  private handlersStartedAt: number | undefined
  private handlersEndedAt = 0
  private handlersRunning = 0
  private ended = false

  constructor(observers: Observers, provider: string, request: Pick<WebhookRequest, 'method' | 'body'>) {
    this.observers = observers
    this.provider = provider
    this.bodySize = request.body instanceof Uint8Array ? request.body.byteLength : undefined
    this.telemetry = startTelemetry(observers, {
      provider,
      method: request.method.toUpperCase(),
      bodySize: this.bodySize,
    })
  }

  /** Runs the rest of the delivery in the telemetry's context (the delivery span's). */
  run<T>(work: () => T): T {
    return this.telemetry === undefined ? work() : this.telemetry.run(work)
  }

  /** Steps 1–5 passed: the body's size and its events. */
  verified(bodySize: number, events: readonly ParsedEvent[]): void {
    this.verifyMs = performance.now() - this.startedAt
    this.bodySize = bodySize
    this.events = events
  }

  /** An event needed no reservation: no handler is registered for it, or the provider answered it itself. */
  skipped(id: string): void {
    this.dedup.set(id, 'skipped')
  }

  /**
   * What reserving an event decided (dedup.ts's `Reserved`: a reservation, `'unguarded'` or `'done'`); `queue` when
   * it is for queue mode (a new event is then stored as a job).
   */
  reserved(id: string, reserved: object | 'unguarded' | 'done', queue = false): void {
    const outcome = reserved === 'done' ? 'duplicate' : reserved === 'unguarded' ? 'unguarded' : 'new'
    this.dedup.set(id, outcome)
    this.queued ||= queue && outcome !== 'duplicate'
  }

  /** A batch's items settled: the distinct events, and what each was answered (its refusal, if any). */
  batchSettled(items: readonly ParsedEvent[], settled: readonly PromiseSettledResult<unknown>[]): void {
    this.items = items
    settled.forEach((result, index) => {
      const item = items[index] as ParsedEvent
      const refused = result.status === 'rejected' ? dedupOfRefusal(result.reason) : undefined
      if (refused !== undefined) this.dedup.set(item.id, refused)
    })
  }

  /**
   * Runs an event's handlers (`work`) under the telemetry's handler span, timing them; returns what `work` returns,
   * the same value or promise.
   */
  runHandlers<T>(event: WebhookEvent, handlers: number, work: () => MaybePromise<T>): MaybePromise<T> {
    const startedAt = performance.now()
    this.handlersStartedAt ??= startedAt
    this.handlersRunning++
    const ended = (): void => {
      this.handlersRunning--
      this.handlersEndedAt = Math.max(this.handlersEndedAt, performance.now())
    }
    return observeHandlers(
      this.observers.telemetry,
      {
        provider: this.provider,
        id: event.id,
        type: event.type,
        handlers,
        attempt: event.attempt,
        tenant: event.tenant,
        jobAttempt: undefined,
        delivery: this.telemetry,
      },
      work,
      ended,
    )
  }

  /** The delivery was refused: `response` is the problem answered for `error`. */
  refused(error: unknown, response: WebhookResponse): void {
    const code = isWebhookError(error) ? error.code : 'internal_error'
    if (this.events.length === 1) {
      const refused = dedupOfRefusal(error)
      if (refused !== undefined) this.dedup.set((this.events[0] as ParsedEvent).id, refused)
    }
    if (BEFORE_VERIFY.has(code)) this.verifyMs = undefined
    else this.verifyMs ??= performance.now() - this.startedAt
    this.answered(response, code)
  }

  /**
   * The delivery was answered with `response`; `code` is the refusal's, or undefined for a 2xx, whose code is
   * derived here. Gives both consumers the outcome, once.
   */
  answered(response: WebhookResponse, code?: OutcomeCode): void {
    if (this.ended) return
    this.ended = true
    const outcome = this.outcome(response.status, code ?? this.successCode(response.status))
    if (this.telemetry !== undefined) {
      try {
        this.telemetry.end(outcome, this.bodySize)
      } catch (error) {
        this.observers.logger.error('[webhook-receiver] telemetry failed to end a delivery', error)
      }
    }
    for (const hook of this.observers.hooks) callHook(this.observers, hook, outcome)
  }

  private successCode(status: number): OutcomeCode {
    if (status === 202) return 'pending'
    if (this.queued) return 'queued'
    const events = this.items ?? this.events
    if (events.length > 0 && events.every((event) => this.dedup.get(event.id) === 'duplicate'))
      return 'duplicate'
    return 'received'
  }

  private outcome(status: number, code: OutcomeCode): DeliveryOutcome {
    const single = this.events.length === 1 ? (this.events[0] as ParsedEvent) : undefined
    const handlersMs =
      this.handlersStartedAt === undefined || this.handlersRunning > 0
        ? undefined
        : this.handlersEndedAt - this.handlersStartedAt
    const outcome: DeliveryOutcome = {
      provider: this.provider,
      status,
      code,
      id: single?.id,
      type: single?.type,
      attempt: single?.attempt,
      // Every event of a delivery was verified with the same resolved secrets, for the same tenant.
      tenant: this.events[0]?.tenant,
      dedup: single === undefined ? undefined : this.dedup.get(single.id),
      events: this.events.length,
      durations: { verifyMs: this.verifyMs, handlersMs, totalMs: performance.now() - this.startedAt },
    }
    if (this.events.length > 1) {
      outcome.items = (this.items ?? this.events).map((event): ItemOutcome => ({
        id: event.id,
        type: event.type,
        dedup: this.dedup.get(event.id),
      }))
    }
    return outcome
  }
}

/**
 * Runs an event's handlers (`work`) under the telemetry's handler span, inline or in a queue worker; `ended` is
 * called when they end, whichever way. Returns what `work` returns, the same value or promise: a synchronous run
 * stays synchronous.
 */
export function observeHandlers<T>(
  telemetry: ReceiverTelemetry | undefined,
  start: HandlersStart,
  work: () => MaybePromise<T>,
  ended?: () => void,
): MaybePromise<T> {
  const startedAt = performance.now()
  const span = telemetry?.startHandlers(start)
  const end = (error: unknown): void => {
    ended?.()
    span?.end(error, performance.now() - startedAt)
  }
  let result: MaybePromise<T>
  try {
    result = span === undefined ? work() : span.run(work)
  } catch (error) {
    end(error)
    throw error
  }
  if (!isPromiseLike(result)) {
    end(undefined)
    return result
  }
  // Only observes: the caller still receives (and handles) the rejection of `result` itself.
  result.then(
    () => end(undefined),
    (error: unknown) => end(error ?? new Error('a handler rejected without a reason')),
  )
  return result
}

/** The delivery's telemetry; a telemetry that fails to start one only loses it (logged), never the delivery. */
function startTelemetry(observers: Observers, start: DeliveryStart): DeliveryTelemetry | undefined {
  if (observers.telemetry === undefined) return undefined
  try {
    return observers.telemetry.startDelivery(start)
  } catch (error) {
    observers.logger.error('[webhook-receiver] telemetry failed to start a delivery', error)
    return undefined
  }
}

/** What a refusal says about dedup: another copy held the event (409), or the store failed (503). */
function dedupOfRefusal(error: unknown): DedupOutcome | undefined {
  if (!isWebhookError(error)) return undefined
  if (error.code === 'duplicate_in_flight') return 'in_flight'
  if (error.code === 'store_unavailable') return 'unavailable'
  return undefined
}

/** A hook must never break the delivery: a throw or a rejection is logged, once per receiver. */
function callHook(observers: Observers, hook: OutcomeHook, outcome: DeliveryOutcome): void {
  const failed = (error: unknown): void => {
    if (observers.hookFailureLogged) return
    observers.hookFailureLogged = true
    observers.logger.error(
      '[webhook-receiver] an onOutcome hook threw; the delivery was answered as if it had not. (Said once per receiver.)',
      error,
    )
  }
  try {
    const result = hook(outcome)
    if (isPromiseLike(result)) result.then(undefined, failed)
  } catch (error) {
    failed(error)
  }
}

/** The `code` of a problem response (this library's own JSON), for refusals answered before `receiver.handle`. */
function codeOfProblem(response: WebhookResponse): OutcomeCode {
  try {
    const code = (JSON.parse(response.body) as { code?: unknown }).code
    if (typeof code === 'string') return code as OutcomeCode
  } catch {
    // Not a problem body: only this library's refusals come here.
  }
  return 'internal_error'
}
