import { createHash } from 'node:crypto'

/**
 * A dedup id for senders that send none: the SHA-256 of the signed material. A retry carries the same bytes and
 * so the same id; two different events never share one.
 *
 * @example
 * ```ts
 * const id = contentId(timestampText, rawBody) // 'sha256:9f86d0…'
 * ```
 */
export function contentId(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return `sha256:${hash.digest('hex')}`
}
