/**
 * Step 8 of a delivery in queue mode (docs/durable-processing.md): instead of running the handlers, the event is
 * stored as a job and the sender is answered as soon as the job engine has it. Dedup works as in inline mode, and
 * the job id is derived from the dedup key, so the engine itself also refuses a second job for one event.
 */
import {
  completeEvent,
  dedupKeyOf,
  releaseEvent,
  reserveEvent,
  retryAfterSeconds,
  type Reserved,
} from './dedup.js'
import { QueueUnavailableError } from './errors.js'
import type { DeliveryObservation } from './observation.js'
import type { QueueMode, ReceiverConfig } from './options.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { jobIdFor, toQueuedEvent } from './queued-event.js'
import { DUPLICATE, QUEUED } from './responses.js'
import { withinTimeout } from './timeout.js'
import type { WebhookEvent, WebhookResponse } from './types/events.js'
import type { ParsedEvent } from './types/provider.js'

/**
 * Reserves the event, stores its job, marks it done in the dedup store and answers 200 (the provider's empty reply
 * for Slack and Twilio: a handler's reply cannot wait for a worker). Rejects with 409 while another copy holds the
 * reservation, 503 `store_unavailable` when the dedup store fails, and 503 `queue_unavailable` when the job could
 * not be stored in `storeTimeoutMs` (the reservation is released first, so the sender's retry is queued).
 */
export function enqueueEvent(
  config: ReceiverConfig,
  mode: QueueMode,
  event: WebhookEvent,
  parsed: ParsedEvent,
  observation?: DeliveryObservation,
): MaybePromise<WebhookResponse> {
  const reserved = reserveEvent(config, parsed)
  return isPromiseLike(reserved)
    ? Promise.resolve(reserved).then((settled) => store(config, mode, event, parsed, settled, observation))
    : store(config, mode, event, parsed, reserved, observation)
}

async function store(
  config: ReceiverConfig,
  mode: QueueMode,
  event: WebhookEvent,
  parsed: ParsedEvent,
  reserved: Reserved,
  observation: DeliveryObservation | undefined,
): Promise<WebhookResponse> {
  observation?.reserved(event.id, reserved, true)
  if (reserved === 'done') return config.provider.reply?.([]) ?? DUPLICATE
  const reservation = reserved === 'unguarded' ? undefined : reserved
  try {
    const job = toQueuedEvent(event, parsed.aliases)
    await withinTimeout(
      mode.queue.enqueue(jobIdFor(dedupKeyOf(config, parsed)), job),
      config.storeTimeoutMs,
      'the job queue',
    )
  } catch (error) {
    // An enqueue that timed out may still land later: the retry then finds its job id taken, and adds nothing.
    if (reservation !== undefined) await releaseEvent(config, reservation)
    mode.logFailure(error)
    throw new QueueUnavailableError(error, retryAfterSeconds(config))
  }
  if (reservation !== undefined) await completeEvent(config, reservation)
  return config.provider.reply?.([]) ?? QUEUED
}
