/**
 * Step 8 of a delivery (docs/architecture.md, "Steps of a delivery" and "Status policy"): the handlers run, the
 * store records the outcome, and the answer waits for both up to the deadline. Past it the sender is answered (202,
 * the provider's empty reply, or 503 with `onDeadline: 'retry'`) and the handlers go on, their lease renewed while
 * they run and their failures reaching `onError`. Handlers that answer asynchronously are tracked until they settle,
 * so `close()` can wait for them.
 */
import { completeEvent, extendEvent, releaseEvent, retryAfterSeconds, type Reservation } from './dedup.js'
import { HandlerFailedError, HandlerPendingError } from './errors.js'
import type { DeliveryObservation } from './observation.js'
import type { ReceiverConfig } from './options.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { replyFor } from './reply.js'
import { ACCEPTED, RECEIVED } from './responses.js'
import type { HandleOptions, Handler, WebhookEvent, WebhookResponse } from './types/events.js'

const TIMED_OUT = Symbol('timed out')

/**
 * Runs `handlers` for `event` and answers: 200, or the provider's reply where its sender reads the answer (the
 * first reply a handler returned, else its empty one); 500 when one failed (the reservation released first, so the
 * retry runs); 202 at the deadline. Synchronous when the handlers and the store are.
 */
export function runHandlers(
  config: ReceiverConfig,
  handlers: readonly Handler<any>[],
  event: WebhookEvent,
  reservation: Reservation | undefined,
  options: HandleOptions | undefined,
  observation?: DeliveryObservation,
): MaybePromise<WebhookResponse> {
  // Settles after the store has recorded the outcome, so a retry right after our answer sees the right state.
  let settled: MaybePromise<unknown[] | HandlerFailedError>
  try {
    const results =
      observation === undefined
        ? config.dispatcher.run(handlers, event)
        : observation.runHandlers(event, handlers.length, () => config.dispatcher.run(handlers, event))
    settled = isPromiseLike(results)
      ? Promise.resolve(results).then(
          (values) => succeeded(config, reservation, values),
          (error: unknown) => failed(config, event, reservation, error),
        )
      : succeeded(config, reservation, results)
  } catch (error) {
    settled = failed(config, event, reservation, error)
  }
  if (!isPromiseLike(settled)) return answer(config, settled)
  return untilDeadline(config, event, reservation, track(config, event.id, settled), options)
}

/**
 * Stops new deliveries (503 `shutting_down` from now on) and resolves once the handlers running now have settled,
 * or after `timeoutMs`, logging the events whose handlers are still running then.
 */
export async function closeReceiver(config: ReceiverConfig, timeoutMs: number | undefined): Promise<void> {
  config.state.closing = true
  const { running } = config.state
  if (running.size === 0) return
  const settled = Promise.all([...running.keys()].map((work) => Promise.resolve(work).then(noop, noop)))
  if (timeoutMs === undefined) {
    await settled
    return
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  // Not unref'd: the caller asked to wait this long, and a handler may be waiting on nothing that keeps it alive.
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT)
  })
  const result = await Promise.race([settled, timedOut])
  clearTimeout(timer)
  if (result === TIMED_OUT && running.size > 0) {
    config.logger.warn(
      `[webhook-receiver] close(): ${running.size} handler(s) still running after ${timeoutMs} ms, for event(s) ${[...running.values()].join(', ')}`,
    )
  }
}

const noop = (): void => undefined

/**
 * Keeps asynchronous handlers in the receiver's running set until they settle, for `close()`. Synchronous ones are
 * never in it: they have finished before anyone could wait for them, and the fast path allocates nothing for them.
 */
function track<T>(config: ReceiverConfig, id: string, work: PromiseLike<T>): PromiseLike<T> {
  const { running } = config.state
  running.set(work, id)
  const untrack = () => void running.delete(work)
  work.then(untrack, untrack)
  return work
}

function succeeded(
  config: ReceiverConfig,
  reservation: Reservation | undefined,
  results: unknown[],
): MaybePromise<unknown[]> {
  if (reservation === undefined) return results
  const written = completeEvent(config, reservation)
  return isPromiseLike(written) ? Promise.resolve(written).then(() => results) : results
}

function failed(
  config: ReceiverConfig,
  event: WebhookEvent,
  reservation: Reservation | undefined,
  error: unknown,
): MaybePromise<HandlerFailedError> {
  const report = (): HandlerFailedError => {
    config.dispatcher.reportError(error, event)
    return new HandlerFailedError(error)
  }
  if (reservation === undefined) return report()
  const released = releaseEvent(config, reservation)
  return isPromiseLike(released) ? Promise.resolve(released).then(report) : report()
}

