/**
 * What a webhook sender does with an answer, for proofs that run many copies of a delivery through real servers:
 * a 2xx ends it; a 409 or 503 (the copy in flight elsewhere, a store or instance that cannot take it now) and a
 * dropped connection are retried with exponential backoff and full jitter, a bounded number of times; anything else
 * is final. Real senders retry over hours (Stripe for three days); the same schedule is compressed to milliseconds.
 */

/** What one attempt got: its status, or 0 when the connection dropped before an answer. */
export interface Attempt {
  status: number
  retryAfter: string | null
}

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 20. */
  attempts?: number
  /** The first backoff, doubled after each retry. Default 25 ms. */
  baseMs?: number
  /** The longest backoff. Default 2 s. */
  capMs?: number
  /** A random number in [0, 1), for the jitter. Default: a seeded generator, so a failure reproduces. */
  random?: () => number
}

/** Statuses a sender retries (and 0: no answer at all). */
const RETRIED = new Set([0, 409, 503])

/**
 * Sends `attempt` until it succeeds or its attempts are spent, waiting `random() * min(cap, base * 2^n)` before
 * retry n. Resolves with every attempt's outcome, the last one deciding.
 */
export async function deliverLikeASender(
  attempt: (n: number) => Promise<Attempt>,
  policy: RetryPolicy = {},
): Promise<Attempt[]> {
  const { attempts = 20, baseMs = 25, capMs = 2_000, random = seededRandom() } = policy
  const outcomes: Attempt[] = []
  for (let n = 0; n < attempts; n++) {
    const outcome = await attempt(n)
    outcomes.push(outcome)
    if (!RETRIED.has(outcome.status)) break
    await new Promise((resolve) => setTimeout(resolve, random() * Math.min(capMs, baseMs * 2 ** n)))
  }
  return outcomes
}

/** A deterministic generator (xorshift32) of numbers in [0, 1). */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
}

/**
 * Polls `check` until it passes. A slow machine gets as long as it needs while it makes progress: it fails only
 * after `idleMs` during which neither `check` passed nor `progress()` changed (the count of handlers done, of
 * senders answered), so a loaded machine is waited for and a stuck one is not.
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { progress?: () => unknown; idleMs?: number } = {},
): Promise<void> {
  const { progress = () => undefined, idleMs = 30_000 } = options
  let last = progress()
  let lastChange = performance.now()
  for (;;) {
    if (await check()) return
    const now = progress()
    if (now !== last) {
      last = now
      lastChange = performance.now()
    } else if (performance.now() - lastChange > idleMs) {
      throw new Error(`${what}: not reached, and no progress for ${idleMs} ms (last: ${String(now)})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
