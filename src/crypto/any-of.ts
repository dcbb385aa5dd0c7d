import { chain, type CryptoResult } from '#crypto'

/**
 * True when `test` holds for any item, tried in order and stopping at the first that does (so on Node a second
 * secret is only hashed when the first one failed). Synchronous with node:crypto; with Web Crypto each test is
 * awaited before the next one starts.
 */
export function anyOf<T>(
  items: readonly T[],
  test: (item: T) => boolean | CryptoResult<boolean>,
  from = 0,
): boolean | CryptoResult<boolean> {
  for (let index = from; index < items.length; index++) {
    const result = test(items[index] as T)
    if (result === true) return true
    if (result !== false) return chain(result, (ok) => ok || anyOf(items, test, index + 1))
  }
  return false
}

/**
 * True when `test` holds for every item, tried in order and stopping at the first that does not (so a forged batch
 * costs one check, not one per item). Synchronous with node:crypto; with Web Crypto each test is awaited before the
 * next one starts.
 */
export function everyOf<T>(
  items: readonly T[],
  test: (item: T) => boolean | CryptoResult<boolean>,
  from = 0,
): boolean | CryptoResult<boolean> {
  for (let index = from; index < items.length; index++) {
    const result = test(items[index] as T)
    if (result === false) return false
    if (result !== true) return chain(result, (ok) => ok && everyOf(items, test, index + 1))
  }
  return true
}
