import { InternalError, isWebhookError, type MethodNotAllowedError, type WebhookError } from './errors.js'
import type { WebhookResponse } from './types/events.js'

const JSON_TYPE: Record<string, string> = Object.freeze({ 'content-type': 'application/json' }) as Record<
  string,
  string
>

/** The bodies of the 2xx answers; constant strings, so answering allocates nothing. */
export const RECEIVED: WebhookResponse = Object.freeze({
  status: 200,
  headers: JSON_TYPE,
  body: '{"received":true}',
})
export const DUPLICATE: WebhookResponse = Object.freeze({
  status: 200,
  headers: JSON_TYPE,
  body: '{"received":true,"duplicate":true}',
})
/** Queue mode: the event is stored as a job, and a worker will run its handlers. */
export const QUEUED: WebhookResponse = Object.freeze({
  status: 200,
  headers: JSON_TYPE,
  body: '{"received":true,"queued":true}',
})
export const ACCEPTED: WebhookResponse = Object.freeze({
  status: 202,
  headers: JSON_TYPE,
  body: '{"received":true,"pending":true}',
})

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * Turns a refusal into an RFC 9457 problem response. Only the error's own `message` (written by this library,
 * never containing a secret or signature) is sent; causes and stacks stay in the process.
 *
 * @example
 * ```ts
 * problemResponse(new SignatureInvalidError()) // { status: 401, headers: { 'content-type': 'application/problem+json' }, … }
 * ```
 */
export function problemResponse(error: unknown): WebhookResponse {
  const refusal: WebhookError = isWebhookError(error) ? error : new InternalError(error)
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (refusal.status === 405) headers.allow = (refusal as Partial<MethodNotAllowedError>).allow ?? 'POST'
  if (refusal.retryAfter !== undefined) headers['retry-after'] = String(refusal.retryAfter)
  const body = JSON.stringify({
    type: `urn:webhook-receiver:error:${refusal.code}`,
    title: TITLES[refusal.status] ?? 'Error',
    status: refusal.status,
    code: refusal.code,
    detail: refusal.message,
  })
  return { status: refusal.status, headers, body }
}
