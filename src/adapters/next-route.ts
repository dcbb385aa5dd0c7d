// Translates between the Next.js App Router and `receiver.handle` (through the fetch adapter), nothing else: the
// pieces every adapter shares are in src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import type { Receiver } from '../receiver.js'
import { fetchHandler } from './fetch.js'

type After = (work: Promise<unknown>) => void
let loadingAfter: Promise<After | undefined> | undefined

/**
 * `after()` from `next/server`, loaded once and lazily: `next` is an optional peer, and Next before 15.1 has no
 * `after`. Either way the answer is the same; only work after a 202 loses the platform's keep-alive.
 */
function loadAfter(): Promise<After | undefined> {
  loadingAfter ??= import('next/server.js').then(
    (next: { after?: unknown }) => (typeof next.after === 'function' ? (next.after as After) : undefined),
    () => undefined,
  )
  return loadingAfter
}

/**
 * A Next.js App Router route handler. It reads the raw bytes from the Web `Request`, and hands handlers still
 * running at the deadline to Next's `after()`, so serverless platforms keep them alive after the 202.
 *
 * @example
 * ```ts
 * // app/webhooks/stripe/route.ts
 * import { nextRouteHandler } from 'webhook-receiver/next'
 * export const POST = nextRouteHandler(receiver)
 * ```
 */
export function nextRouteHandler(receiver: Receiver<any>): (request: Request) => Promise<Response> {
  // Checked here too, so that a wrong argument is reported under this adapter's name.
  receiverAccess(receiver, 'nextRouteHandler')
  const handle = fetchHandler(receiver)
  return async (request) => {
    // Resolved before the request runs, so after() is called synchronously inside Next's request scope.
    const after = await loadAfter()
    return handle(request, { waitUntil: (work) => after?.(work) })
  }
}
