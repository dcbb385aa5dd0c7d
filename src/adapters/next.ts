// Translates between Next.js and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import type { NextApiRequest, NextApiResponse } from 'next'
import { handleNodeRequest } from '../adapter-kit/node-exchange.js'
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import type { Receiver } from '../receiver.js'
import type { HandleOptions } from '../types/events.js'

// The App Router handler lives on its own so the edge build (Next's edge runtime) can ship it without Node's.
export { nextRouteHandler } from './next-route.js'

const FIX =
  'Next.js parsed the body before the handler ran. Add `export const config = { api: { bodyParser: false } }` to ' +
  'this API route file (pages/api/…), next to the handler.'

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
  const access = receiverAccess(receiver, 'nextApiHandler')
  return (req, res) => handleNodeRequest(receiver, access, { req, res, fix: FIX, options })
}
