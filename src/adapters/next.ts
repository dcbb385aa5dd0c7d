import type { NextApiRequest, NextApiResponse } from 'next'
import type { Receiver } from '../receiver.js'
import type { HandleOptions } from '../types.js'
import { fetchHandler } from './fetch.js'
import { handleNodeRequest } from './node-io.js'

const FIX =
  'Next.js parsed the body before the handler ran. Add `export const config = { api: { bodyParser: false } }` to ' +
  'this API route file (pages/api/…), next to the handler.'

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
  const handle = fetchHandler(receiver)
  return async (request) => {
    // Resolved before the request runs, so after() is called synchronously inside Next's request scope.
    const after = await loadAfter()
    return handle(request, { waitUntil: (work) => after?.(work) })
  }
}

/**
 * A Next.js Pages Router API route. Next parses bodies by default, which loses the bytes: the route file must
 * export `config = { api: { bodyParser: false } }`; without it the answer is 500 `raw_body_unavailable` saying so.
 * Pages API routes have no `after()`: on Vercel pass `waitUntil` from `@vercel/functions` to keep work after a 202.
 *
 * @example
 * ```ts
 * // pages/api/webhooks/stripe.ts
 * import { nextApiHandler } from 'webhook-receiver/next'
 * export const config = { api: { bodyParser: false } }
 * export default nextApiHandler(receiver)
 * ```
 */
export function nextApiHandler(
  receiver: Receiver<any>,
  options: HandleOptions = {},
): (req: NextApiRequest, res: NextApiResponse) => Promise<void> {
  return (req, res) => handleNodeRequest(receiver, { req, res, fix: FIX, options })
}
