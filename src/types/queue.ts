/**
 * What a job engine implements to give a receiver durable processing (`createReceiver({ queue })`), and what the
 * receiver's queue operations return. The core never imports a job engine: `webhook-receiver/queues/bullmq` is one
 * implementation of `EventQueue`.
 */
import type { QueueCounts } from './observability.js'

/**
 * One event as a job stores it: exactly what rebuilds the handler's envelope in the worker, as JSON. `rawBody` is
 * the raw body in base64; `aliases` are the extra handler names the event matches (GitHub's `issues`).
 */
export interface QueuedEvent {
  id: string
  type: string
  aliases?: readonly string[]
  payload: unknown
  provider: string
  timestamp?: number
  attempt?: number
  /** The tenant a secret resolver named (`event.tenant`). */
  tenant?: string
  headers: Readonly<Record<string, string>>
  rawBody: string
}

/** A job handed to the worker's processor. */
export interface QueueJob {
  jobId: string
  event: QueuedEvent
  /** Attempts that already failed before this one (0 on the first run). */
  attemptsMade: number
  /** Attempts allowed in all; the job is a dead letter when the last one fails. */
  attempts: number
}

/** A dead letter: a job whose attempts are spent (or whose workers died on it too many times). */
export interface FailedJob {
  jobId: string
  event: QueuedEvent
  attemptsMade: number
  /** The last failure's message. */
  error: string
  /** When it failed for the last time, in milliseconds since the epoch. */
  failedAt: number
}

/** What the receiver gives a queue when it adopts it. */
export interface QueueContext {
  /** The queue name to use when none was configured: `<namespace>-<provider>`. */
  defaultName: string
  /** Receives the failures the queue meets outside a call (a worker's lost connection). */
  reportError(error: unknown): void
}

/** What `receiver.work()` starts: the job engine's worker, running the receiver's handlers. */
export interface QueueWorker {
  /** Stops taking jobs, waits for the ones in progress to finish, then closes the worker's connections. */
  close(): Promise<void>
}

/**
 * A durable job queue, e.g. `bullmqQueue({ connection })`. One queue serves one receiver.
 *
 * Durability: `enqueue` resolves only once the job is stored by the engine (so the 200 sent after it is a
 * promise the event will run), and must be idempotent on `jobId`: adding an id that is already stored (waiting,
 * running, completed or failed, while retained) leaves that job as it is. Jobs that a dead worker held must come
 * back to another worker (stalled-job recovery), so a crash loses nothing.
 */
export interface EventQueue {
  /** Called once by `createReceiver`; throws if the queue already serves another receiver. */
  adopt(context: QueueContext): void
  /**
   * Stores the event as job `jobId` (the dedup key, URI-component encoded: never a `:`, never an integer);
   * rejects when the engine fails.
   */
  enqueue(jobId: string, event: QueuedEvent): Promise<void>
  /**
   * Starts a worker in this process that runs `process` for each job, at most `concurrency` at once. A rejection is
   * a failed attempt, retried with the queue's backoff until the job's attempts are spent (a dead letter).
   */
  work(process: (job: QueueJob) => Promise<void>, options: { concurrency: number }): QueueWorker
  /** Dead letters, the most recent first, from `offset`, at most `limit` of them. */
  failed(range: { offset: number; limit: number }): Promise<FailedJob[]>
  /**
   * Runs a failed or completed (still retained) job again, with its attempts reset: `'retried'`; `'pending'` when
   * it is waiting or running anyway; `'missing'` when no such job is retained.
   */
  retry(jobId: string): Promise<'retried' | 'pending' | 'missing'>
  /** Closes the connections this queue opened (not those the caller passed in). */
  close(): Promise<void>
  /** The jobs waiting, delayed, running and failed (dead letters), for the queue gauges of telemetry. Optional. */
  counts?(): Promise<QueueCounts>
}

/** Options of `receiver.work()`. */
export interface WorkOptions {
  /** Jobs run at once by this worker. Default 1 (BullMQ's default). */
  concurrency?: number
}

/** One event whose attempts are spent, as `receiver.deadLetters()` lists it. */
export interface DeadLetter {
  /** The event id, as handlers saw it: pass it to `receiver.replay(id)`. */
  id: string
  /** The tenant a secret resolver named for the event: pass it too, `receiver.replay(id, { tenant })`. */
  tenant?: string
  type: string
  /** Attempts made. */
  attempts: number
  /** The last failure's message. */
  error: string
  failedAt: Date
}

/** Paging of `receiver.deadLetters()`. */
export interface DeadLetterRange {
  /** Dead letters to skip, most recent first. Default 0. */
  offset?: number
  /** Most dead letters returned. Default: all of them. */
  limit?: number
}
