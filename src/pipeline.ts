/**
 * The steps of a delivery, in order and each once (DESIGN.md §2), and the status policy that tells the sender
 * whether to retry (§3).
 */
import { toBytes } from './body.js'
import type { Dispatcher, Logger } from './dispatch.js'
import {
  BodyTooLargeError,
  DuplicateInFlightError,
  HandlerFailedError,
  isWebhookError,
  MethodNotAllowedError,
  NotFoundError,
  RawBodyUnavailableError,
  StoreUnavailableError,
  TimestampOutOfToleranceError,
  type WebhookError,
} from './errors.js'
import { normalizeHeaders } from './headers.js'
import { hasPathToken } from './path-token.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { ACCEPTED, DUPLICATE, RECEIVED, problemResponse } from './responses.js'
import type {
  DedupStore,
  Handler,
  ParsedEvent,
  Provider,
  ReserveOutcome,
  SignedRequest,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from './types.js'

/** Everything `createReceiver` resolved from its options; read-only for the life of the receiver. */
export interface PipelineConfig {
  provider: Provider<any, any>
  store: DedupStore
  dispatcher: Dispatcher
  logger: Logger
  toleranceSeconds: number
  now: () => number
  deadlineMs: number
  bodyLimit: number
  leaseMs: number
  dedupTtlMs: number
  namespace: string
  onStoreError: 'reject' | 'process'
  /** When set, the URL's last path segment must equal it (404 otherwise), before any other work. */
  pathToken: Uint8Array | undefined
}

const TIMED_OUT = Symbol('timed out')

/** A delivery that passed steps 1–5: its bytes, headers, signed timestamp and parsed events. */
interface VerifiedDelivery {
  signed: SignedRequest
  timestamp: number | undefined
  parsed: ParsedEvent[]
}

/**
 * Steps 1–5: method, body, signature, timestamp, parse. Throws a `WebhookError` for every refusal. Synchronous
 * when the provider verifies synchronously (node:crypto), so the common path costs no microtask.
 */
function verifyAndParse(config: PipelineConfig, request: WebhookRequest): MaybePromise<VerifiedDelivery> {
  if (config.pathToken !== undefined && !hasPathToken(request.url, config.pathToken))
    throw new NotFoundError()
  if (request.method.toUpperCase() !== 'POST') throw new MethodNotAllowedError(request.method)
  const raw: unknown = request.body
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
    throw new RawBodyUnavailableError(
      'receiver.handle() needs the body as the raw bytes (Uint8Array/Buffer) or the exact string received, not a parsed object.',
    )
  }
  const body = toBytes(raw)
  if (body.byteLength > config.bodyLimit) throw new BodyTooLargeError(config.bodyLimit)
  const signed: SignedRequest = {
    method: 'POST',
    url: request.url,
    headers: normalizeHeaders(request.headers),
    body,
  }
  // Web Crypto providers verify asynchronously; node:crypto ones synchronously (no extra tick on the hot path).
  const verified = config.provider.verify(signed)
  return isPromiseLike(verified)
    ? Promise.resolve(verified).then((timestamp) => checkAndParse(config, signed, timestamp))
    : checkAndParse(config, signed, verified)
}

function checkAndParse(
  config: PipelineConfig,
  signed: SignedRequest,
  timestamp: number | undefined,
): VerifiedDelivery {
  // Both directions: a timestamp from the future is as suspect as an old one (replay with a forged clock).
  if (timestamp !== undefined && Math.abs(config.now() / 1000 - timestamp) > config.toleranceSeconds) {
    throw new TimestampOutOfToleranceError(config.toleranceSeconds)
  }
  return { signed, timestamp, parsed: config.provider.parse(signed) }
}

/**
 * Verifies and parses a delivery without dedup or dispatch (`receiver.verify`).
 *
 * @example
 * ```ts
 * const [event] = await verifyDelivery(config, { method: 'POST', url: '/hook', headers, body })
 * ```
 */
export async function verifyDelivery(
  config: PipelineConfig,
  request: WebhookRequest,
): Promise<WebhookEvent[]> {
  const verified = verifyAndParse(config, request)
  const delivery = isPromiseLike(verified) ? await verified : verified
  return delivery.parsed.map((parsed) => toEvent(config, delivery, parsed))
}

/**
 * The whole pipeline: verify, then dedup and dispatch every event of the delivery, and answer with the status
 * that makes the sender retry exactly when it should. Never throws: every failure becomes a problem response.
 * It awaits only the steps that are really asynchronous (see `isPromiseLike`).
 *
 * @example
 * ```ts
 * const response = await handleDelivery(config, request) // { status, headers, body }
 * ```
 */
