// Translates between Fastify and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { answerFastifyRequest, sendFastifyReply as send } from '../adapter-kit/fastify-exchange.js'
import { closeAfterResponse } from '../adapter-kit/node-response.js'
import { receiverAccess, type ReceiverAccess } from '../adapter-kit/receiver-access.js'
import { BodyTooLargeError } from '../errors.js'
import type { Receiver } from '../receiver.js'

const FIX =
  'Fastify parsed the body before fastifyHandler() got it. Use app.register(fastifyPlugin, { receiver, path }), or ' +
  'declare the route inside app.register(async (scope) => { fastifyRawBody(scope, receiver); scope.post(path, ' +
  'fastifyHandler(receiver)) }) so the body arrives as bytes.'

/** Options of `fastifyPlugin`. */
export interface FastifyWebhookOptions {
  receiver: Receiver<any>
  /** The webhook route, e.g. `/webhooks/stripe` (under the `prefix` of `register`, if any). */
  path: string
}

/**
 * Registers the webhook route in its own encapsulation context: the body arrives as raw bytes there (bounded by the
 * receiver's `bodyLimit`, 413 `body_too_large` past it), while the app's other routes keep their JSON parsing.
 *
 * @example
 * ```ts
 * import { fastifyPlugin } from 'webhook-receiver/fastify'
 * await app.register(fastifyPlugin, { receiver, path: '/webhooks/stripe' })
 * ```
 */
export function fastifyPlugin(
  scope: FastifyInstance,
  { receiver, path }: FastifyWebhookOptions,
  done: (error?: Error) => void,
): void {
  fastifyRawBody(scope, receiver)
  // Every method, so a GET gets the receiver's 405 with `Allow: POST` rather than Fastify's 404.
  scope.all(path, fastifyHandler(receiver))
  done()
}

/**
 * Makes every route of `scope` receive the body as a Buffer, up to the receiver's `bodyLimit` (413 with the
 * receiver's problem body past it); its `fastifyHandler` routes answer what is refused whatever the body (a URL
 * without the path token, a method the provider does not use, no signature header) before the body is read. Call it
 * on an encapsulated scope (`app.register(async (scope) => …)`), never on the root: parsers and error handlers added
 * there would apply to the whole app.
 *
 * @example
 * ```ts
 * app.register(async (scope) => {
 *   fastifyRawBody(scope, receiver)
 *   scope.post('/webhooks/stripe', { preHandler: audit }, fastifyHandler(receiver))
 * })
 * ```
 */
export function fastifyRawBody(scope: FastifyInstance, receiver: Receiver<any>): void {
  const { bodyLimit, reject } = receiverAccess(receiver, 'fastifyRawBody')
  // A route of this scope served by fastifyHandler gets an onRequest hook of its own, which runs before Fastify
  // reads the body; the scope's other routes are left as they are.
  scope.addHook('onRoute', (route) => {
    const access = handlerAccess.get(route.handler)
    if (access === undefined) return
    const own = route.onRequest === undefined ? [] : [route.onRequest].flat()
    route.onRequest = [refuseUnread(access), ...own]
  })
  scope.removeAllContentTypeParsers()
  // '*' takes every content type, JSON included, now that this scope has no other parser.
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body))
  scope.setErrorHandler(async (error: { statusCode?: number }, request, reply) => {
    if (error.statusCode !== 413) throw error // the app's own error handling
    closeAfterResponse(request.raw, reply.raw)
    return send(reply, reject(new BodyTooLargeError(bodyLimit), request.url))
  })
}

/**
 * A Fastify route handler, for routes you declare yourself. It needs the raw bytes: declare the route in a scope
 * prepared with `fastifyRawBody` (or keep `request.rawBody` with `fastify-raw-body`); a body Fastify parsed into an
 * object is answered 500 `raw_body_unavailable` with that fix.
 *
 * @example
 * ```ts
 * app.register(async (scope) => {
 *   fastifyRawBody(scope, receiver)
 *   scope.post('/webhooks/stripe', fastifyHandler(receiver))
 * })
 * ```
 */
export function fastifyHandler(
  receiver: Receiver<any>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const access = receiverAccess(receiver, 'fastifyHandler')
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    send(reply, await answerFastifyRequest(receiver, access, request, FIX))
  handlerAccess.set(handler, access)
  return handler
}

/** The receiver access of each handler made by `fastifyHandler`, for the routes `fastifyRawBody` prepares. */
const handlerAccess = new WeakMap<object, ReceiverAccess>()

/** Answers what is refused whatever its body, before Fastify reads it, and closes the connection after. */
function refuseUnread(access: ReceiverAccess): onRequestHookHandler {
  return async (request, reply) => {
    const refusal = access.refuseBeforeBody(request.method, request.url, request.headers)
    if (refusal === undefined) return
    closeAfterResponse(request.raw, reply.raw)
    return send(reply, refusal)
  }
}
