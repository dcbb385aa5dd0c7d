import type { WebhookResponse } from '../types/events.js'
import type { LambdaEventKind } from './lambda-event.js'

/**
 * What `lambdaHandler` returns: the one shape every HTTP event source reads. Each field is used by the sources that
 * know it, and only where the event's kind says so (`statusDescription` for an ALB; `multiValueHeaders` instead of
 * `headers` for an ALB target group with multi-value headers on).
 */
export interface LambdaHttpResult {
  statusCode: number
  /** An ALB's status line, e.g. `200 OK`. */
  statusDescription?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  body: string
  isBase64Encoded?: boolean
}

/** Reason phrases of the statuses a receiver answers with (RFC 9110 §15), for an ALB's `statusDescription`. */
const REASONS: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * The receiver's answer in the shape the event's source expects: REST APIs (and HTTP API payload 1.0) read
 * `statusCode`, `headers`, `body`, `isBase64Encoded`; payload 2.0 (HTTP APIs, Function URLs) `statusCode`,
 * `headers`, `body`; an ALB also `statusDescription`, and `multiValueHeaders` only when its target group has
 * multi-value headers on (it then ignores `headers`). The body is text, never base64.
 */
export function lambdaResult(kind: LambdaEventKind, response: WebhookResponse): LambdaHttpResult {
  const { status: statusCode, headers, body } = response
  if (kind === 'v2') return { statusCode, headers: { ...headers }, body }
  if (kind === 'v1') return { statusCode, headers: { ...headers }, body, isBase64Encoded: false }
  const reason = REASONS[statusCode]
  const statusDescription = reason === undefined ? String(statusCode) : `${statusCode} ${reason}`
  if (kind === 'alb')
    return { statusCode, statusDescription, headers: { ...headers }, body, isBase64Encoded: false }
  const multiValueHeaders: Record<string, string[]> = {}
  for (const name of Object.keys(headers)) multiValueHeaders[name] = [headers[name] as string]
  return { statusCode, statusDescription, multiValueHeaders, body, isBase64Encoded: false }
}
