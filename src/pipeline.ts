/**
 * The steps of a delivery, in order and each once (docs/architecture.md, "Steps of a delivery"), and the status
 * policy that tells the sender whether to retry ("Status policy"). Steps 7 and 8 live in dedup.ts and
 * run-handlers.ts. Every step is awaited only when it is really asynchronous, so a delivery through node:crypto,
 * the memory store and synchronous handlers costs no tick.
 */
import { toBytes } from './body.js'
import { recordReplay, reserveEvent, type Reserved } from './dedup.js'
import type { Logger } from './dispatch.js'
import { enqueueEvent } from './enqueue.js'
import {
  BodyTooLargeError,
  HandlerFailedError,
  isWebhookError,
  MethodNotAllowedError,
  NotFoundError,
  RawBodyUnavailableError,
  TimestampOutOfToleranceError,
  type WebhookError,
} from './errors.js'
import { normalizeHeaders } from './headers.js'
import type { ReceiverConfig } from './options.js'
import { hasPathToken } from './path-token.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { ACCEPTED, DUPLICATE, problemResponse, QUEUED, RECEIVED } from './responses.js'
import { runHandlers } from './run-handlers.js'
import type { HandleOptions, Handler, WebhookEvent, WebhookRequest, WebhookResponse } from './types/events.js'
import type { ParsedEvent, SignedRequest } from './types/provider.js'

/** A delivery that passed steps 1–5: its bytes, headers, signed timestamp and parsed events. */
interface VerifiedDelivery {
  signed: SignedRequest
  timestamp: number | undefined
  parsed: ParsedEvent[]
}

/** Steps 1–5: method, body, signature, timestamp, parse. Throws (or rejects with) a `WebhookError` for each refusal. */
function verifyAndParse(config: ReceiverConfig, request: WebhookRequest): MaybePromise<VerifiedDelivery> {
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
  // Web Crypto providers verify asynchronously, node:crypto ones synchronously. Any thenable is awaited, not only an
  // `instanceof Promise`: a Promise from another realm (edge sandboxes) must never pass unawaited as a timestamp.
  // The callbacks are only made on the asynchronous path: the synchronous one allocates no closure.
  const verified = config.provider.verify(signed)
  return isPromiseLike(verified)
    ? Promise.resolve(verified).then((timestamp) => checkAndParse(config, signed, timestamp))
    : checkAndParse(config, signed, verified)
}

function checkAndParse(
  config: ReceiverConfig,
  signed: SignedRequest,
  timestamp: number | undefined,
): MaybePromise<VerifiedDelivery> {
  // Both directions: a timestamp from the future is as suspect as an old one (replay with a forged clock).
  if (timestamp !== undefined && Math.abs(config.now() / 1000 - timestamp) > config.toleranceSeconds) {
    throw new TimestampOutOfToleranceError(config.toleranceSeconds)
  }
  const parsed = config.provider.parse(signed)
  return isPromiseLike(parsed)
    ? Promise.resolve(parsed).then((events) => ({ signed, timestamp, parsed: events }))
    : { signed, timestamp, parsed }
}

/** Verifies and parses a delivery without dedup or dispatch (`receiver.verify`). */
export async function verifyDelivery(
  config: ReceiverConfig,
  request: WebhookRequest,
): Promise<WebhookEvent[]> {
  const delivery = await verifyAndParse(config, request)
  return delivery.parsed.map((parsed) => toEvent(config, delivery, parsed))
}

/**
 * The whole pipeline: verify, then dedup and dispatch every event of the delivery, and answer with the status
 * that makes the sender retry exactly when it should. Never throws: every failure becomes a problem response.
 */
export async function handleDelivery(
  config: ReceiverConfig,
  request: WebhookRequest,
  options?: HandleOptions,
): Promise<WebhookResponse> {
  try {
    const verified = verifyAndParse(config, request)
    const delivery = isPromiseLike(verified) ? await verified : verified
    const { parsed } = delivery
    const response =
      parsed.length === 1
        ? processEvent(config, delivery, parsed[0] as ParsedEvent, options)
        : processBatch(config, delivery, options)
    return isPromiseLike(response) ? await response : response
  } catch (error) {
    return refuse(config, error)
  }
}

