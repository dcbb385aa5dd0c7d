/** What store authors implement: where dedup state lives (see docs/stores.md for writing one). */

/** Outcome of a dedup reservation. */
export type ReserveOutcome = 'reserved' | 'in-flight' | 'done'

/**
 * Where dedup state lives. Keys move through reserve → (extend…) → (complete | release).
 *
 * Atomicity: `reserve` must be atomic across every process sharing the store: of any number of concurrent calls
 * for one key, exactly one returns `'reserved'` while the key is neither done nor leased by a live reservation.
 * A reservation is a lease of `leaseMs` milliseconds: once it expires, a new `reserve` may take the key over (the
 * first process is presumed dead). `complete` and `release` act only if `token` still owns the key, so a slow
 * first copy whose lease expired cannot overwrite the state of the copy that took over.
 *
 * All durations are milliseconds. Implementations must never throw for "not found"; they throw (or reject) only
 * when the store itself cannot be reached, which the receiver answers with 503.
 */
export interface DedupStore {
  /** Reserve `key` for `leaseMs`; `'in-flight'` if another live lease holds it, `'done'` if it completed. */
  reserve(key: string, token: string, leaseMs: number): Promise<ReserveOutcome> | ReserveOutcome
  /**
   * Mark `key` done for `ttlMs`, if `token` still owns it, or if the key is free (its lease expired and nobody took
   * it over: the work is done, so a retry must not run it again). Never over another token's lease or result.
   */
  complete(key: string, token: string, ttlMs: number): Promise<void> | void
  /** Forget the reservation so a retry runs, if `token` still owns it. */
  release(key: string, token: string): Promise<void> | void
  /**
   * Optional: renew the lease, so that it ends `leaseMs` from now, if `token` still owns it (atomically, like
   * `complete` and `release`); true when it did, false when the key is done, gone or another token's. The receiver
   * calls it while a handler runs past its deadline, so a live handler's lease never expires under it. A store
   * without it keeps the lease it was given, and the receiver warns once when a handler outlives it.
   */
  extend?(key: string, token: string, leaseMs: number): Promise<boolean> | boolean
}
