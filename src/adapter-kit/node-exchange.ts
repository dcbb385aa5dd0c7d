import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebhookError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import type { HandleOptions, WebhookResponse } from '../types/events.js'
import { readNodeBody, type BodyHolder } from './node-body.js'
import { closeAfterResponse, writeNodeResponse } from './node-response.js'
import type { ReceiverAccess } from './receiver-access.js'

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
 * The Node-side flow shared by the Express, Koa, node:http and Next.js Pages Router adapters: refuse what needs no
 * body before reading any, find the raw body, run the receiver, and return its answer for the adapter to write.
 * Undefined when the client went away mid-body: its socket is destroyed and there is no one to answer.
 */
export async function answerNodeRequest(
  receiver: Receiver<any>,
  access: ReceiverAccess,
  exchange: NodeExchange,
): Promise<WebhookResponse | undefined> {
  const { req, res } = exchange
  const url = exchange.url ?? req.originalUrl ?? req.url ?? '/'
  const refusal = access.refuseBeforeBody(req.method ?? 'GET', url, req.headers)
  if (refusal !== undefined) {
    closeAfterResponse(req, res)
    return refusal
  }
  let body: Uint8Array | string | WebhookError
  try {
    body = await readNodeBody(req, exchange.holder ?? (req as BodyHolder), access.bodyLimit, exchange.fix)
  } catch {
    // The client disconnected or the stream failed mid-body: nothing was verified, nothing ran, the sender retries.
    if (!res.headersSent) res.destroy()
    return undefined
  }
  if (body instanceof Error) {
    if (body.status === 413) closeAfterResponse(req, res)
    return access.reject(body, url)
  }
  return receiver.handle({ method: req.method ?? 'GET', url, headers: req.headers, body }, exchange.options)
}

/**
 * `answerNodeRequest`, then the answer written to `res`: the whole adapter for frameworks that hand over Node's
 * `req`/`res` and let the handler write.
 */
export async function handleNodeRequest(
  receiver: Receiver<any>,
  access: ReceiverAccess,
  exchange: NodeExchange,
): Promise<void> {
  const response = await answerNodeRequest(receiver, access, exchange)
  if (response !== undefined) writeNodeResponse(exchange.res, response)
}
