import type { IncomingMessage } from 'node:http'
import getRawBody from 'raw-body'
import { BodyTooLargeError, RawBodyUnavailableError, type WebhookError } from '../errors.js'

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
 */
export function heldBody(holder: BodyHolder): Uint8Array | string | undefined {
  const { rawBody, body } = holder
  if (rawBody instanceof Uint8Array || typeof rawBody === 'string') return rawBody
  if (body instanceof Uint8Array || typeof body === 'string') return body
  return undefined
}

/**
 * Finds the raw body of a Node request: the bytes a framework holds (see `heldBody`), else the stream when nothing
 * has read it yet, read once up to `bodyLimit`. A body parser that skipped this content type leaves the stream
 * unread even when it set a body (Express 4's `express.json()` and `@koa/bodyparser` set `{}`), so the stream
 * decides, not the body. When the stream was consumed and only a parsed object is left, the bytes are gone: a
 * `RawBodyUnavailableError` carrying `fix` is returned for the adapter to answer with.
 */
export async function readNodeBody(
  req: IncomingMessage,
  holder: BodyHolder,
  bodyLimit: number,
  fix: string,
): Promise<Uint8Array | string | WebhookError> {
  // Webhooks are POSTed; the core answers 405 for anything else without the body being read.
  if (req.method !== 'POST') return ''
  const held = heldBody(holder)
  if (held !== undefined) return held
  if (req.readableDidRead || req.readableEnded) return new RawBodyUnavailableError(fix)
  try {
    // raw-body refuses up front when Content-Length is over the limit, and stops reading as soon as it is passed.
    return await getRawBody(req, { limit: bodyLimit, length: req.headers['content-length'] })
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') return new BodyTooLargeError(bodyLimit)
    throw error
  }
}
