/**
 * Step 8 of a delivery (docs/architecture.md, "Steps of a delivery" and "Status policy"): the handlers run, the
 * store records the outcome, and the answer waits for both up to the deadline. Past it the sender is answered (202,
 * or the provider's empty reply) and the handlers go on, their failures reaching `onError`.
 */
import { completeEvent, releaseEvent, type Reservation } from './dedup.js'
import { HandlerFailedError } from './errors.js'
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
  return isPromiseLike(settled) ? untilDeadline(config, settled, options) : answer(config, settled)
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
  keepAlive(config, options, Promise.resolve(settled))
  // A sender that reads the answer (Slack, Twilio) gets its empty reply, not a JSON body it would show or refuse.
  return config.provider.reply?.([]) ?? ACCEPTED
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
