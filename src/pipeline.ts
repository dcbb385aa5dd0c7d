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
import { ACCEPTED, DUPLICATE, RECEIVED, problemResponse } from './responses.js'
import type {
  DedupStore,
  Handler,
  HandleOptions,
  ParsedEvent,
  Provider,
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

/** Steps 1–5: method, body, signature, timestamp, parse. Throws a `WebhookError` for every refusal. */
async function verifyAndParse(config: PipelineConfig, request: WebhookRequest): Promise<VerifiedDelivery> {
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
  // Anything but a number or undefined is awaited, not only an `instanceof Promise`: a Promise from another realm
  // (edge sandboxes run code in a separate context) must never pass unawaited as a timestamp.
  const verified = config.provider.verify(signed)
  const timestamp = typeof verified === 'number' || verified === undefined ? verified : await verified
  // Both directions: a timestamp from the future is as suspect as an old one (replay with a forged clock).
  if (timestamp !== undefined && Math.abs(config.now() / 1000 - timestamp) > config.toleranceSeconds) {
    throw new TimestampOutOfToleranceError(config.toleranceSeconds)
  }
  const parsed = config.provider.parse(signed)
  return { signed, timestamp, parsed: Array.isArray(parsed) ? parsed : await parsed }
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
  const delivery = await verifyAndParse(config, request)
  return delivery.parsed.map((parsed) => toEvent(config, delivery, parsed))
}

/**
 * The whole pipeline: verify, then dedup and dispatch every event of the delivery, and answer with the status
 * that makes the sender retry exactly when it should. Never throws: every failure becomes a problem response.
 *
 * @example
 * ```ts
 * const response = await handleDelivery(config, request) // { status, headers, body }
 * ```
 */
export async function handleDelivery(
  config: PipelineConfig,
  request: WebhookRequest,
  options?: HandleOptions,
): Promise<WebhookResponse> {
  try {
    const delivery = await verifyAndParse(config, request)
    const { parsed } = delivery
    if (parsed.length === 1) return await processEvent(config, delivery, parsed[0] as ParsedEvent, options)
    return await processBatch(config, delivery, options)
  } catch (error) {
    return refuse(config, error)
  }
}

/** Several events in one delivery: each is deduplicated and dispatched on its own; the worst outcome answers. */
async function processBatch(
  config: PipelineConfig,
  delivery: VerifiedDelivery,
  options: HandleOptions | undefined,
): Promise<WebhookResponse> {
  const settled = await Promise.allSettled(
    delivery.parsed.map((parsed) => processEvent(config, delivery, parsed, options)),
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

/**
 * Steps 6–8 for one event: reserve, run the handlers up to the deadline, then complete or release. The answer is
 * the provider's own reply where its sender reads one (a Slack challenge, Twilio TwiML), else the standard JSON.
 */
async function processEvent(
  config: PipelineConfig,
  delivery: VerifiedDelivery,
  parsed: ParsedEvent,
  options: HandleOptions | undefined,
): Promise<WebhookResponse> {
  // A protocol message (Slack's url_verification) is answered by the provider itself: no dedup, no handlers.
  if (parsed.reply !== undefined) return parsed.reply
  const { provider } = config
  const handlers = config.dispatcher.handlersFor(parsed)
  // Nothing would run, so there is nothing to protect: skip the store round trips.
  if (handlers.length === 0) return provider.reply?.([]) ?? RECEIVED
  const event = toEvent(config, delivery, parsed)

  const key = `${config.namespace}:${config.provider.name}:${parsed.id}`
  const token = globalThis.crypto.randomUUID()
  let reservation: Reservation | undefined = { key, token }
  try {
    const outcome = await config.store.reserve(key, token, config.leaseMs)
    if (outcome === 'done') return provider.reply?.([]) ?? DUPLICATE
    if (outcome === 'in-flight') throw new DuplicateInFlightError(retryAfterSeconds(config))
  } catch (error) {
    if (isWebhookError(error)) throw error
    if (config.onStoreError === 'reject') throw new StoreUnavailableError(error, retryAfterSeconds(config))
    config.logger.warn(
      '[webhook-receiver] dedup store failed; processing without dedup (onStoreError: "process")',
      error,
    )
    reservation = undefined
  }
  const { settled, outcome } = await runUntilDeadline(config, handlers, event, reservation)
  if (outcome !== TIMED_OUT) return provider.reply?.(outcome) ?? RECEIVED
  // The handlers go on after the 202 (their failure reaches onError): hand them to the platform, if it asked.
  keepAlive(config, options, settled)
  return ACCEPTED
}

interface Reservation {
  key: string
  token: string
}

async function runUntilDeadline(
  config: PipelineConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reservation: Reservation | undefined,
): Promise<{ settled: Promise<unknown>; outcome: unknown[] | typeof TIMED_OUT }> {
  // Settles after the store has recorded the outcome, so a retry right after our answer sees the right state.
  const settled = config.dispatcher.run(handlers, event).then(
    async (results) => {
      if (reservation !== undefined)
        await storeQuietly(config, () =>
          config.store.complete(reservation.key, reservation.token, config.dedupTtlMs),
        )
      return results
    },
    async (error: unknown) => {
      if (reservation !== undefined)
        await storeQuietly(config, () => config.store.release(reservation.key, reservation.token))
      config.dispatcher.reportError(error, event)
      return new HandlerFailedError(error)
    },
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, config.deadlineMs, TIMED_OUT)
    // The deadline only decides the answer; it must not keep a closing process alive.
    timer.unref?.()
  })
  const result = await Promise.race([settled, deadline])
  clearTimeout(timer)
  if (result instanceof HandlerFailedError) throw result
  return { settled, outcome: result }
}

/**
 * Passes work that outlives the response to the platform's `waitUntil` (Vercel, Cloudflare, Next.js `after()`).
 * A `waitUntil` that throws (e.g. `after()` outside a request scope) must not turn the 202 into a failure: the work
 * still runs in this process, so the failure is only logged.
 */
function keepAlive(config: PipelineConfig, options: HandleOptions | undefined, work: Promise<unknown>): void {
  if (options?.waitUntil === undefined) return
  try {
    options.waitUntil(work)
  } catch (error) {
    config.logger.warn('[webhook-receiver] waitUntil() threw; the handlers go on in this process', error)
  }
}

/** A store failure after the handlers ran must not change the answer: the work is done. Logged, not thrown. */
async function storeQuietly(config: PipelineConfig, write: () => Promise<void> | void): Promise<void> {
  try {
    await write()
  } catch (error) {
    config.logger.warn('[webhook-receiver] dedup store write failed after the handlers ran', error)
  }
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