export async function handleDelivery(
  config: PipelineConfig,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  try {
    const verified = verifyAndParse(config, request)
    const delivery = isPromiseLike(verified) ? await verified : verified
    const { parsed } = delivery
    const response =
      parsed.length === 1
        ? processEvent(config, delivery, parsed[0] as ParsedEvent)
        : processBatch(config, delivery)
    return isPromiseLike(response) ? await response : response
  } catch (error) {
    return refuse(config, error)
  }
}

/** Several events in one delivery: each is deduplicated and dispatched on its own; the worst outcome answers. */
async function processBatch(config: PipelineConfig, delivery: VerifiedDelivery): Promise<WebhookResponse> {
  const settled = await Promise.allSettled(
    // async: a refusal thrown synchronously for one item becomes its rejection, and the other items still run.
    delivery.parsed.map(async (parsed) => processEvent(config, delivery, parsed)),
  )
  let worst: WebhookError | undefined
  let pending = false
  for (const result of settled) {
    if (result.status === 'fulfilled') pending ||= result.value === ACCEPTED
    else if (worst === undefined || severity(result.reason) > severity(worst)) worst = result.reason
  }
  if (worst !== undefined) throw worst
  return pending ? ACCEPTED : RECEIVED
}

/** A failed item makes the sender retry the batch; the items already handled are then skipped by dedup. */
function severity(error: WebhookError): number {
  return error.status === 503 ? 3 : error.status === 500 ? 2 : 1
}

interface Reservation {
  key: string
  token: string
}

/**
 * Steps 6–8 for one event: reserve, run the handlers up to the deadline, then complete or release. The answer is
 * the provider's own reply where its sender reads one (a Slack challenge, Twilio TwiML), else the standard JSON.
 * Throws (or rejects with) a `WebhookError` for 409, 500 and 503.
 */
function processEvent(
  config: PipelineConfig,
  delivery: VerifiedDelivery,
  parsed: ParsedEvent,
): MaybePromise<WebhookResponse> {
  // A protocol message (Slack's url_verification) is answered by the provider itself: no dedup, no handlers.
  if (parsed.reply !== undefined) return parsed.reply
  const handlers = config.dispatcher.handlersFor(parsed)
  // Nothing would run, so there is nothing to protect: skip the store round trips.
  if (handlers.length === 0) return config.provider.reply?.([]) ?? RECEIVED
  const event = toEvent(config, delivery, parsed)
  const reservation: Reservation = {
    key: `${config.namespace}:${config.provider.name}:${parsed.id}`,
    token: nextToken(),
  }
  let outcome: MaybePromise<ReserveOutcome>
  try {
    outcome = config.store.reserve(reservation.key, reservation.token, config.leaseMs)
  } catch (error) {
    return withoutStore(config, handlers, event, error)
  }
  if (!isPromiseLike(outcome)) return afterReserve(config, handlers, event, reservation, outcome)
  return Promise.resolve(outcome).then(
    (settled) => afterReserve(config, handlers, event, reservation, settled),
    (error: unknown) => withoutStore(config, handlers, event, error),
  )
}

function afterReserve(
  config: PipelineConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reservation: Reservation,
  outcome: ReserveOutcome,
): MaybePromise<WebhookResponse> {
  if (outcome === 'done') return config.provider.reply?.([]) ?? DUPLICATE
  if (outcome === 'in-flight') throw new DuplicateInFlightError(retryAfterSeconds(config))
  return runHandlers(config, handlers, event, reservation)
}

/** The store could not be reached: 503 so the sender retries (default), or run without dedup when configured. */
function withoutStore(
  config: PipelineConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  error: unknown,
): MaybePromise<WebhookResponse> {
  if (isWebhookError(error)) throw error
  if (config.onStoreError === 'reject') throw new StoreUnavailableError(error, retryAfterSeconds(config))
  config.logger.warn(
    '[webhook-receiver] dedup store failed; processing without dedup (onStoreError: "process")',
    error,
  )
  return runHandlers(config, handlers, event, undefined)
}

/**
 * Runs the handlers, records the outcome in the store, and answers. When everything settled synchronously the
 * answer is immediate; otherwise it waits up to the deadline (202 after it, the handlers go on).
 */
function runHandlers(
  config: PipelineConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reservation: Reservation | undefined,
): MaybePromise<WebhookResponse> {
  // Settles after the store has recorded the outcome, so a retry right after our answer sees the right state.
  let settled: MaybePromise<unknown[] | HandlerFailedError>
  try {
    const results = config.dispatcher.run(handlers, event)
    settled = isPromiseLike(results)
      ? Promise.resolve(results).then(
          (values) => succeeded(config, reservation, values),
          (error: unknown) => failed(config, event, reservation, error),
        )
      : succeeded(config, reservation, results)
  } catch (error) {
    settled = failed(config, event, reservation, error)
  }
  return isPromiseLike(settled) ? untilDeadline(config, settled) : answer(config, settled)
}

