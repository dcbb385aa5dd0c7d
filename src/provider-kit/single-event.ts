import { chain, type CryptoResult } from '#crypto'
import { contentId } from '../crypto/content-id.js'
import type { ParsedEvent } from '../types/provider.js'

/**
 * A delivery of one event, under the sender's own id, or under a hash of the body when the sender sent none (a
 * retry repeats the body exactly, so the hash is stable). Only the hash needs Web Crypto, so a delivery that
 * carries an id parses synchronously on every runtime.
 */
export function singleEvent(
  id: string | undefined,
  body: Uint8Array,
  event: Omit<ParsedEvent, 'id'>,
): ParsedEvent[] | CryptoResult<ParsedEvent[]> {
  if (id !== undefined && id !== '') return [{ id, ...event }]
  return chain(contentId(body), (hash) => [{ id: hash, ...event }])
}
