/** A value now, or a promise of it later. */
export type MaybePromise<T> = T | PromiseLike<T>

/**
 * True for a promise or any other thenable. The hot path stays synchronous while every step answers synchronously
 * (node:crypto providers, the memory store, handlers that return a value) and awaits only what really is async
 * (Web Crypto, Redis, PostgreSQL, async handlers): each `await` of a plain value costs a promise and a microtask.
 */
export function isPromiseLike<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
