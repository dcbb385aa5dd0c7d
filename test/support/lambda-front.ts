/**
 * What AWS puts in front of a Lambda function, played locally over node:http on 127.0.0.1: each request becomes the
 * event its source sends (built over the example AWS documents, test/fixtures/aws-lambda/), the function is invoked
 * with it, and its result is turned back into the HTTP answer the way that source reads it. Both cross a JSON
 * boundary, as they do between the Lambda service and the runtime. What each source does is written next to it;
 * the differences that matter to a webhook receiver are all here: where the headers go and in which case, whether the
 * query is raw or decoded, when the body is base64, and which fields of the result are read.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Context } from 'aws-lambda'

/** The HTTP event sources of Lambda, one example event each in test/fixtures/aws-lambda/<source>.json. */
export type LambdaSource = 'rest-api' | 'http-api' | 'function-url' | 'alb' | 'alb-multi-value'

export const LAMBDA_SOURCES: readonly LambdaSource[] = [
  'rest-api',
  'http-api',
  'function-url',
  'alb',
  'alb-multi-value',
]

/** How the docs name each source. */
export const SOURCE_NAMES: Record<LambdaSource, string> = {
  'rest-api': 'an API Gateway REST API (proxy integration, binary media type */*)',
  'http-api': 'an API Gateway HTTP API (payload format 2.0)',
  'function-url': 'a Lambda Function URL',
  alb: 'an Application Load Balancer',
  'alb-multi-value': 'an Application Load Balancer with multi-value headers',
}

const MiB = 1024 * 1024

/**
 * The largest body each source passes on; it answers 413 itself past it. An invocation's payload is at most 6 MB
 * (Lambda quotas, "Invocation payload"), which bounds the API Gateway and Function URL bodies; an ALB passes at most
 * 1 MB ("Lambda functions as targets", Limits).
 */
export const PLATFORM_BODY_LIMIT: Record<LambdaSource, number> = {
  'rest-api': 6 * MiB,
  'http-api': 6 * MiB,
  'function-url': 6 * MiB,
  alb: MiB,
  'alb-multi-value': MiB,
}

/** A Lambda function as the runtime calls it. */
export type LambdaFunction = (event: any, context: Context) => unknown

type Json = Record<string, any>

const templates = new Map<LambdaSource, string>()
function template(source: LambdaSource): Json {
  let text = templates.get(source)
  if (text === undefined) {
    text = readFileSync(new URL(`../fixtures/aws-lambda/${source}.json`, import.meta.url), 'utf8')
    templates.set(source, text)
  }
  return JSON.parse(text) as Json
}

/**
 * A server that invokes `target` for every request as `source` would (or, given routes by exact path, the function
 * of the path, and 404 for any other, as API Gateway answers a route it does not have). Not listening yet.
 */
export function lambdaFront(
  source: LambdaSource,
  target: LambdaFunction | Record<string, LambdaFunction>,
): Server {
  const limit = PLATFORM_BODY_LIMIT[source]
  return createServer((req, res) => {
    req.on('error', () => undefined) // a client gone mid-body: no event, no invocation, as on AWS
    if (Number(req.headers['content-length']) > limit) return tooLarge(req, res)
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.byteLength
      if (size > limit) {
        refused = true
        return tooLarge(req, res)
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!refused) void invoke(source, target, req, Buffer.concat(chunks), res)
    })
  })
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' })
  res.end('{"message":"Request Entity Too Large"}')
  res.once('finish', () => req.destroy())
}

async function invoke(
  source: LambdaSource,
  target: LambdaFunction | Record<string, LambdaFunction>,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] as string
  const fn = typeof target === 'function' ? target : target[path]
  if (fn === undefined)
    return answer(res, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}')
  const event = JSON.parse(JSON.stringify(eventFor(source, req, body))) as Json
  let result: unknown
  try {
    result = JSON.parse(JSON.stringify(await fn(event, lambdaContext())) ?? 'null')
  } catch {
    // The function threw, or returned nothing the service can serialise: API Gateway's answer to a Lambda error.
    return answer(res, 502, { 'content-type': 'application/json' }, '{"message":"Internal server error"}')
  }
  writeResult(source, result, res)
}

