/**
 * `read(body)`, computed once per request body. A provider whose signature or timestamp is inside the body reads it
 * in `verify`, and `parse` then takes that result instead of reading the same bytes again: the pipeline hands both
 * calls the same request, so the same body. A read that throws is not remembered.
 */
export function oncePerBody<T>(read: (body: Uint8Array) => T): (body: Uint8Array) => T {
  const results = new WeakMap<Uint8Array, T>()
  return (body) => {
    if (results.has(body)) return results.get(body) as T
    const value = read(body)
    results.set(body, value)
    return value
  }
}
