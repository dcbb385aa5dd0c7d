/**
 * Step 7 of a delivery (docs/architecture.md, "Dedup"): one event's reservation in the dedup store before its
 * handlers run, and its completion or release after. Synchronous with a synchronous store (the memory store); a
 * store that answers asynchronously gets `storeTimeoutMs` to answer a reservation, so a hung store becomes a 503,
 * not a hung request.
 */
import { DuplicateInFlightError, StoreUnavailableError } from './errors.js'
import type { ReceiverConfig } from './options.js'
import { isPromiseLike, type MaybePromise } from './promise-like.js'
import { withinTimeout } from './timeout.js'
import type { ParsedEvent } from './types/provider.js'
import type { ReserveOutcome } from './types/store.js'

/** The keys one event holds in the store, under one token: its id's, and its replay id's when it has one. */
export interface Reservation {
  token: string
  key: string
  replayKey: string | undefined
}

/**
 * What reserving decided: run the handlers holding the reservation, run them without dedup (`'unguarded'`: the store
 * failed and `onStoreError` is `'process'`), or answer a duplicate (`'done'`).
 */
export type Reserved = Reservation | 'unguarded' | 'done'

/**
 * Reserves an event under `<namespace>:<provider>:<id>` and, for an event whose id is not signed, under its replay
 * id too, both at once. Throws (or rejects with) 409 `DuplicateInFlightError` when another copy holds either key,
 * and 503 `StoreUnavailableError` when the store fails or does not answer in time (unless `onStoreError` is
 * `'process'`). With a synchronous store and one key, nothing is allocated but the reservation.
 */
export function reserveEvent(config: ReceiverConfig, parsed: ParsedEvent): MaybePromise<Reserved> {
  const reservation: Reservation = {
    token: nextToken(),
    key: dedupKeyOf(config, parsed),
    replayKey: parsed.replayId === undefined ? undefined : replayKeyOf(config, parsed.replayId, parsed.scope),
  }
  const outcome = reserveKey(config, reservation.key, reservation.token)
  const replay =
    reservation.replayKey === undefined
      ? 'reserved'
      : reserveKey(config, reservation.replayKey, reservation.token)
  if (!isPromiseLike(outcome) && !isPromiseLike(replay)) return decide(config, reservation, outcome, replay)
  // A key reserved while its sibling failed stays leased until its lease ends: the sender's retry then runs.
  return withinTimeout(Promise.all([outcome, replay]), config.storeTimeoutMs, 'the dedup store').then(
    ([settled, settledReplay]) => decide(config, reservation, settled, settledReplay),
    (error: unknown) => withoutStore(config, error),
  )
}

/**
 * Marks the event done in the store for `dedupTtlMs`. Never throws or rejects: a store failure after the handlers
 * ran must not change the answer (the work is done), so it is logged.
 */
export function completeEvent(config: ReceiverConfig, reservation: Reservation): MaybePromise<void> {
  const { token, key, replayKey } = reservation
  const written = complete(config, key, token)
  return replayKey === undefined ? written : both(written, complete(config, replayKey, token))
}

/** Gives the event back to the store so the sender's retry runs it. Never throws or rejects (logged instead). */
export function releaseEvent(config: ReceiverConfig, reservation: Reservation): MaybePromise<void> {
  const { token, key, replayKey } = reservation
  const released = release(config, key, token)
  return replayKey === undefined ? released : both(released, release(config, replayKey, token))
}

/**
 * Marks an event's replay id done although no handler ran for it: its type came from a header nobody signed, so a
 * captured copy sent again under a type that has handlers must find it (docs/architecture.md, "Dedup"). One write:
 * `complete` marks a free key done (the `DedupStore` contract). Throws (or rejects with) 503 as a reservation does
 * when the store fails or does not answer in time, unless `onStoreError` is `'process'`.
 */
export function recordReplay(config: ReceiverConfig, parsed: ParsedEvent): MaybePromise<void> {
  let written: MaybePromise<void>
  try {
    const key = replayKeyOf(config, parsed.replayId as string, parsed.scope)
    written = config.store.complete(key, nextToken(), config.dedupTtlMs)
  } catch (error) {
    withoutStore(config, error)
    return
  }
  if (!isPromiseLike(written)) return
  return withinTimeout(Promise.resolve(written), config.storeTimeoutMs, 'the dedup store').then(
    undefined,
    (error: unknown) => {
      withoutStore(config, error)
    },
  )
}

/**
 * `<namespace>:<provider>:<id>`, or `<namespace>:<provider>:<scope>:<id>` for a delivery verified with resolved
 * secrets, so tenants never share a key (docs/providers.md, "Many tenants").
 */
