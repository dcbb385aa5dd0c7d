import type { IncomingMessage, ServerResponse } from 'node:http'
import getRawBody from 'raw-body'
import { BodyTooLargeError, RawBodyUnavailableError, type WebhookError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import type { WebhookResponse } from '../types.js'

/** A Node request that a framework or body parser may have decorated. */
export type NodeRequest = IncomingMessage & { rawBody?: unknown; body?: unknown; originalUrl?: string }

/**
 * Finds the raw body of a Node request, in the order a framework may hold it: `req.rawBody` (a body parser's
 * `verify` hook, koa-bodyparser), then `req.body` when it is still bytes or text (`express.raw()`, `express.text()`),
 * then the unread stream, read once up to the limit. When only a parsed object is left, the bytes are gone:
 * a `RawBodyUnavailableError` carrying `fix` is returned for the adapter to answer with.
 *
 * @example
 * ```ts
 * const body = await readNodeBody(req, receiver, 'mount the webhook route before express.json()')
 * if (body instanceof Error) return writeNodeResponse(res, receiver.reject(body))
 * ```
 */
export async function readNodeBody(
  req: NodeRequest,
  receiver: Pick<Receiver<any>, 'bodyLimit'>,
  fix: string,
): Promise<Uint8Array | string | WebhookError> {
  // Webhooks are POSTed; the core answers 405 for anything else without the body being read.
  if (req.method !== 'POST') return ''
  const { rawBody, body } = req
  if (rawBody instanceof Uint8Array || typeof rawBody === 'string') return rawBody
  if (body instanceof Uint8Array || typeof body === 'string') return body
  if (body !== undefined || req.readableEnded) return new RawBodyUnavailableError(fix)
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

/**
 * The whole Node-side flow shared by the Express and node:http adapters: find the raw body, run the receiver,
 * write the answer. A client that went away mid-body gets no answer (its socket is gone).
 *
 * @example
 * ```ts
 * http.createServer((req, res) => handleNodeRequest(receiver, req, res, fixMessage))
 * ```
 */
export async function handleNodeRequest(
  receiver: Receiver<any>,
  req: NodeRequest,
  res: ServerResponse,
  fix: string,
): Promise<void> {
  let body: Uint8Array | string | WebhookError
  try {
    body = await readNodeBody(req, receiver, fix)
  } catch {
    // The client disconnected or the stream failed mid-body: nothing was verified, nothing ran, the sender retries.
    if (!res.headersSent) res.destroy()
    return
  }
  if (body instanceof Error) {
    if (body.status === 413) {
      // Node would otherwise read (and discard) the rest of an endless body to keep the connection alive.
      res.setHeader('connection', 'close')
      res.once('finish', () => req.destroy())
    }
    return writeNodeResponse(res, receiver.reject(body))
  }
  const url = req.originalUrl ?? req.url ?? '/'
  writeNodeResponse(
    res,
    await receiver.handle({ method: req.method ?? 'GET', url, headers: req.headers, body }),
  )
}
