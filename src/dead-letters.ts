/**
 * Operations on a receiver's queue (docs/durable-processing.md, "Dead letters and replay"): list the events whose
 * attempts are spent, and run a dead-lettered or retained event again once its cause is fixed.
 */
import type { QueueMode, ReceiverConfig } from './options.js'
import { dedupKeyOf } from './dedup.js'
import { tenantScope } from './provider-kit/index.js'
import { jobIdFor } from './queued-event.js'
import type { DeadLetter, DeadLetterRange } from './types/queue.js'

/**
 * The dead letters, the most recent first.
 */
export async function listDeadLetters(
  mode: Pick<QueueMode, 'queue'>,
  range: DeadLetterRange | undefined,
): Promise<DeadLetter[]> {
  const offset = range?.offset ?? 0
  const limit = range?.limit ?? Number.POSITIVE_INFINITY
  if (!Number.isInteger(offset) || offset < 0)
    throw new TypeError(
      `receiver.deadLetters({ offset }): expected a whole number ≥ 0, got ${String(offset)}.`,
    )
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0))
    throw new TypeError(`receiver.deadLetters({ limit }): expected a whole number ≥ 0, got ${String(limit)}.`)
  if (limit === 0) return []
  const jobs = await mode.queue.failed({ offset, limit })
  return jobs.map((job) => {
    const letter: DeadLetter = {
      id: job.event.id,
      type: job.event.type,
      attempts: job.attemptsMade,
      error: job.error,
      failedAt: new Date(job.failedAt),
    }
    if (job.event.tenant !== undefined) letter.tenant = job.event.tenant
    return letter
  })
}

/**
 * Runs the event with this id again, with all its attempts: a dead letter, or a completed event whose job is still
 * retained. Bypasses dedup (the operator asked for it). Nothing to do when it is waiting or running anyway; rejects
 * when no job is retained for it. An event verified with a resolver's secrets is found under its tenant, or, when
 * the resolver named none, among the dead letters.
 */
export async function replayEvent(
  config: Pick<ReceiverConfig, 'keyPrefix'>,
  mode: Pick<QueueMode, 'queue'>,
  id: string,
  tenant?: string,
): Promise<void> {
  if (typeof id !== 'string' || id === '')
    throw new TypeError('receiver.replay(id): pass the event id, as receiver.deadLetters() lists it.')
  // A tenant's events are queued under its dedup scope (docs/providers.md, "Many tenants").
  const scope = tenant === undefined ? undefined : tenantScope(tenant)
  const outcome = await mode.queue.retry(jobIdFor(dedupKeyOf(config, { id, scope })))
  if (outcome === 'missing' && tenant === undefined) {
    // An event verified with secrets a resolver returned without naming a tenant is queued under a hash of that
    // secret set, which nothing outside names: its dead letters are found by id.
    const scoped = (await mode.queue.failed({ offset: 0, limit: Number.POSITIVE_INFINITY })).filter(
      (job) => job.event.id === id && job.event.tenant === undefined,
    )
    for (const job of scoped) await mode.queue.retry(job.jobId)
    if (scoped.length > 0) return
  }
  if (outcome === 'missing') {
    throw new Error(
      `receiver.replay('${id}'): the queue retains no job for this event (never queued under this receiver's namespace, or removed after its retention).`,
    )
  }
}