export function dedupKeyOf(
  config: Pick<ReceiverConfig, 'keyPrefix'>,
  parsed: Pick<ParsedEvent, 'id' | 'scope'>,
): string {
  return parsed.scope === undefined
    ? config.keyPrefix + parsed.id
    : `${config.keyPrefix}${parsed.scope}:${parsed.id}`
}

function replayKeyOf(config: ReceiverConfig, replayId: string, scope: string | undefined): string {
  return scope === undefined
    ? `${config.keyPrefix}replay:${replayId}`
    : `${config.keyPrefix}${scope}:replay:${replayId}`
}

/**
 * Renews the event's lease (both its keys) for another `leaseMs`, on a store that can (`extend`). False when the
 * store says this reservation no longer holds a key (its lease ran out and another copy took it over). Never
 * throws or rejects: a store failure is logged, and the next renewal tries again.
 */
export function extendEvent(config: ReceiverConfig, reservation: Reservation): MaybePromise<boolean> {
  const { token, key, replayKey } = reservation
  const held = extend(config, key, token)
  if (replayKey === undefined) return held
  const replayHeld = extend(config, replayKey, token)
  if (!isPromiseLike(held) && !isPromiseLike(replayHeld)) return held && replayHeld
  return Promise.all([held, replayHeld]).then(([first, second]) => first && second)
}

/** Seconds a sender should wait before retrying a 409 or 503: about one deadline, by when the copy in flight is answered. */
export function retryAfterSeconds(config: ReceiverConfig): number {
  return Math.max(1, Math.ceil(config.deadlineMs / 1000))
}

function decide(
  config: ReceiverConfig,
  reservation: Reservation,
  outcome: ReserveOutcome,
  replay: ReserveOutcome,
): Reserved {
  if (outcome === 'reserved' && replay === 'reserved') return reservation
  // What this copy did take goes back at once, so the copy holding the other key is not kept waiting on it.
  if (outcome === 'reserved') void release(config, reservation.key, reservation.token)
  if (replay === 'reserved' && reservation.replayKey !== undefined)
    void release(config, reservation.replayKey, reservation.token)
  if (outcome === 'done' || replay === 'done') return 'done'
  throw new DuplicateInFlightError(retryAfterSeconds(config))
}

/**
 * The store failed: 503 so the sender retries (default), or run without dedup when `onStoreError: 'process'`.
 * Logged either way, once per burst, so an outage shows in the app's logs and not only as 503s at the sender.
 */
function withoutStore(config: ReceiverConfig, error: unknown): Reserved {
  config.logStoreFailure(error)
  if (config.onStoreError === 'reject') throw new StoreUnavailableError(error, retryAfterSeconds(config))
  return 'unguarded'
}

/** One reservation call; a synchronous throw becomes a rejection, judged with the asynchronous failures. */
function reserveKey(config: ReceiverConfig, key: string, token: string): MaybePromise<ReserveOutcome> {
  try {
    return config.store.reserve(key, token, config.leaseMs)
  } catch (error) {
    return Promise.reject(error)
  }
}

function complete(config: ReceiverConfig, key: string, token: string): MaybePromise<void> {
  try {
    return logFailure(config, config.store.complete(key, token, config.dedupTtlMs))
  } catch (error) {
    storeWriteFailed(config, error)
  }
}

function release(config: ReceiverConfig, key: string, token: string): MaybePromise<void> {
  try {
    return logFailure(config, config.store.release(key, token))
  } catch (error) {
    storeWriteFailed(config, error)
  }
}

function extend(config: ReceiverConfig, key: string, token: string): MaybePromise<boolean> {
  const renewFailed = (error: unknown): boolean => {
    config.logRenewalFailure(error)
    return true // not known to be lost: the next renewal tries again
  }
  try {
    const extended = config.store.extend?.(key, token, config.leaseMs) ?? true
    return isPromiseLike(extended)
      ? Promise.resolve(extended).then((held) => held === true, renewFailed)
      : extended
  } catch (error) {
    return renewFailed(error)
  }
}

/** A store write that settles later: its failure is logged, never rejected. */
function logFailure(config: ReceiverConfig, written: MaybePromise<void>): MaybePromise<void> {
  if (!isPromiseLike(written)) return
  return Promise.resolve(written).then(undefined, (error: unknown) => storeWriteFailed(config, error))
}

function both(first: MaybePromise<void>, second: MaybePromise<void>): MaybePromise<void> {
  if (!isPromiseLike(first) && !isPromiseLike(second)) return
  return Promise.all([first, second]).then(() => undefined)
}

function storeWriteFailed(config: ReceiverConfig, error: unknown): void {
  config.logger.warn('[webhook-receiver] dedup store write failed after the handlers ran', error)
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