function eventFor(source: LambdaSource, req: IncomingMessage, body: Buffer): Json {
  const event = template(source)
  const target = req.url ?? '/'
  const mark = target.indexOf('?')
  const path = mark < 0 ? target : target.slice(0, mark)
  const query = mark < 0 ? '' : target.slice(mark + 1)
  const method = req.method ?? 'GET'
  const pairs: [string, string][] = []
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    pairs.push([req.rawHeaders[index] as string, req.rawHeaders[index + 1] as string])
  }
  if (source === 'rest-api') return restApiEvent(event, method, path, query, pairs, body)
  if (source === 'http-api' || source === 'function-url') {
    return payloadV2Event(event, method, path, query, pairs, body, req.headers.host ?? '127.0.0.1')
  }
  return albEvent(event, source === 'alb-multi-value', method, path, query, pairs, body, req)
}

/**
 * A REST API: header names as the client wrote them, the last value in `headers` and all in `multiValueHeaders`;
 * the query decoded into `queryStringParameters` (last value) and `multiValueQueryStringParameters`, both null when
 * there is none; `path` and `requestContext.path` as requested (a custom domain without base path). With `*\/*` as
 * a binary media type, every body arrives base64-encoded; no body is `null`.
 */
function restApiEvent(
  event: Json,
  method: string,
  path: string,
  query: string,
  pairs: [string, string][],
  body: Buffer,
): Json {
  const headers: Json = Object.create(null)
  const multiValueHeaders: Json = Object.create(null)
  for (const [name, value] of pairs) {
    headers[name] = value
    ;(multiValueHeaders[name] ??= []).push(value)
  }
  const single: Json = Object.create(null)
  const multi: Json = Object.create(null)
  for (const [name, value] of new URLSearchParams(query)) {
    single[name] = value
    ;(multi[name] ??= []).push(value)
  }
  const hasQuery = Object.keys(single).length > 0
  Object.assign(event, {
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: { proxy: path.slice(1) },
    body: body.byteLength === 0 ? null : body.toString('base64'),
    isBase64Encoded: body.byteLength > 0,
  })
  Object.assign(event.requestContext as Json, { httpMethod: method, path })
  return event
}

/**
 * Payload format 2.0 (HTTP APIs, Function URLs): header names lower-cased, repeated values joined with commas,
 * cookies moved to `cookies`; the query as sent in `rawQueryString`, decoded (joined with commas) in
 * `queryStringParameters`; a text body as text, anything else base64.
 */
function payloadV2Event(
  event: Json,
  method: string,
  path: string,
  query: string,
  pairs: [string, string][],
  body: Buffer,
  host: string,
): Json {
  const headers: Json = Object.create(null)
  const cookies: string[] = []
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase()
    if (lower === 'cookie') cookies.push(...value.split(/;\s*/))
    else headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`
  }
  const parameters: Json = Object.create(null)
  for (const [name, value] of new URLSearchParams(query)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`
  }
  Object.assign(event, { rawPath: path, rawQueryString: query, headers })
  if (cookies.length > 0) event.cookies = cookies
  else delete event.cookies
  if (query !== '') event.queryStringParameters = parameters
  else delete event.queryStringParameters
  const text = asText(headers['content-type'], body)
  if (body.byteLength === 0) delete event.body
  else event.body = text ?? body.toString('base64')
  event.isBase64Encoded = body.byteLength > 0 && text === undefined
  const context = event.requestContext as Json
  Object.assign(context, { domainName: host, domainPrefix: host.split('.')[0] })
  Object.assign(context.http as Json, { method, path, userAgent: headers['user-agent'] ?? '' })
  return event
}

/**
 * An ALB: header names lower-cased, with X-Forwarded-For, -Port and -Proto of its own; the query passed as sent,
 * not decoded; in single-value mode the last value of each (`headers`, `queryStringParameters`), with multi-value
 * headers on all of them (`multiValueHeaders`, `multiValueQueryStringParameters`) and never the single ones; a text
 * body as text, anything else base64, no body an empty string.
 */
