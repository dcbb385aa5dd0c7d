import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebhookResponse } from '../types/events.js'

/** Writes a receiver's answer to a Node response, unless something already answered. */
export function writeNodeResponse(res: ServerResponse, response: WebhookResponse): void {
  if (res.headersSent || res.writableEnded) return
  res.writeHead(response.status, response.headers)
  res.end(response.body)
}

/**
 * After a 413, closes the connection once the answer is sent: Node would otherwise read (and discard) the rest of
 * an endless body to keep the connection alive.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close')
  res.once('finish', () => req.destroy())
}
