// Translates between AWS Lambda's HTTP events and `receiver.handle`, nothing else: the pieces every adapter shares
// are in src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import { eventBody, eventKind, requestLine, type LambdaHttpEvent } from '../adapter-kit/lambda-event.js'
import { lambdaResult, type LambdaHttpResult } from '../adapter-kit/lambda-result.js'
import { receiverAccess, type ReceiverAccess } from '../adapter-kit/receiver-access.js'
import { BodyTooLargeError, isWebhookError, type WebhookError } from '../errors.js'
import type { Receiver } from '../receiver.js'
import { RECEIVED } from '../responses.js'
import type { WebhookResponse } from '../types/events.js'

export type { LambdaHttpEvent } from '../adapter-kit/lambda-event.js'
export type { LambdaHttpResult } from '../adapter-kit/lambda-result.js'

/**
 * An AWS Lambda handler for webhooks behind API Gateway (REST APIs with Lambda proxy integration, HTTP APIs with
 * payload 1.0 or 2.0), a Lambda Function URL or an Application Load Balancer (with or without multi-value headers).
 * It reads the event's kind itself, decodes a base64 body to the exact bytes sent, and answers in the shape that
 * source expects.
 *
 * Lambda freezes the process as soon as the handler returns, so the answer waits for the handlers: past the
 * receiver's deadline too, instead of a 202 that would leave them frozen. It is 200 once they succeed and 500 when
 * one fails (the sender retries). Handlers longer than the sender's own timeout belong in queue mode
 * (`webhook-receiver/queues/bullmq`, docs/durable-processing.md).
 *
 * @example
 * ```ts
 * import { createReceiver } from 'webhook-receiver'
 * import { lambdaHandler } from 'webhook-receiver/aws-lambda'
 * import { stripe } from 'webhook-receiver/providers/stripe'
 *
 * const receiver = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
 * receiver.on('payment_intent.succeeded', async (event) => markPaid(event.payload.data.object.id))
 * export const handler = lambdaHandler(receiver)
 * ```
 */
export function lambdaHandler(
  receiver: Receiver<any>,
): (event: LambdaHttpEvent, context?: unknown) => Promise<LambdaHttpResult> {
  const access = receiverAccess(receiver, 'lambdaHandler')
  return async (event) => {
    const kind = eventKind(event)
    const { method, url, headers } = requestLine(event, kind)
    const refusal = access.refuseBeforeBody(method, url, headers)
    if (refusal !== undefined) return lambdaResult(kind, refusal)
    // Webhooks are POSTed; the core answers 405 to anything else without the body being decoded.
    const body = method === 'POST' ? eventBody(event, access.bodyLimit) : new Uint8Array(0)
    if (body instanceof BodyTooLargeError) return lambdaResult(kind, access.reject(body, url))
    const running: Promise<unknown>[] = []
    const waitUntil = (work: Promise<unknown>) => void running.push(work)
    const response = await receiver.handle({ method, url, headers, body }, { waitUntil })
    if (running.length === 0) return lambdaResult(kind, response)
    return lambdaResult(kind, await afterHandlers(access, response, running, url))
  }
}

/**
 * The answer once the handlers still running at the deadline have settled: the receiver hands them to `waitUntil`
 * as work that resolves to the `HandlerFailedError` when one failed (src/run-handlers.ts). A failure is answered 500
 * `handler_failed` (its reservation was released, so the sender's retry runs it again); the deadline's 202 becomes
 * 200, as the handlers are done. Any other answer (a batch item that failed first, `onDeadline: 'retry'`'s 503)
 * stands.
 */
async function afterHandlers(
  access: ReceiverAccess,
  response: WebhookResponse,
  running: Promise<unknown>[],
  url: string,
): Promise<WebhookResponse> {
  const failures = await Promise.all(
    running.map((work) =>
      work.then(
        (outcome) => (isWebhookError(outcome) ? outcome : undefined),
        (error: unknown) => error ?? new Error('the handlers failed'),
      ),
    ),
  )
  const failure = failures.find((outcome) => outcome !== undefined)
  if (failure !== undefined) return access.reject(failure as WebhookError, url)
  return response.status === 202 ? RECEIVED : response
}