function albEvent(
  event: Json,
  multiValue: boolean,
  method: string,
  path: string,
  query: string,
  pairs: [string, string][],
  body: Buffer,
  req: IncomingMessage,
): Json {
  const forwarded: [string, string][] = [
    ['x-forwarded-for', req.socket.remoteAddress ?? '127.0.0.1'],
    ['x-forwarded-port', String(req.socket.localPort ?? 80)],
    ['x-forwarded-proto', 'http'],
  ]
  const headers: Json = Object.create(null)
  const lowered = pairs.filter(([name]) => !name.toLowerCase().startsWith('x-forwarded-'))
  for (const [name, value] of [...lowered, ...forwarded]) {
    const lower = name.toLowerCase()
    if (multiValue) (headers[lower] ??= []).push(value)
    else headers[lower] = value
  }
  const parameters: Json = Object.create(null)
  for (const pair of query === '' ? [] : query.split('&')) {
    const equals = pair.indexOf('=')
    const name = equals < 0 ? pair : pair.slice(0, equals)
    const value = equals < 0 ? '' : pair.slice(equals + 1)
    if (multiValue) (parameters[name] ??= []).push(value)
    else parameters[name] = value
  }
  const text = asText(req.headers['content-type'], body)
  Object.assign(event, {
    httpMethod: method,
    path,
    body: text ?? body.toString('base64'),
    isBase64Encoded: text === undefined,
  })
  if (multiValue)
    Object.assign(event, { multiValueHeaders: headers, multiValueQueryStringParameters: parameters })
  else Object.assign(event, { headers, queryStringParameters: parameters })
  return event
}

/**
 * The body as text when the source passes it so: its content type is text (text/*, JSON, JavaScript, XML: the
 * ALB's list, "Lambda functions as targets") and it is valid UTF-8; else undefined (base64).
 */
function asText(contentType: unknown, body: Buffer): string | undefined {
  if (body.byteLength === 0) return ''
  const type = typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : ''
  const textual =
    type.startsWith('text/') ||
    ['application/json', 'application/javascript', 'application/xml'].includes(type)
  if (!textual) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body)
  } catch {
    return undefined
  }
}

/**
 * The function's result as its source reads it: a REST API merges `headers` and `multiValueHeaders`; payload 2.0
 * takes a result without `statusCode` as a JSON body, and turns `cookies` into Set-Cookie; an ALB needs
 * `statusDescription`, and reads `headers` or `multiValueHeaders` as its mode says, ignoring the other. A result it
 * cannot read is a 502, as on AWS.
 */
function writeResult(source: LambdaSource, result: unknown, res: ServerResponse): void {
  const bad = () =>
    answer(res, 502, { 'content-type': 'application/json' }, '{"message":"Internal server error"}')
  const v2 = source === 'http-api' || source === 'function-url'
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return v2 ? answer(res, 200, { 'content-type': 'application/json' }, JSON.stringify(result)) : bad()
  }
  const shaped = result as Json
  if (typeof shaped.statusCode !== 'number') return bad()
  const headers: Record<string, string | string[]> = {}
  const single = source === 'alb-multi-value' ? undefined : (shaped.headers as Json | undefined)
  const multi = source === 'alb' || v2 ? undefined : (shaped.multiValueHeaders as Json | undefined)
  for (const [name, value] of Object.entries(single ?? {})) headers[name.toLowerCase()] = String(value)
  for (const [name, values] of Object.entries(multi ?? {}))
    headers[name.toLowerCase()] = (values as unknown[]).map(String)
  if (v2 && Array.isArray(shaped.cookies)) headers['set-cookie'] = shaped.cookies.map(String)
  let reason: string | undefined
  if (source === 'alb' || source === 'alb-multi-value') {
    const description = /^(\d{3}) (.+)$/.exec(String(shaped.statusDescription))
    if (description === null || Number(description[1]) !== shaped.statusCode) return bad()
    reason = description[2]
  }
  const text = typeof shaped.body === 'string' ? shaped.body : ''
  const bytes = shaped.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
  answer(res, shaped.statusCode, headers, bytes, reason)
}

function answer(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
  reason?: string,
): void {
  if (reason === undefined) res.writeHead(status, headers)
  else res.writeHead(status, reason, headers)
  res.end(body)
}

/** The context the Node.js runtime passes second; the adapter does not need it. */
function lambdaContext(): Context {
  const fail = () => undefined
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'webhooks',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:webhooks',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/webhooks',
    logStreamName: '2026/12/07/[$LATEST]local',
    getRemainingTimeInMillis: () => 30_000,
    done: fail,
    fail,
    succeed: fail,
  }
}
