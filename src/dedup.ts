/**
 * Step 7 of a delivery (DESIGN.md §4): one event's reservation in the dedup store before its handlers run, and its
 * completion or release after. Synchronous with a synchronous store (the memory store); a store that answers
 * asynchronously gets `storeTimeoutMs` to answer a reservation, so a hung store becomes a 503, not a hung request.
 */
import { DuplicateInFlightError, StoreUnavailableError } from './errors.js'
import type { PipelineConfig } from './pipeline.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import type { ParsedEvent, ReserveOutcome } from './types.js'

/** The keys one event holds in the store, under one token: its id's, and its replay id's when it has one. */
export interface Reservation {
  keys: readonly string[]
  token: string
}

/** What reserving decided: run the handlers holding `reservation` (undefined: without dedup), or a duplicate. */
export type Reserved = { reservation: Reservation | undefined } | 'done'

/**
 * Reserves an event under `<namespace>:<provider>:<id>` and, for an event whose id is not signed, under its replay
 * id too, both at once. Throws (or rejects with) 409 `DuplicateInFlightError` when another copy holds either key,
 * and 503 `StoreUnavailableError` when the store fails or does not answer in time (unless `onStoreError` is
 * `'process'`, which runs the handlers without dedup).
 *
 * @example
 * ```ts
 * const reserved = await reserveEvent(config, parsed)
 * if (reserved === 'done') return DUPLICATE
 * ```
 */
export function reserveEvent(config: PipelineConfig, parsed: ParsedEvent): MaybePromise<Reserved> {
  const prefix = `${config.namespace}:${config.provider.name}:`
  const keys =
    parsed.replayId === undefined
      ? [prefix + parsed.id]
      : [prefix + parsed.id, `${prefix}replay:${parsed.replayId}`]
  const reservation: Reservation = { keys, token: nextToken() }
  const outcomes = keys.map((key) =>
    attempt(() => config.store.reserve(key, reservation.token, config.leaseMs)),
  )
  if (!outcomes.some(isPromiseLike)) {
    const failure = outcomes.find((outcome) => outcome instanceof Failure)
    if (failure !== undefined) return withoutStore(config, failure.error)
    return decide(config, reservation, outcomes as ReserveOutcome[])
  }
  // A key reserved while its sibling failed stays leased until its lease ends: the sender's retry then runs.
  return withinStoreTimeout(config, Promise.all(outcomes.map(settleFailure))).then(
    (settled) => decide(config, reservation, settled),
    (error: unknown) => withoutStore(config, error),
  )
}

/**
 * Marks the event done in the store for `dedupTtlMs`. Never throws or rejects: a store failure after the handlers
 * ran must not change the answer (the work is done), so it is logged.
 *
 * @example
 * ```ts
 * await completeEvent(config, reservation)
 * ```
 */
export function completeEvent(config: PipelineConfig, reservation: Reservation): MaybePromise<void> {
  return eachKey(config, reservation, (key) =>
    config.store.complete(key, reservation.token, config.dedupTtlMs),
  )
}

/**
 * Gives the event back to the store so the sender's retry runs it. Never throws or rejects (logged instead).
 *
 * @example
 * ```ts
 * await releaseEvent(config, reservation)
 * ```
 */
export function releaseEvent(config: PipelineConfig, reservation: Reservation): MaybePromise<void> {
  return eachKey(config, reservation, (key) => config.store.release(key, reservation.token))
}

/**
 * Seconds a sender should wait before retrying a 409 or 503: about one deadline, by when the copy in flight has
 * been answered.
 *
 * @example
 * ```ts
 * throw new DuplicateInFlightError(retryAfterSeconds(config))
 * ```
 */
export function retryAfterSeconds(config: PipelineConfig): number {
  return Math.max(1, Math.ceil(config.deadlineMs / 1000))
}

function decide(
  config: PipelineConfig,
  reservation: Reservation,
  outcomes: readonly ReserveOutcome[],
): Reserved {
  if (outcomes.every((outcome) => outcome === 'reserved')) return { reservation }
  // What this copy did take goes back at once, so the copy holding the other key is not kept waiting on it.
  const taken = reservation.keys.filter((_, index) => outcomes[index] === 'reserved')
  if (taken.length > 0) void releaseEvent(config, { keys: taken, token: reservation.token })
  if (outcomes.includes('done')) return 'done'
  throw new DuplicateInFlightError(retryAfterSeconds(config))
}

/** The store failed: 503 so the sender retries (default), or run without dedup when `onStoreError: 'process'`. */
function withoutStore(config: PipelineConfig, error: unknown): Reserved {
  if (config.onStoreError === 'reject') throw new StoreUnavailableError(error, retryAfterSeconds(config))
  config.logger.warn(
    '[webhook-receiver] dedup store failed; processing without dedup (onStoreError: "process")',
    error,
  )
  return { reservation: undefined }
}

function eachKey(
  config: PipelineConfig,
  reservation: Reservation,
  write: (key: string) => MaybePromise<void>,
): MaybePromise<void> {
  const written = reservation.keys.map((key) => attempt(() => write(key)))
  if (!written.some(isPromiseLike)) {
    const failure = written.find((outcome) => outcome instanceof Failure)
    if (failure !== undefined) storeWriteFailed(config, failure.error)
    return
  }
  return Promise.all(written.map(settleFailure)).then(
    () => undefined,
    (error: unknown) => storeWriteFailed(config, error),
  )
}

function storeWriteFailed(config: PipelineConfig, error: unknown): void {
  config.logger.warn('[webhook-receiver] dedup store write failed after the handlers ran', error)
}

/** A store call that threw synchronously, kept as a value so the other calls of the step still happen. */
class Failure {
  constructor(readonly error: unknown) {}
}

function attempt<T>(call: () => MaybePromise<T>): MaybePromise<T> | Failure {
  try {
    return call()
  } catch (error) {
    return new Failure(error)
  }
}

function settleFailure<T>(outcome: MaybePromise<T> | Failure): MaybePromise<T> {
  return outcome instanceof Failure ? Promise.reject(outcome.error) : outcome
}

function withinStoreTimeout<T>(config: PipelineConfig, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the dedup store did not answer within ${config.storeTimeoutMs} ms`)),
      config.storeTimeoutMs,
    )
    // The timeout only decides this answer; it must not keep a closing process alive.
    timer.unref?.()
  })
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer))
}

/**
 * Reservation tokens only need to be unique among the processes sharing a store (they mark ownership; they are not
 * secrets): a random per-process prefix and a counter, instead of a `randomUUID()` per delivery.
 */
const TOKEN_PREFIX = `${globalThis.crypto.randomUUID()}:`
let tokenCounter = 0
function nextToken(): string {
  return TOKEN_PREFIX + (++tokenCounter).toString(36)
}
