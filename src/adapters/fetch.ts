// Translates between Web `Request`/`Response` and `receiver.handle`, nothing else: the pieces every adapter
// shares are in src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import { readWebBody } from '../adapter-kit/web-body.js'
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
 * // Workers pass their context (with waitUntil) second; Bun and Deno pass something else, which is ignored.
 * export default { fetch: (request: Request, _env?: unknown, ctx?: { waitUntil(work: Promise<unknown>): void }) => handle(request, ctx) }
 * ```
 */
export function fetchHandler(
  receiver: Receiver<any>,
  options: HandleOptions = {},
): (request: Request, context?: HandleOptions) => Promise<Response> {
  const access = receiverAccess(receiver, 'fetchHandler')
  return async (request, context) => {
    const refusal = access.refuseBeforeBody(request.method, request.url, request.headers)
    if (refusal !== undefined) return refuseUnread(request, refusal)
    const body = request.method === 'POST' ? await readWebBody(request, access.bodyLimit) : new Uint8Array(0)
    if (body instanceof BodyTooLargeError) return refuseUnread(request, access.reject(body, request.url))
    const { method, url, headers } = request
    // Runtimes pass other things second (Bun its server, Deno its info): only a context with waitUntil wins.
    const keepAlive = typeof context?.waitUntil === 'function' ? context : options
    return toResponse(await receiver.handle({ method, url, headers, body }, keepAlive))
  }
}

/**
 * Answers a request whose body is not read (refused whatever it holds, or over the limit) without reading the rest:
 * the stream is cancelled, so the runtime stops receiving it, and `Connection: close` asks a Node-based server
 * (@hono/node-server) to close the connection rather than drain the body to keep it.
 */
function refuseUnread(request: Request, refusal: WebhookResponse): Response {
  if (request.body === null) return toResponse(refusal)
  if (!request.bodyUsed) request.body.cancel().catch(() => undefined)
  return toResponse({ ...refusal, headers: { ...refusal.headers, connection: 'close' } })
}

function toResponse(response: WebhookResponse): Response {
  // A 204 has no body: the Fetch standard's Response refuses one, even an empty string (Discord's acknowledgement).
  const body = response.status === 204 ? null : response.body
  return new Response(body, { status: response.status, headers: response.headers })
}
