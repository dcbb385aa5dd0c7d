import type { FastifyReply, FastifyRequest } from 'fastify'
import { RawBodyUnavailableError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import type { WebhookResponse } from '../types/events.js'
import { heldBody, type BodyHolder } from './node-body.js'
import type { ReceiverAccess } from './receiver-access.js'

/**
 * The Fastify-side flow shared by the Fastify and NestJS (on `@nestjs/platform-fastify`) adapters. Fastify has read
 * the body (or refused it) before any handler runs, so the bytes are the ones a buffer parser left on `body` or a
 * parser's `rawBody`; no body at all arrives as undefined. A body parsed into an object is answered 500
 * `raw_body_unavailable` carrying `fix`.
 */
export async function answerFastifyRequest(
  receiver: Receiver<any>,
  access: ReceiverAccess,
  request: FastifyRequest,
  fix: string,
): Promise<WebhookResponse> {
  const body = heldBody(request as BodyHolder) ?? (request.body == null ? '' : undefined)
  const { method, url, headers } = request
  if (body === undefined) return access.reject(new RawBodyUnavailableError(fix), url)
  return receiver.handle({ method, url, headers, body })
}

/** As bytes, so Fastify sends the receiver's headers unchanged (it appends a charset to string payloads). */
export function sendFastifyReply(reply: FastifyReply, response: WebhookResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(Buffer.from(response.body))
}
