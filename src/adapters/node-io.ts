import type { IncomingMessage, ServerResponse } from 'node:http'
import getRawBody from 'raw-body'
import { BodyTooLargeError, RawBodyUnavailableError, type WebhookError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import type { HandleOptions, WebhookResponse } from '../types/events.js'

/**
 * Where a framework or body parser may already hold the body: the request itself (Express, Next.js Pages Router,
 * Fastify) or Koa's `ctx.request`.
 */
export interface BodyHolder {
  rawBody?: unknown
  body?: unknown
}

/**
 * The raw bytes a framework already holds, if any: `rawBody` (a body parser's `verify` hook, `@koa/bodyparser`,
 * `fastify-raw-body`), then `body` when it is still bytes or text (`express.raw()`, `express.text()`, a Fastify
 * buffer parser). Undefined when there are none; a parsed object is never turned back into bytes.
 *
 * @example
 * ```ts
 * heldBody({ body: Buffer.from('{"id":1}') }) // the Buffer itself
 * heldBody({ body: { id: 1 } }) // undefined
 * ```
 */
export function heldBody(holder: BodyHolder): Uint8Array | string | undefined {
  const { rawBody, body } = holder
  if (rawBody instanceof Uint8Array || typeof rawBody === 'string') return rawBody
  if (body instanceof Uint8Array || typeof body === 'string') return body
  return undefined
}

/**
 * Finds the raw body of a Node request: the bytes a framework holds (see `heldBody`), else the stream when nothing
 * has read it yet, read once up to the limit. A body parser that skipped this content type leaves the stream unread
 * even when it set a body (Express 4's `express.json()` and `@koa/bodyparser` set `{}`), so the stream decides, not
 * the body. When the stream was consumed and only a parsed object is left, the bytes are gone: a
 * `RawBodyUnavailableError` carrying `fix` is returned for the adapter to answer with.
 *
 * @example
 * ```ts
 * const body = await readNodeBody(req, req, receiver, 'mount the webhook route before express.json()')
 * if (body instanceof Error) return writeNodeResponse(res, receiver.reject(body))
 * ```
 */
export async function readNodeBody(
  req: IncomingMessage,
  holder: BodyHolder,
  receiver: Pick<Receiver<any>, 'bodyLimit'>,
  fix: string,
): Promise<Uint8Array | string | WebhookError> {
  // Webhooks are POSTed; the core answers 405 for anything else without the body being read.
  if (req.method !== 'POST') return ''
  const held = heldBody(holder)
  if (held !== undefined) return held
  if (req.readableDidRead || req.readableEnded) return new RawBodyUnavailableError(fix)
  try {
    // raw-body refuses up front when Content-Length is over the limit, and stops reading as soon as it is passed.
    return await getRawBody(req, { limit: receiver.bodyLimit, length: req.headers['content-length'] })
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large')
      return new BodyTooLargeError(receiver.bodyLimit)
    throw error
  }
}

/**
 * After a 413, closes the connection once the answer is sent: Node would otherwise read (and discard) the rest of
 * an endless body to keep the connection alive.
 *
 * @example
 * ```ts
 * closeAfterResponse(req, res)
 * writeNodeResponse(res, receiver.reject(new BodyTooLargeError(limit)))
 * ```
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close')
  res.once('finish', () => req.destroy())
}

/**
 * Writes a receiver's answer to a Node response.
 *
 * @example
 * ```ts
 * writeNodeResponse(res, await receiver.handle(request))
 * ```
 */
export function writeNodeResponse(res: ServerResponse, response: WebhookResponse): void {
  if (res.headersSent || res.writableEnded) return
  res.writeHead(response.status, response.headers)
  res.end(response.body)
}

/** One Node request as an adapter sees it. */
export interface NodeExchange {
  req: IncomingMessage & { originalUrl?: string }
  res: ServerResponse
  /** What to tell the developer when a body parser consumed the body (framework-specific). */
  fix: string
  /** Where a framework may hold the body already. Default: `req`. */
  holder?: BodyHolder
  /** Path and query as received. Default: `req.originalUrl` (Express), else `req.url`. */
  url?: string
  options?: HandleOptions
}

/**
 * The Node-side flow shared by the Express, Koa, node:http and Next.js Pages Router adapters: find the raw body,
 * run the receiver, and return its answer for the adapter to write. Undefined when the client went away mid-body:
 * its socket is destroyed and there is no one to answer.
 *
 * @example
 * ```ts
 * const response = await answerNodeRequest(receiver, { req, res, fix })
 * if (response) writeNodeResponse(res, response)
 * ```
 */
export async function answerNodeRequest(
  receiver: Receiver<any>,
  exchange: NodeExchange,
): Promise<WebhookResponse | undefined> {
  const { req, res } = exchange
  let body: Uint8Array | string | WebhookError
  try {
    body = await readNodeBody(req, exchange.holder ?? (req as BodyHolder), receiver, exchange.fix)
  } catch {
    // The client disconnected or the stream failed mid-body: nothing was verified, nothing ran, the sender retries.
    if (!res.headersSent) res.destroy()
    return undefined
  }
  if (body instanceof Error) {
    if (body.status === 413) closeAfterResponse(req, res)
    return receiver.reject(body)
  }
  const url = exchange.url ?? req.originalUrl ?? req.url ?? '/'
  return receiver.handle({ method: req.method ?? 'GET', url, headers: req.headers, body }, exchange.options)
}

/**
 * `answerNodeRequest`, then the answer written to `res`: the whole adapter for frameworks that hand over Node's
 * `req`/`res` and let the handler write.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => handleNodeRequest(receiver, { req, res, fix: 'pass the untouched request' }))
 * ```
 */
export async function handleNodeRequest(receiver: Receiver<any>, exchange: NodeExchange): Promise<void> {
  const response = await answerNodeRequest(receiver, exchange)
  if (response !== undefined) writeNodeResponse(exchange.res, response)
}