async function untilDeadline(
  config: ReceiverConfig,
  event: WebhookEvent,
  reservation: Reservation | undefined,
  settled: PromiseLike<unknown[] | HandlerFailedError>,
  options: HandleOptions | undefined,
): Promise<WebhookResponse> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, config.deadlineMs, TIMED_OUT)
    // The deadline only decides the answer; it must not keep a closing process alive.
    timer.unref?.()
  })
  const result = await Promise.race([settled, deadline])
  clearTimeout(timer)
  if (result !== TIMED_OUT) return answer(config, result)
  if (reservation !== undefined) holdLease(config, event, reservation, settled)
  keepAlive(config, options, Promise.resolve(settled))
  // 'retry' needs the lease to answer the sender's retry 409 until the handlers are done; without dedup
  // (onStoreError: 'process') a retry would only run them a second time, so that case is accepted.
  if (config.onDeadline === 'retry' && reservation !== undefined)
    throw new HandlerPendingError(retryAfterSeconds(config))
  // A sender that reads the answer (Slack, Twilio) gets its empty reply, not a JSON body it would show or refuse.
  return config.provider.reply?.([]) ?? ACCEPTED
}

/**
 * Keeps the lease of an event whose handlers outlive the deadline, so a redelivery meanwhile is answered 409 and
 * never runs them a second time (docs/architecture.md, "Dedup"). Before the deadline there is nothing to do: a lease
 * is always longer than the deadline. Renewed at once, then every `leaseMs / 3`, until the handlers settle; a store
 * without `extend` keeps the lease it gave, and the first handler to outlive it is reported, once per receiver.
 */
function holdLease(
  config: ReceiverConfig,
  event: WebhookEvent,
  reservation: Reservation,
  settled: PromiseLike<unknown>,
): void {
  if (config.store.extend === undefined) return warnAtLeaseEnd(config, event, settled)
  let finished = false
  const held = (stillHeld: boolean): void => {
    if (stillHeld || finished) return
    finished = true
    clearInterval(timer)
    config.logger.warn(
      `[webhook-receiver] the lease of ${event.type} ${event.id} ran out while its handlers ran and another copy took it over: the event may run twice. Is the event loop or the store slower than leaseMs / 3?`,
    )
  }
  const renew = (): void => {
    if (finished) return
    const outcome = extendEvent(config, reservation)
    if (isPromiseLike(outcome)) outcome.then(held)
    else held(outcome)
  }
  const timer = setInterval(renew, config.leaseMs / 3)
  // Renewing only matters while the handlers run, and they keep the process alive if anything does.
  timer.unref?.()
  const stop = (): void => {
    finished = true
    clearInterval(timer)
  }
  settled.then(stop, stop)
  renew()
}

function warnAtLeaseEnd(config: ReceiverConfig, event: WebhookEvent, settled: PromiseLike<unknown>): void {
  if (config.state.leaseWarned) return
  const timer = setTimeout(() => {
    if (config.state.leaseWarned) return
    config.state.leaseWarned = true
    config.logger.warn(
      `[webhook-receiver] a handler for ${event.type} ${event.id} outlived its lease (leaseMs: ${config.leaseMs}), and this dedup store has no extend() to renew it: a redelivery may now run the event beside it. Raise leaseMs, or give the store an extend() (docs/stores.md).`,
    )
  }, config.leaseMs - config.deadlineMs)
  timer.unref?.()
  const stop = (): void => clearTimeout(timer)
  settled.then(stop, stop)
}

function answer(config: ReceiverConfig, result: unknown[] | HandlerFailedError): WebhookResponse {
  if (result instanceof HandlerFailedError) throw result
  if (config.provider.reply === undefined) return RECEIVED
  return config.provider.reply(repliesIn(config, result)) ?? RECEIVED
}

const warnedOfUnsentValues = new WeakSet<ReceiverConfig>()

/**
 * The replies among what the handlers returned, in registration order. Anything else is never sent: a handler that
 * returns what it computed (a database row) must not show it to the sender's users. That is said once per
 * receiver, so a handler that means to reply learns how, without a log line per delivery.
 */
function repliesIn(config: ReceiverConfig, results: readonly unknown[]): WebhookResponse[] {
  const replies: WebhookResponse[] = []
  for (const result of results) {
    const reply = replyFor(result, config.provider.name)
    if (reply !== undefined) replies.push(reply)
    else if (result !== undefined && result !== null && !warnedOfUnsentValues.has(config)) {
      warnedOfUnsentValues.add(config)
      config.logger.warn(
        `[webhook-receiver] a ${config.provider.name} handler returned a value that is not a reply; it was not sent. Only a reply made for the sender is, e.g. slackReply(…) from "webhook-receiver/providers/slack" or twimlReply(…) from "webhook-receiver/providers/twilio"; return nothing to answer with the empty reply. (Said once per receiver.)`,
      )
    }
  }
  return replies
}

/**
 * Passes work that outlives the response to the platform's `waitUntil` (Vercel, Cloudflare, Next.js `after()`).
 * A `waitUntil` that throws (e.g. `after()` outside a request scope) must not turn the 202 into a failure: the work
 * still runs in this process, so the failure is only logged.
 */
function keepAlive(config: ReceiverConfig, options: HandleOptions | undefined, work: Promise<unknown>): void {
  if (options?.waitUntil === undefined) return
  try {
    options.waitUntil(work)
  } catch (error) {
    config.logger.warn('[webhook-receiver] waitUntil() threw; the handlers go on in this process', error)
  }
}
