import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { answerFastifyRequest, sendFastifyReply } from '../../adapter-kit/fastify-exchange.js'
import { handleNodeRequest } from '../../adapter-kit/node-exchange.js'
import { receiverAccess } from '../../adapter-kit/receiver-access.js'
import type { Receiver } from '../../receiver.js'

/**
 * Nest parses JSON and form bodies for every route before any controller runs, on both platforms; with
 * `rawBody: true` it also keeps their bytes on `req.rawBody` (https://docs.nestjs.com/faq/raw-body).
 */
export const NEST_FIX =
  'Nest parsed the body before the webhook route got it and did not keep its bytes. Create the app with ' +
  'NestFactory.create(AppModule, { rawBody: true }) (on @nestjs/platform-express and @nestjs/platform-fastify ' +
  'alike): Nest then keeps them on req.rawBody, and the app keeps its parsed bodies.'

/**
 * What a webhook route's controller does with the request Nest hands it (`@Req()`, `@Res()`): on Express, the
 * Node flow (the bytes Nest kept on `req.rawBody`, else the stream when no parser took its content type); on
 * Fastify, the body Fastify's parsers read. Either way the receiver's answer is written as it is.
 */
export function nestRouteHandler(
  receiver: Receiver<any>,
): (req: IncomingMessage | FastifyRequest, res: ServerResponse | FastifyReply) => Promise<void> {
  const access = receiverAccess(receiver, 'WebhookModule')
  return async (req, res) => {
    if (isFastifyReply(res)) {
      const response = await answerFastifyRequest(receiver, access, req as FastifyRequest, NEST_FIX)
      sendFastifyReply(res, response)
      return
    }
    await handleNodeRequest(receiver, access, { req: req as IncomingMessage, res, fix: NEST_FIX })
  }
}

/** A Fastify reply wraps Node's response (`raw`); Express's response is Node's own. */
function isFastifyReply(res: ServerResponse | FastifyReply): res is FastifyReply {
  return 'raw' in res && typeof (res as FastifyReply).code === 'function'
}
