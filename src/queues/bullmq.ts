/**
 * Durable processing on BullMQ 6 (an optional peer dependency), on Redis or, with its `createPostgresBackend`, on
 * PostgreSQL: the same `Queue` and `Worker` either way. Node only.
 */
import {
  Queue,
  Worker,
  type BackendFactory,
  type BackoffOptions,
  type ConnectionOptions,
  type IQueueBackend,
  type Job,
  type JobsOptions,
  type KeepJobs,
  type WorkerOptions,
} from 'bullmq'
import type {
  EventQueue,
  FailedJob,
  QueueContext,
  QueuedEvent,
  QueueJob,
  QueueWorker,
} from '../types/queue.js'
import type { QueueCounts } from '../types/observability.js'

/** Any BullMQ queue, whatever its job types and backend. */
type AnyQueue = Queue<any, any, string, any, any, string, any, any>
type AnyJob = Job<any, any, string>

/** BullMQ worker options passed through unchanged (`lockDuration`, `stalledInterval`, `limiter`, …). */
export type BullmqWorkerOptions = Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun' | 'prefix'>

/** How the events' jobs are retried and kept, for a queue made here or one passed in. */
export interface BullmqJobSettings {
  /** Runs of a job before it is a dead letter, the first included. Default 10. */
  attempts?: number
  /** Wait between attempts. Default `{ type: 'exponential', delay: 2_000, jitter: 0.2 }`: 2 s, 4 s, … 17 min in all. */
  backoff?: number | BackoffOptions
  /**
   * How long completed jobs are kept, so `receiver.replay(id)` can run them again. Default
   * `{ age: 259_200, count: 10_000 }` (3 days, at most 10,000). The dedup store, not this, stops duplicates.
   */
  removeOnComplete?: boolean | number | KeepJobs
  /** How long dead letters are kept. Default `false`: until you replay or remove them. */
  removeOnFail?: boolean | number | KeepJobs
  /**
   * Options of the worker `receiver.work()` starts, as BullMQ takes them. By default `maxStalledCount` is
   * `attempts`: a job whose workers die on it (SIGKILL, out of memory) runs again on another one, up to that many
   * times, before it is a dead letter.
   */
  worker?: BullmqWorkerOptions
}

/** A queue made here, on a connection BullMQ opens. */
export interface BullmqQueueOptions<C = ConnectionOptions> extends BullmqJobSettings {
  /** Passed to BullMQ unchanged: Redis options or an ioredis client; with `backend`, that backend's connection. */
  connection: C
  /** BullMQ's backend factory, e.g. `createPostgresBackend` (then `connection: { connectionString, migrate: true }`). */
  backend?: BackendFactory<IQueueBackend, C>
  /** The queue name (no `:`). Default `<namespace>-<provider>`, e.g. `webhook-stripe`. */
  name?: string
  /** Redis key prefix (Redis backend only). Default BullMQ's, `bull`. */
  prefix?: string
}

/** A BullMQ queue you made yourself; its workers use its connection, prefix and backend. */
export interface BullmqExistingQueueOptions extends BullmqJobSettings {
  queue: AnyQueue
}

/** The queue `createReceiver({ queue })` takes, with the BullMQ queue behind it. */
export interface BullmqEventQueue extends EventQueue {
  /** The BullMQ queue (made on first use), e.g. for a dashboard or your own metrics. */
  readonly queue: AnyQueue
  /** The jobs waiting (prioritized ones included), delayed, running and failed (dead letters). */
  counts(): Promise<QueueCounts>
}

const DEFAULT_ATTEMPTS = 10
const DEFAULT_BACKOFF: BackoffOptions = { type: 'exponential', delay: 2_000, jitter: 0.2 }
const KEEP_COMPLETED: KeepJobs = { age: 3 * 24 * 60 * 60, count: 10_000 }

/**
 * A durable queue for a receiver: `handle` answers 200 once BullMQ has stored the event's job, and
 * `receiver.work()` runs the handlers from it, retried with backoff, dead letters kept. `connection` and `backend`
 * go to BullMQ unchanged; an existing `Queue` is accepted too. Close it on shutdown (`await queue.close()`), after
 * the HTTP server and the worker.
 *
 * @example
 * ```ts
 * import { createPostgresBackend } from 'bullmq'
 * import { bullmqQueue } from 'webhook-receiver/queues/bullmq'
 *
 * const queue = bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 } })
 * // or on PostgreSQL:
 * // bullmqQueue({ backend: createPostgresBackend, connection: { connectionString, migrate: true } })
 * const receiver = createReceiver({ provider: stripe({ secret }), store: redisStore({ client }), queue })
 * ```
 */
