/**
 * The steps of a delivery, in order and each once (docs/architecture.md, "Steps of a delivery"), and the status
 * policy that tells the sender whether to retry ("Status policy"). Steps 7 and 8 live in dedup.ts and
 * run-handlers.ts. Every step is awaited only when it is really asynchronous, so a delivery through node:crypto,
 * the memory store and synchronous handlers costs no tick.
 */
import { toBytes } from './body.js'
import { recordReplay, releaseEvent, reserveEvent, retryAfterSeconds, type Reserved } from './dedup.js'
import type { Logger } from './dispatch.js'
import { enqueueEvent } from './enqueue.js'
import {
  BodyTooLargeError,
  HandlerFailedError,
  isWebhookError,
  MethodNotAllowedError,
  NotFoundError,
  RawBodyUnavailableError,
  ShuttingDownError,
  SignatureMissingError,
  TimestampOutOfToleranceError,
  type WebhookError,
} from './errors.js'
import { normalizeHeaders } from './headers.js'
import { observeDelivery, type DeliveryObservation } from './observation.js'
import type { ReceiverConfig } from './options.js'
import { hasPathToken } from './path-token.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { ACCEPTED, DUPLICATE, problemResponse, QUEUED, RECEIVED } from './responses.js'
import { runHandlers } from './run-handlers.js'
import type {
  HandleOptions,
  Handler,
  HeaderInput,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from './types/events.js'
import type { ParsedEvent, SignedRequest } from './types/provider.js'

/** A delivery that passed steps 1–5: its bytes, headers, signed timestamp and parsed events. */
interface VerifiedDelivery {
  signed: SignedRequest
  timestamp: number | undefined
  parsed: ParsedEvent[]
}

/**
 * Step 1, what the request line alone decides: the path token (404), then the method (405). Undefined when the
 * request may go on.
 */
function requestLineRefusal(config: ReceiverConfig, method: string, url: string): WebhookError | undefined {
  if (config.pathToken !== undefined && !hasPathToken(url, config.pathToken)) return new NotFoundError()
  if (!config.methods.includes(method)) return new MethodNotAllowedError(method, config.methods)
  return undefined
}

/**
 * Every refusal that needs no body, for adapters to answer before they read a byte of it: step 1, then a POST
 * carrying none of the provider's signature headers (401 `signature_missing`, as the provider itself would answer
 * it). Undefined when the body is worth reading. Headers as a Web `Headers` or Node's lower-cased record.
 */
export function refusalBeforeBody(
  config: ReceiverConfig,
  method: string,
  url: string,
  headers: HeaderInput,
): WebhookResponse | undefined {
  const upper = method.toUpperCase()
  const refusal = requestLineRefusal(config, upper, url)
  if (refusal !== undefined) return refuse(config, refusal, url)
  const { signatureHeaders } = config
  if (upper !== 'POST' || signatureHeaders === undefined || carriesAny(headers, signatureHeaders))
    return undefined
  return refuse(config, new SignatureMissingError(config.provider.signatureHeaders?.[0] as string), url)
}

function carriesAny(headers: HeaderInput, names: readonly string[]): boolean {
  const web = typeof (headers as Headers).get === 'function'
  for (const name of names) {
    const value = web
      ? (headers as Headers).get(name)
      : (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name]
    if (typeof value === 'string' ? value !== '' : value != null && value.length > 0) return true
  }
  return false
}

/** Steps 1–5: method, body, signature, timestamp, parse. Throws (or rejects with) a `WebhookError` for each refusal. */
function verifyAndParse(config: ReceiverConfig, request: WebhookRequest): MaybePromise<VerifiedDelivery> {
  const method = request.method.toUpperCase()
  const refusal = requestLineRefusal(config, method, request.url)
  if (refusal !== undefined) throw refusal
  const raw: unknown = request.body
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
    throw new RawBodyUnavailableError(
      'receiver.handle() needs the body as the raw bytes (Uint8Array/Buffer) or the exact string received, not a parsed object.',
    )
  }
  const body = toBytes(raw)
  if (body.byteLength > config.bodyLimit) throw new BodyTooLargeError(config.bodyLimit)
  const signed: SignedRequest = {
    method,
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
 * Observed (`onOutcome`, telemetry) only when the receiver has an observer.
 */
export function handleDelivery(
  config: ReceiverConfig,
  request: WebhookRequest,
  options?: HandleOptions,
): Promise<WebhookResponse> {
  let observation: DeliveryObservation | undefined
  try {
    observation = observeDelivery(config.observers, config.provider.name, request)
    if (observation !== undefined)
      return observation.run(() => answerDelivery(config, request, options, observation))
  } catch (error) {
    // A request the observation cannot read (no method) is answered as it is without one: a 500, never a throw.
    return Promise.resolve(refuse(config, error, request.url))
  }
  return answerDelivery(config, request, options, undefined)
}

async function answerDelivery(
  config: ReceiverConfig,
  request: WebhookRequest,
  options: HandleOptions | undefined,
  observation: DeliveryObservation | undefined,
): Promise<WebhookResponse> {
  try {
    const verified = verifyAndParse(config, request)
    const delivery = isPromiseLike(verified) ? await verified : verified
    const { parsed } = delivery
    observation?.verified(delivery.signed.body.byteLength, parsed)
    const response =
      parsed.length === 1
        ? processEvent(config, delivery, parsed[0] as ParsedEvent, options, observation)
        : processBatch(config, delivery, options, observation)
    const answer = isPromiseLike(response) ? await response : response
    observation?.answered(answer)
    return answer
  } catch (error) {
    const answer = refuse(config, error, request.url)
    observation?.refused(error, answer)
    return answer
  }
}

/** Several events in one delivery: each is deduplicated and dispatched on its own; the worst outcome answers. */
async function processBatch(
  config: ReceiverConfig,
  delivery: VerifiedDelivery,
  options: HandleOptions | undefined,
  observation: DeliveryObservation | undefined,
): Promise<WebhookResponse> {
  // The same item twice in one delivery is one event: its copy would only find the first one's reservation in
  // flight (409) and make the sender resend the whole batch.
  const ids = new Set<string>()
  const items = delivery.parsed.filter((parsed) => !ids.has(parsed.id) && ids.add(parsed.id))
  const settled = await Promise.allSettled(
    // async: a refusal thrown synchronously for one item becomes its rejection, and the other items still run.
    items.map(async (parsed) => processEvent(config, delivery, parsed, options, observation)),
  )
  observation?.batchSettled(items, settled)
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
  // A sender that reads the answer (Adyen's [accepted]) gets the provider's empty reply for a whole batch too.
  const reply = config.provider.reply?.([])
  if (reply !== undefined) return reply
  if (pending) return ACCEPTED
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
  observation: DeliveryObservation | undefined,
): MaybePromise<WebhookResponse> {
  // A protocol message (Slack's url_verification) is answered by the provider itself: no dedup, no handlers.
  if (parsed.reply !== undefined) {
    observation?.skipped(parsed.id)
    return parsed.reply
  }
  // Every event is queued, handlers or not: the web process need not register them, the worker does.
  if (config.queueMode !== undefined)
    return enqueueEvent(config, config.queueMode, toEvent(config, delivery, parsed), parsed, observation)
  const handlers = config.dispatcher.handlersFor(parsed)
  if (handlers.length === 0) {
    observation?.skipped(parsed.id)
    return withoutHandlers(config, parsed)
  }
  if (config.state.closing) throw new ShuttingDownError(retryAfterSeconds(config))
  const event = toEvent(config, delivery, parsed)
  const reserved = reserveEvent(config, parsed)
  return isPromiseLike(reserved)
    ? Promise.resolve(reserved).then((settled) =>
        afterReserve(config, handlers, event, settled, options, observation),
      )
    : afterReserve(config, handlers, event, reserved, options, observation)
}

/**
 * An event no handler is registered for: nothing runs, so where the sender signs the type no store round trip is
 * made. Where the type came from an unsigned header (the event has a replay id), the delivery is still remembered:
 * else a captured copy sent again under a type that has handlers would run them.
 */
function withoutHandlers(config: ReceiverConfig, parsed: ParsedEvent): MaybePromise<WebhookResponse> {
  const answer = config.provider.reply?.([]) ?? RECEIVED
  if (parsed.replayId === undefined) return answer
  const recorded = recordReplay(config, parsed)
  return isPromiseLike(recorded) ? Promise.resolve(recorded).then(() => answer) : answer
}

function afterReserve(
  config: ReceiverConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reserved: Reserved,
  options: HandleOptions | undefined,
  observation: DeliveryObservation | undefined,
): MaybePromise<WebhookResponse> {
  observation?.reserved(event.id, reserved)
  if (reserved === 'done') return config.provider.reply?.([]) ?? DUPLICATE
  // close() was called while the store answered: no handler may start once it has.
  if (config.state.closing) {
    if (reserved !== 'unguarded') void releaseEvent(config, reserved)
    throw new ShuttingDownError(retryAfterSeconds(config))
  }
  return runHandlers(
    config,
    handlers,
    event,
    reserved === 'unguarded' ? undefined : reserved,
    options,
    observation,
  )
}

/**
 * Answers a refusal as a problem response. Internal faults are logged every time; a body parser that consumed the
 * raw body is logged once per route and provider (see `logMisconfiguration`). Handler failures were already
 * reported through onError. `url` is the request's, when there is one.
 */
export function refuse(config: ReceiverConfig, error: unknown, url?: string): WebhookResponse {
  const response = problemResponse(error)
  if (response.status !== 500 || error instanceof HandlerFailedError) return response
  if (!isWebhookError(error)) {
    config.logger.error('[webhook-receiver] internal_error: unexpected failure', error)
  } else if (error.code === 'raw_body_unavailable') {
    logMisconfiguration(config, error, url)
  } else {
    config.logger.error(`[webhook-receiver] ${error.code}: ${error.message}`, error)
  }
  return response
}

/** What was logged per logger: `<provider> <route>` of each misconfiguration. */
const misconfigurations = new WeakMap<Logger, Set<string>>()
/** A bound on what is remembered, as the route comes from the request: a wildcard mount has any number. */
const MAX_MISCONFIGURATIONS = 100

/**
 * A body parser that consumed the raw body is the app's mount order, the same on every retry: logged once per route
 * and provider, naming both, so each misconfigured route shows up (and a second adapter mounted wrong too), without
 * a line per retry. The message alone, once: it holds the fix, and the error's stack would only point here.
 */
function logMisconfiguration(config: ReceiverConfig, error: WebhookError, url: string | undefined): void {
  const route = url === undefined ? '(no URL)' : routeOf(config, url)
  const where = `${config.provider.name} ${route}`
  let seen = misconfigurations.get(config.logger)
  if (seen === undefined) misconfigurations.set(config.logger, (seen = new Set()))
  if (seen.has(where) || seen.size >= MAX_MISCONFIGURATIONS) return
  seen.add(where)
  config.logger.error(
    `[webhook-receiver] raw_body_unavailable on ${route} (provider ${config.provider.name}): ${error.message}`,
  )
}

/**
 * The path of `url`, for a log line: without origin or query (which may carry anything), with the path token (a
 * secret) replaced by `:pathToken`, control characters replaced, and cut short past 200 characters.
 */
function routeOf(config: ReceiverConfig, url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/s, '') || '/'
  const route = config.pathToken === undefined ? path : path.replace(/[^/]+(\/?)$/, ':pathToken$1')
  const printable = route.replace(/[\u0000-\u001f\u007f]/g, '?')
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable
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
  if (parsed.tenant !== undefined) event.tenant = parsed.tenant
  return event
}
