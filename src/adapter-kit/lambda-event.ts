// Reads an AWS Lambda HTTP event (API Gateway REST and HTTP APIs, Function URLs, Application Load Balancers) as the
// request it carries: method, URL, headers and the raw body. The event shapes are documented by AWS: REST APIs in
// "Lambda proxy integrations in API Gateway" (input format), HTTP APIs in "Create AWS Lambda proxy integrations for
// HTTP APIs" (payload format 2.0, which Function URLs share: "Invoking Lambda function URLs"), ALBs in "Lambda
// functions as targets" of the Application Load Balancer guide.
import type { ALBEvent, APIGatewayProxyEventBase, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda'
import { BodyTooLargeError } from '../errors.js'
import { normalizeHeaders } from '../headers.js'

/** The HTTP events `lambdaHandler` takes: API Gateway REST (v1) and HTTP (v2) APIs, Function URLs and ALBs. */
export type LambdaHttpEvent =
  APIGatewayProxyEventBase<unknown> | APIGatewayProxyEventV2WithRequestContext<unknown> | ALBEvent

/** Which of the shapes an event has, which decides the shape of the answer too. */
export type LambdaEventKind = 'v1' | 'v2' | 'alb' | 'alb-multi'

/** What the event says of the request, besides its body. */
export interface LambdaRequestLine {
  kind: LambdaEventKind
  method: string
  /** The full URL the sender called: scheme, host, the path as received and the query string. */
  url: string
  /** Lower-cased names; repeated headers joined with ", " as Node joins them. */
  headers: Record<string, string>
}

type Values = Readonly<Record<string, string | readonly string[] | null | undefined>> | null | undefined

interface AnyHttpEvent {
  version?: unknown
  httpMethod?: unknown
  path?: unknown
  rawPath?: unknown
  rawQueryString?: unknown
  cookies?: unknown
  headers?: Values
  multiValueHeaders?: Values
  queryStringParameters?: Values
  multiValueQueryStringParameters?: Values
  requestContext?: {
    elb?: unknown
    path?: unknown
    domainName?: unknown
    http?: { method?: unknown }
  } | null
  body?: unknown
  isBase64Encoded?: unknown
}

/** The kind of an HTTP event; a TypeError naming the fix for any other event (SQS, S3, a test's `{}`). */
export function eventKind(event: unknown): LambdaEventKind {
  const http = event as AnyHttpEvent | null
  if (typeof http === 'object' && http !== null) {
    if (http.version === '2.0' && typeof http.requestContext?.http?.method === 'string') return 'v2'
    if (typeof http.httpMethod === 'string') {
      if (http.requestContext?.elb === undefined) return 'v1'
      // An ALB sets either headers or multiValueHeaders, as its target group's multi-value setting says; the answer
      // must use the same one (Application Load Balancer guide, "Multi-value headers").
      return http.multiValueHeaders != null ? 'alb-multi' : 'alb'
    }
  }
  throw new TypeError(
    'lambdaHandler(receiver): this event is not an HTTP request. Invoke the function from API Gateway (a REST API with Lambda proxy integration, or an HTTP API), a Function URL or an Application Load Balancer target group.',
  )
}

/** Method, URL and headers of an HTTP event of `kind`. */
export function requestLine(event: LambdaHttpEvent, kind: LambdaEventKind): LambdaRequestLine {
  const http = event as AnyHttpEvent
  // A REST API sends every header in both; `multiValueHeaders` keeps each value of a repeated one.
  const single = kind === 'v2' || kind === 'alb'
  const headers = normalizeHeaders((single ? http.headers : (http.multiValueHeaders ?? http.headers)) ?? {})
  // Payload 2.0 moves the Cookie header into `cookies` ("Payload format differences").
  if (kind === 'v2' && Array.isArray(http.cookies) && http.cookies.length > 0) {
    headers.cookie = http.cookies.join('; ')
  }
  const method = String(kind === 'v2' ? http.requestContext?.http?.method : http.httpMethod)
  return { kind, method, url: urlOf(http, kind, headers), headers }
}

/**
 * The URL the sender called, for providers that sign it (Twilio) and for the path token. API Gateway and Function
 * URLs serve HTTPS only; an ALB says which scheme it received in the X-Forwarded-Proto it sets itself. The path is
 * the one the client asked for: payload 2.0's `rawPath`, a REST API's `requestContext.path` (stage included; `path`
 * is the resource path without it). The query is payload 2.0's `rawQueryString` as sent; a REST API passes only the
 * decoded parameters, so they are encoded again, which may differ from the bytes sent; an ALB passes them still
 * encoded ("the load balancer does not decode them"), so they are joined as they are.
 */
function urlOf(http: AnyHttpEvent, kind: LambdaEventKind, headers: Record<string, string>): string {
  const context = http.requestContext
  const domain = typeof context?.domainName === 'string' ? context.domainName : undefined
  const host = domain ?? headers.host ?? 'localhost'
  const forwarded = kind === 'alb' || kind === 'alb-multi' ? headers['x-forwarded-proto'] : undefined
  const scheme = forwarded === 'http' ? 'http' : 'https'
  let path: unknown
  let query: string
  if (kind === 'v2') {
    path = http.rawPath
    query = typeof http.rawQueryString === 'string' ? http.rawQueryString : ''
  } else {
    path = kind === 'v1' && typeof context?.path === 'string' ? context.path : http.path
    const multi = http.multiValueQueryStringParameters
    const single = http.queryStringParameters
    query = queryOf(multi ?? single, kind === 'v1')
  }
  const pathname = typeof path === 'string' && path.startsWith('/') ? path : '/'
  return `${scheme}://${host}${pathname}${query === '' ? '' : `?${query}`}`
}

function queryOf(parameters: Values, encode: boolean): string {
  if (parameters == null) return ''
  const pairs: string[] = []
  const text = encode ? encodeURIComponent : (part: string) => part
  for (const name of Object.keys(parameters)) {
    const value = parameters[name]
    if (value == null) continue
    for (const item of typeof value === 'string' ? [value] : value) pairs.push(`${text(name)}=${text(item)}`)
  }
  return pairs.join('&')
}

/**
 * The raw body: a base64 body decoded to its exact bytes, a text body as the string it is (taken as its UTF-8
 * bytes). Both are bounded by `limit` before any work in their size: a base64 text longer than the encoding of
 * `limit` bytes is refused before decoding, and a text of more than `limit` characters has more than `limit` bytes.
 */
export function eventBody(event: LambdaHttpEvent, limit: number): Uint8Array | string | BodyTooLargeError {
  const { body, isBase64Encoded } = event as AnyHttpEvent
  if (typeof body !== 'string' || body === '') return new Uint8Array(0)
  if (isBase64Encoded !== true) return body.length > limit ? new BodyTooLargeError(limit) : body
  if (body.length > 4 * Math.ceil(limit / 3)) return new BodyTooLargeError(limit)
  const bytes = Buffer.from(body, 'base64')
  return bytes.byteLength > limit ? new BodyTooLargeError(limit) : bytes
}
