/**
 * The worker side of queue mode (docs/durable-processing.md): each job's event is rebuilt into the envelope an
 * inline handler gets and dispatched exactly as inline mode does. A failure is reported to `onError` and thrown
 * back to the job engine, which retries it with backoff until its attempts are spent: then it is a dead letter.
 */
import { observeHandlers } from './observation.js'
import type { QueueMode, ReceiverConfig } from './options.js'
import { fromQueuedEvent } from './queued-event.js'
import type { QueueJob, QueueWorker, WorkOptions } from './types/queue.js'

/**
 * Starts the queue's worker in this process with the receiver's handlers.
 */
export function startWorker(
  config: ReceiverConfig,
  mode: QueueMode,
  options: WorkOptions | undefined,
): QueueWorker {
  const concurrency = options?.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(
      `receiver.work({ concurrency }): expected a whole number of at least 1, got ${String(concurrency)}.`,
    )
  }
  let replyWarned = false
  return mode.queue.work(
    async (job) => {
      const results = await runJob(config, job)
      // A sender that reads the answer (Slack, Twilio) was answered when the job was stored: a reply now has
      // nowhere to go. Said once per worker, not once per event.
      if (replyWarned || config.provider.reply === undefined) return
      if (!results.some((result) => result !== undefined && result !== null)) return
      replyWarned = true
      config.logger.warn(
        `[webhook-receiver] a ${config.provider.name} handler returned a reply in queue mode; it is ignored: the sender was answered when the event was queued. Run handlers whose reply matters in a receiver without a queue.`,
      )
    },
    { concurrency },
  )
}

async function runJob(config: ReceiverConfig, job: QueueJob): Promise<unknown[]> {
  if (job.event.provider !== config.provider.name) {
    // A queue serves one receiver: another provider's events here mean two receivers were given one queue.
    throw new Error(
      `this job holds a ${job.event.provider} event but the receiver is for ${config.provider.name}: give each receiver its own queue.`,
    )
  }
  const { event, parsed } = fromQueuedEvent(job.event)
  const handlers = config.dispatcher.handlersFor(parsed)
  const { telemetry } = config.observers
  const attempts = job.attemptsMade + 1
  try {
    const run = () => config.dispatcher.run(handlers, event)
    return await (telemetry === undefined
      ? run()
      : observeHandlers(
          telemetry,
          {
            provider: event.provider,
            id: event.id,
            type: event.type,
            handlers: handlers.length,
            attempt: event.attempt,
            tenant: event.tenant,
            jobAttempt: attempts,
            delivery: undefined,
          },
          run,
        ))
  } catch (error) {
    config.dispatcher.reportError(error, event)
    const failure = asError(error)
    if (attempts >= job.attempts) {
      telemetry?.deadLettered(event.provider, event.type)
      config.logger.error(
        `[webhook-receiver] ${event.type} ${event.id} is a dead letter after ${attempts} attempt(s): ${failure.message}. Fix the cause, then receiver.replay('${event.id}'${event.tenant === undefined ? '' : `, { tenant: '${event.tenant}' }`}).`,
      )
    }
    throw failure
  }
}

/**
 * What the job engine records as the failure: the error itself when it is one; for several failed handlers, one
 * error whose message names each failure (a dead letter keeps only a message).
 */
function asError(error: unknown): Error {
  if (error instanceof AggregateError) {
    const causes = error.errors.map((each) => (each instanceof Error ? each.message : String(each)))
    return new Error(`${error.message}: ${causes.join('; ')}`, { cause: error })
  }
  return error instanceof Error ? error : new Error(String(error), { cause: error })
}
