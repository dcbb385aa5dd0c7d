// Translates between Express and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { handleNodeRequest } from '../adapter-kit/node-exchange.js'
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import type { Receiver } from '../receiver.js'

const FIX =
  'a body parser (express.json(), express.urlencoded(), …) consumed the body before the webhook route. ' +
  'Mount the webhook route before app.use(express.json()), or keep the bytes with ' +
  'express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }).'

/**
 * Express 4 and 5 middleware for a webhook route. Works whether it is mounted before or after the app's body
 * parsers: it uses `express.raw()` bytes or `req.rawBody` when present, reads the stream otherwise, and answers
 * 500 `raw_body_unavailable` with the fix when only a parsed object is left.
 *
 * @example
 * ```ts
 * import { expressMiddleware } from 'webhook-receiver/express'
 * app.post('/webhooks/stripe', expressMiddleware(receiver))
 * app.use(express.json()) // the app's other routes
 * ```
 */
export function expressMiddleware(receiver: Receiver<any>): RequestHandler {
  const access = receiverAccess(receiver, 'expressMiddleware')
  return (req: Request, res: Response, next: NextFunction) => {
    handleNodeRequest(receiver, access, { req, res, fix: FIX }).catch(next)
  }
}