function succeeded(
  config: PipelineConfig,
  reservation: Reservation | undefined,
  results: unknown[],
): MaybePromise<unknown[]> {
  if (reservation === undefined) return results
  let written: MaybePromise<void>
  try {
    written = config.store.complete(reservation.key, reservation.token, config.dedupTtlMs)
  } catch (error) {
    storeWriteFailed(config, error)
    return results
  }
  if (!isPromiseLike(written)) return results
  return Promise.resolve(written).then(
    () => results,
    (error: unknown) => {
      storeWriteFailed(config, error)
      return results
    },
  )
}

function failed(
  config: PipelineConfig,
  event: WebhookEvent,
  reservation: Reservation | undefined,
  error: unknown,
): MaybePromise<HandlerFailedError> {
  const report = (): HandlerFailedError => {
    config.dispatcher.reportError(error, event)
    return new HandlerFailedError(error)
  }
  if (reservation === undefined) return report()
  let released: MaybePromise<void>
  try {
    released = config.store.release(reservation.key, reservation.token)
  } catch (thrown) {
    storeWriteFailed(config, thrown)
    return report()
  }
  if (!isPromiseLike(released)) return report()
  return Promise.resolve(released).then(report, (thrown: unknown) => {
    storeWriteFailed(config, thrown)
    return report()
  })
}

async function untilDeadline(
  config: PipelineConfig,
  settled: PromiseLike<unknown[] | HandlerFailedError>,
): Promise<WebhookResponse> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, config.deadlineMs, TIMED_OUT)
    // The deadline only decides the answer; it must not keep a closing process alive.
    timer.unref?.()
  })
  const result = await Promise.race([settled, deadline])
  clearTimeout(timer)
  if (result === TIMED_OUT) return ACCEPTED // the handlers go on; their failure reaches onError
  return answer(config, result)
}

function answer(config: PipelineConfig, result: unknown[] | HandlerFailedError): WebhookResponse {
  if (result instanceof HandlerFailedError) throw result
  return config.provider.reply?.(result) ?? RECEIVED
}

/** A store failure after the handlers ran must not change the answer: the work is done. Logged, not thrown. */
function storeWriteFailed(config: PipelineConfig, error: unknown): void {
  config.logger.warn('[webhook-receiver] dedup store write failed after the handlers ran', error)
}

/**
 * Reservation tokens only need to be unique among the processes sharing a store (they mark ownership; they are
 * not secrets): a random per-process prefix and a counter, instead of a `randomUUID()` per delivery.
 */
const TOKEN_PREFIX = `${globalThis.crypto.randomUUID()}:`
let tokenCounter = 0
function nextToken(): string {
  return TOKEN_PREFIX + (++tokenCounter).toString(36)
}

function retryAfterSeconds(config: PipelineConfig): number {
  return Math.max(1, Math.ceil(config.deadlineMs / 1000))
}

const loggedOnce = new WeakMap<Logger, Set<string>>()

/**
 * Answers a refusal as a problem response. Misconfigurations (raw body consumed) and internal faults are logged once per code, so the developer sees the
 * fix without a log line per retry. Handler failures were already reported through onError.
 */
export function refuse(config: PipelineConfig, error: unknown): WebhookResponse {
  const response = problemResponse(error)
  if (response.status === 500 && !(error instanceof HandlerFailedError)) {
    let seen = loggedOnce.get(config.logger)
    if (seen === undefined) loggedOnce.set(config.logger, (seen = new Set()))
    const code = isWebhookError(error) ? error.code : 'internal_error'
    if (!seen.has(code)) {
      seen.add(code)
      config.logger.error(
        `[webhook-receiver] ${code}: ${isWebhookError(error) ? error.message : 'unexpected failure'}`,
        error,
      )
    }
  }
  return response
}

function toEvent(config: PipelineConfig, delivery: VerifiedDelivery, parsed: ParsedEvent): WebhookEvent {
  const event: WebhookEvent = {
    id: parsed.id,
    type: parsed.type,
    payload: parsed.payload,
    provider: config.provider.name,
    headers: delivery.signed.headers,
    rawBody: delivery.signed.body,
  }
  if (delivery.timestamp !== undefined) event.timestamp = delivery.timestamp
  if (parsed.attempt !== undefined) event.attempt = parsed.attempt
  return event
}
