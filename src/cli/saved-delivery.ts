/**
 * What `send --save <file>` writes and `send --replay-of <file>` reads: the deliveries exactly as they were posted
 * (URL, method, headers, body), so a replay is the same bytes. The file holds the signatures, and for GitLab and
 * Postmark the token or Basic credentials themselves, so it is written readable by its owner only.
 */
import { writeFileSync } from 'node:fs'
import type { SignedDelivery } from '../testing/delivery.js'
import { readTextFile } from './args.js'
import { UsageError } from './usage-error.js'

/** A delivery as it was posted: where to, and the signed request. */
export type PostedDelivery = SignedDelivery & { url: string }

export interface SavedDeliveries {
  /** Marks the format, so another JSON file given to --replay-of is refused clearly. */
  format: 'webhook-receiver/deliveries@1'
  provider: string
  event: string
  deliveries: PostedDelivery[]
}

export function saveDeliveries(path: string, saved: Omit<SavedDeliveries, 'format'>): void {
  const content: SavedDeliveries = { format: 'webhook-receiver/deliveries@1', ...saved }
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 })
}

export function readSavedDeliveries(path: string): SavedDeliveries {
  const hint = 'Pass a file written by `send … --save <file>`.'
  const text = readTextFile(path, '--replay-of', hint)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--replay-of ${path} is not JSON: ${(error as Error).message}. ${hint}`)
  }
  const saved = parsed as Partial<SavedDeliveries> | null
  const valid =
    saved?.format === 'webhook-receiver/deliveries@1' &&
    Array.isArray(saved.deliveries) &&
    saved.deliveries.length > 0 &&
    saved.deliveries.every(
      (delivery) =>
        typeof delivery?.url === 'string' &&
        typeof delivery.body === 'string' &&
        typeof delivery.headers === 'object' &&
        delivery.headers !== null &&
        Object.values(delivery.headers).every((value) => typeof value === 'string'),
    )
  if (!valid)
    throw new UsageError(
      `--replay-of ${path}: not a file written by \`send … --save <file>\` (or it holds no delivery).`,
    )
  return saved as SavedDeliveries
}
