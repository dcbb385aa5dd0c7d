import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebhookResponse } from '../types/events.js'

/** Writes a receiver's answer to a Node response, unless something already answered. */
export function writeNodeResponse(res: ServerResponse, response: WebhookResponse): void {
  if (res.headersSent || res.writableEnded) return
  res.writeHead(response.status, response.headers)
  res.end(response.body)
}

/**
 * When a request is answered without its body being read (refused before it, or past the limit), closes the
 * connection once the answer is sent: Node would otherwise read (and discard) the rest of a body of any size to keep
 * the connection alive. Nothing to do when the whole request has already arrived, or has no body (a GET).
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || !bodyExpected(req)) return
  res.setHeader('connection', 'close')
  res.once('finish', () => req.destroy())
}

/** Whether the request announced a body (RFC 9112 §6.3: a Transfer-Encoding, or a non-zero Content-Length). */
function bodyExpected(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