export function bullmqQueue<C = ConnectionOptions>(
  options: BullmqQueueOptions<C> | BullmqExistingQueueOptions | AnyQueue,
): BullmqEventQueue {
  const settings: BullmqQueueOptions<C> | BullmqExistingQueueOptions = isQueue(options)
    ? { queue: options }
    : options
  const given = 'queue' in settings ? settings.queue : undefined
  if (given === undefined && (settings as BullmqQueueOptions<C>)?.connection === undefined) {
    throw new TypeError(
      'bullmqQueue({ connection }): pass the Redis connection (or, with backend: createPostgresBackend, the PostgreSQL one), or an existing BullMQ Queue.',
    )
  }
  const attempts = settings.attempts ?? given?.defaultJobOptions.attempts ?? DEFAULT_ATTEMPTS
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new TypeError(`bullmqQueue({ attempts }): expected a whole number ≥ 1, got ${String(attempts)}.`)
  const defaults = given?.defaultJobOptions
  const jobOptions: JobsOptions = {
    attempts,
    backoff: settings.backoff ?? defaults?.backoff ?? DEFAULT_BACKOFF,
    removeOnComplete: settings.removeOnComplete ?? defaults?.removeOnComplete ?? KEEP_COMPLETED,
    removeOnFail: settings.removeOnFail ?? defaults?.removeOnFail ?? false,
  }
  const own = given === undefined ? (settings as BullmqQueueOptions<C>) : undefined

  let context: QueueContext | undefined
  let name: string | undefined
  let queue: AnyQueue | undefined = given
  const workers = new Set<Worker>()

  function bullmq(): AnyQueue {
    if (queue !== undefined) return queue
    if (own === undefined || name === undefined)
      throw new Error('bullmqQueue(): pass this queue to createReceiver({ queue }) before using it.')
    queue = new Queue(
      name,
      { connection: own.connection, prefix: own.prefix } as never,
      // Undefined is BullMQ's default backend, Redis.
      own.backend as BackendFactory<any, any>,
    )
    // Without a listener BullMQ prints every reconnect failure; the receiver logs them, a few seconds apart.
    queue.on('error', (error) => context?.reportError(error))
    return queue
  }

  /** Where the worker connects: the queue's own settings, so both always meet on the same queue. */
  function workerSettings(): { connection: unknown; prefix?: string; backend?: BackendFactory<any, any> } {
    if (own !== undefined) return { connection: own.connection, prefix: own.prefix, backend: own.backend }
    const existing = given as AnyQueue
    return {
      connection: existing.opts.connection,
      prefix: (existing.opts as { prefix?: string }).prefix,
      // BullMQ keeps the factory a queue was made with on the queue (a protected field, read-only at run time).
      backend: (existing as unknown as { backendFactory?: BackendFactory<any, any> }).backendFactory,
    }
  }

  return {
    get queue() {
      return bullmq()
    },
    adopt(receiverContext) {
      if (context !== undefined) {
        throw new TypeError(
          'bullmqQueue(): this queue already serves a receiver; give each receiver its own queue (its own name).',
        )
      }
      const chosen = own?.name ?? given?.name ?? receiverContext.defaultName
      if (typeof chosen !== 'string' || chosen === '' || chosen.includes(':'))
        throw new TypeError(
          `bullmqQueue({ name }): a BullMQ queue name is not empty and has no ':', got ${chosen}.`,
        )
      context = receiverContext
      name = chosen
    },
    async enqueue(jobId, event) {
      // BullMQ adds nothing when a job with this id is already stored, which is what makes a retry harmless.
      await bullmq().add(event.type, event, { ...jobOptions, jobId })
    },
    work(process, { concurrency }) {
      const { connection, prefix, backend } = workerSettings()
      bullmq() // the worker's name is the queue's
      const worker: Worker = new Worker(
        name as string,
        (job: AnyJob) => process(toQueueJob(job, attempts)),
        {
          connection,
          prefix,
          concurrency,
          maxStalledCount: attempts,
          ...settings.worker,
        } as never,
        backend as BackendFactory<any, any>,
      )
      workers.add(worker)
      worker.on('error', (error) => context?.reportError(error))
      return {
        async close() {
          workers.delete(worker)
          await worker.close()
        },
      } satisfies QueueWorker
    },
    async failed({ offset, limit }) {
      const end = limit === Number.POSITIVE_INFINITY ? -1 : offset + limit - 1
      const jobs: (AnyJob | undefined)[] = await bullmq().getFailed(offset, end)
      // A job removed while the list was read comes back empty.
      return jobs.filter((job): job is AnyJob => job?.data !== undefined).map(toFailedJob)
    },
    async retry(jobId) {
      const job: AnyJob | undefined = await bullmq().getJob(jobId)
      if (job === undefined) return 'missing'
      const state = await job.getState()
      if (state === 'unknown') return 'missing'
      if (state !== 'failed' && state !== 'completed') return 'pending'
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true })
      return 'retried'
    },
    async counts() {
      const counts = await bullmq().getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      }
    },
    async close() {
      const closing = [...workers].map((worker) => worker.close())
      workers.clear()
      await Promise.all(closing)
      // A queue passed in is the caller's to close.
      if (own !== undefined) await queue?.close()
    },
  }
}

function isQueue(value: unknown): value is AnyQueue {
  if (value instanceof Queue) return true
  // Another copy of bullmq (two installs) makes `instanceof` fail: recognise the shape.
  const candidate = value as Partial<AnyQueue> | undefined
  return typeof candidate?.add === 'function' && typeof candidate.getFailed === 'function'
}

function toQueueJob(job: AnyJob, attempts: number): QueueJob {
  return {
    jobId: job.id as string,
    event: job.data as QueuedEvent,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? attempts,
  }
}

function toFailedJob(job: AnyJob): FailedJob {
  return {
    jobId: job.id as string,
    event: job.data as QueuedEvent,
    attemptsMade: job.attemptsMade,
    error: job.failedReason,
    failedAt: job.finishedOn ?? job.timestamp,
  }
}
