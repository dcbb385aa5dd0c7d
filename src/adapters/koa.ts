// Translates between Koa and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import type { Middleware } from 'koa'
import type { BodyHolder } from '../adapter-kit/node-body.js'
import { answerNodeRequest } from '../adapter-kit/node-exchange.js'
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import type { Receiver } from '../receiver.js'

const FIX =
  'a body parser (koa-body, koa-bodyparser, …) consumed the body before the webhook route and kept no raw copy. ' +
  'Register the webhook route before app.use(bodyParser()), or use @koa/bodyparser, which keeps ctx.request.rawBody.'

/**
 * Koa 2 and 3 middleware for a webhook route (plain or with `@koa/router`). It uses `ctx.request.rawBody` when
 * `@koa/bodyparser` or `koa-bodyparser` ran first, reads the stream otherwise, and answers 500 `raw_body_unavailable`
 * with the fix when only a parsed object is left.
 *
 * @example
 * ```ts
 * import Router from '@koa/router'
 * import { koaMiddleware } from 'webhook-receiver/koa'
 * const router = new Router()
 * router.all('/webhooks/stripe', koaMiddleware(receiver))
 * app.use(router.routes())
 * ```
 */
export function koaMiddleware(receiver: Receiver<any>): Middleware {
  const access = receiverAccess(receiver, 'koaMiddleware')
  return async (ctx) => {
    const response = await answerNodeRequest(receiver, access, {
      req: ctx.req,
      res: ctx.res,
      // Koa keeps what body parsers produce on ctx.request, not on Node's req.
      holder: ctx.request as BodyHolder,
      url: ctx.originalUrl,
      fix: FIX,
    })
    if (response === undefined) {
      // The client went away and its socket is destroyed: Koa must not try to answer.
      ctx.respond = false
      return
    }
    ctx.status = response.status
    ctx.set(response.headers)
    ctx.body = response.body
  }
}
