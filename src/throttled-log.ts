import type { Logger } from './dispatch.js'

/**
 * A logger call for failures that repeat while a backend is down (every delivery's enqueue, every reconnect of a
 * worker): the first one is logged at once, then at most one line per `intervalMs`, counting the ones left out, so
 * an outage is visible without a log line per request.
 */
export function throttledLog(logger: Logger, message: string, intervalMs = 10_000): (error: unknown) => void {
  let last: number | undefined
  let skipped = 0
  return (error) => {
    const now = performance.now()
    if (last !== undefined && now - last < intervalMs) {
      skipped++
      return
    }
    last = now
    const more = skipped === 0 ? '' : ` (${skipped} more since the last report)`
    skipped = 0
    logger.error(`${message}${more}`, error)
  }
}
