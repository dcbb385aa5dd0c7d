import { BodyTooLargeError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import type { HandleOptions, WebhookResponse } from '../types/events.js'

/**
 * A Web-standard handler, `(Request, context?) => Promise<Response>`, for Hono, Bun, Deno, Cloudflare Workers or
 * any `fetch` runtime. The body is read from the stream once, stopping as soon as it passes the limit.
 *
 * Handlers still running at the deadline go on after the 202; on platforms that stop work once the response is sent,
 * hand them over with `waitUntil`: per request (Cloudflare's `ctx`, passed as the second argument and called as
 * `ctx.waitUntil(work)`), or once here (Vercel's `waitUntil` from `@vercel/functions`).
 *
 * @example
 * ```ts
 * import { fetchHandler } from 'webhook-receiver/fetch'
 * const handle = fetchHandler(receiver)
 * export default { fetch: (request: Request, _env: unknown, ctx: ExecutionContext) => handle(request, ctx) }
 * ```
 */
export function fetchHandler(
  receiver: Receiver<any>,
  options: HandleOptions = {},
): (request: Request, context?: HandleOptions) => Promise<Response> {
  return async (request, context) => {
    const body =
      request.method === 'POST' ? await readWebBody(request, receiver.bodyLimit) : new Uint8Array(0)
    if (body instanceof BodyTooLargeError) return toResponse(receiver.reject(body))
    const { method, url, headers } = request
    // Runtimes pass other things second (Bun its server, Deno its info): only a context with waitUntil wins.
    const keepAlive = typeof context?.waitUntil === 'function' ? context : options
    return toResponse(await receiver.handle({ method, url, headers, body }, keepAlive))
  }
}

function toResponse(response: WebhookResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers })
}

/** Reads a Web body up to `limit` bytes into one buffer; cancels the stream (never buffers the rest) past it. */
async function readWebBody(request: Request, limit: number): Promise<Uint8Array | BodyTooLargeError> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) return new BodyTooLargeError(limit)
  // A declared length within the limit bounds the body (HTTP framing ends it there): read it whole, which runtimes
  // do without a stream per request. Before touching `request.body`: @hono/node-server builds a stream on that.
  if (declared >= 0) return new Uint8Array(await request.arrayBuffer())
  if (request.body === null) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return new BodyTooLargeError(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
