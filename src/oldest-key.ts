/**
 * Deletes the oldest key of a Map (the first in insertion order) in O(1) amortised, with one long-lived cursor: a
 * Map iterator skips deleted entries and sees new ones, and every live key is at or after it, also a key moved to
 * the end (deleted and set again). A fresh `map.keys().next()` per eviction would rescan the holes that evictions
 * leave at the front of V8's hash table (thousands of them at the bound).
 */
export function oldestKeyEvictor<K>(map: Map<K, unknown>): () => void {
  let cursor = map.keys()
  return () => {
    let next = cursor.next()
    // A finished iterator stays finished, even when keys are added after it: start a new one.
    if (next.done === true) next = (cursor = map.keys()).next()
    if (next.done !== true) map.delete(next.value)
  }
}
