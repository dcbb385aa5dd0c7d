/** A value now, or a promise of it later. */
export type MaybePromise<T> = T | PromiseLike<T>

/**
 * True for a promise or any other thenable. The hot path stays synchronous while every step answers synchronously
 * (node:crypto providers, the memory store, handlers that return a value) and awaits only what really is async
 * (Web Crypto, Redis, PostgreSQL, async handlers): each `await` of a plain value costs a promise and a microtask.
 *
 * @example
 * ```ts
 * const outcome = store.reserve(key, token, leaseMs)
 * if (isPromiseLike(outcome)) return outcome.then(next)
 * return next(outcome)
 * ```
 */
export function isPromiseLike<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Calls `next` with the value: at once when it is plain, once it settles when it is a promise. The pipeline's steps
 * are chained with it, so a delivery whose every step is synchronous costs no microtask.
 *
 * @example
 * ```ts
 * return andThen(store.reserve(key, token, leaseMs), (outcome) => outcome === 'reserved')
 * ```
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value)
}