/** Several events in one delivery: each is deduplicated and dispatched on its own; the worst outcome answers. */
async function processBatch(
  config: ReceiverConfig,
  delivery: VerifiedDelivery,
  options: HandleOptions | undefined,
): Promise<WebhookResponse> {
  // The same item twice in one delivery is one event: its copy would only find the first one's reservation in
  // flight (409) and make the sender resend the whole batch.
  const ids = new Set<string>()
  const items = delivery.parsed.filter((parsed) => !ids.has(parsed.id) && ids.add(parsed.id))
  const settled = await Promise.allSettled(
    // async: a refusal thrown synchronously for one item becomes its rejection, and the other items still run.
    items.map(async (parsed) => processEvent(config, delivery, parsed, options)),
  )
  let worst: WebhookError | undefined
  let pending = false
  let duplicates = 0
  for (const result of settled) {
    if (result.status === 'fulfilled') {
      pending ||= result.value.status === 202
      if (result.value === DUPLICATE) duplicates++
    } else if (worst === undefined || severity(result.reason) > severity(worst)) worst = result.reason
  }
  if (worst !== undefined) throw worst
  if (pending) return config.provider.reply?.([]) ?? ACCEPTED
  if (duplicates === settled.length) return DUPLICATE
  return config.queueMode === undefined ? RECEIVED : QUEUED
}

/** A failed item makes the sender retry the batch; the items already handled are then skipped by dedup. */
function severity(error: WebhookError): number {
  return error.status === 503 ? 3 : error.status === 500 ? 2 : 1
}

/**
 * Steps 6–8 for one event: reserve it, run its handlers, answer. The answer is the provider's own reply where its
 * sender reads one (a Slack challenge, Twilio TwiML), else the standard JSON. Throws (or rejects with) a
 * `WebhookError` for 409, 500 and 503.
 */
function processEvent(
  config: ReceiverConfig,
  delivery: VerifiedDelivery,
  parsed: ParsedEvent,
  options: HandleOptions | undefined,
): MaybePromise<WebhookResponse> {
  // A protocol message (Slack's url_verification) is answered by the provider itself: no dedup, no handlers.
  if (parsed.reply !== undefined) return parsed.reply
  // Every event is queued, handlers or not: the web process need not register them, the worker does.
  if (config.queueMode !== undefined)
    return enqueueEvent(config, config.queueMode, toEvent(config, delivery, parsed), parsed)
  const handlers = config.dispatcher.handlersFor(parsed)
  if (handlers.length === 0) return withoutHandlers(config, parsed)
  const event = toEvent(config, delivery, parsed)
  const reserved = reserveEvent(config, parsed)
  return isPromiseLike(reserved)
    ? Promise.resolve(reserved).then((settled) => afterReserve(config, handlers, event, settled, options))
    : afterReserve(config, handlers, event, reserved, options)
}

/**
 * An event no handler is registered for: nothing runs, so where the sender signs the type no store round trip is
 * made. Where the type came from an unsigned header (the event has a replay id), the delivery is still remembered:
 * else a captured copy sent again under a type that has handlers would run them.
 */
function withoutHandlers(config: ReceiverConfig, parsed: ParsedEvent): MaybePromise<WebhookResponse> {
  const answer = config.provider.reply?.([]) ?? RECEIVED
  if (parsed.replayId === undefined) return answer
  const recorded = recordReplay(config, parsed.replayId)
  return isPromiseLike(recorded) ? Promise.resolve(recorded).then(() => answer) : answer
}

function afterReserve(
  config: ReceiverConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reserved: Reserved,
  options: HandleOptions | undefined,
): MaybePromise<WebhookResponse> {
  if (reserved === 'done') return config.provider.reply?.([]) ?? DUPLICATE
  return runHandlers(config, handlers, event, reserved === 'unguarded' ? undefined : reserved, options)
}

const loggedOnce = new WeakMap<Logger, Set<string>>()

/**
 * Answers a refusal as a problem response. Internal faults are logged every time; a body parser that consumed the
 * raw body is logged once per logger, so the developer sees the fix without a log line per retry. Handler failures
 * were already reported through onError.
 */
export function refuse(config: ReceiverConfig, error: unknown): WebhookResponse {
  const response = problemResponse(error)
  if (response.status !== 500 || error instanceof HandlerFailedError) return response
  const code = isWebhookError(error) ? error.code : 'internal_error'
  if (code === 'raw_body_unavailable') {
    let seen = loggedOnce.get(config.logger)
    if (seen === undefined) loggedOnce.set(config.logger, (seen = new Set()))
    if (seen.has(code)) return response
    seen.add(code)
  }
  config.logger.error(
    `[webhook-receiver] ${code}: ${isWebhookError(error) ? error.message : 'unexpected failure'}`,
    error,
  )
  return response
}

function toEvent(config: ReceiverConfig, delivery: VerifiedDelivery, parsed: ParsedEvent): WebhookEvent {
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
