import { chain, type HmacAlgorithm } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { contentId } from '../crypto/content-id.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { HeaderMissingError, PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import { DAY_MS, requireSignature, secretList, signatureVerdict, singleEvent } from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SignedRequest } from '../types/provider.js'

/** Where a value comes from: a header name, or a function of the parsed payload and the headers. */
export type ValueSource =
  string | ((payload: unknown, headers: Readonly<Record<string, string>>) => string | undefined)

export interface HmacOptions {
  /** Name used in dedup keys and on events. Default `'hmac'`. */
  name?: string
  /** The shared secret, or several while rotating. */
  secret: string | readonly string[]
  /** The header carrying the signature, e.g. `'x-signature'`. */
  header: string
  /** Default `'sha256'`. */
  algorithm?: HmacAlgorithm
  /** How the digest is written. Default `'hex'`. */
  encoding?: 'hex' | 'base64'
  /** Text before the digest in the header, e.g. `'sha256='`. */
  prefix?: string
  /**
   * For structured headers (`ts=…;h1=…`): returns the signatures found in the header value. When set, `prefix` is
   * not used.
   */
  signaturesFrom?: (headerValue: string) => string[]
  /**
   * The signed timestamp's text (whole seconds): a header name, or a function of the headers. When set, the
   * receiver's `tolerance` applies.
   */
  timestampFrom?: string | ((headers: Readonly<Record<string, string>>) => string | undefined)
  /** What is signed, in order. Default: the raw body alone. */
  signedPayload?: (parts: {
    body: Uint8Array
    timestamp: string | undefined
    headers: Readonly<Record<string, string>>
  }) => (string | Uint8Array)[]
  /**
   * The dedup id. Default: a hash of the body. An id read from a header (not signed by the sender) is deduplicated
   * together with a hash of the signed payload, so a replay under a changed header is still a duplicate.
   */
  idFrom?: ValueSource
  /** The event type. Default: the payload's `type` field. */
  typeFrom?: ValueSource
  /** Default 10 s. */
  deadlineMs?: number
  /** Default 1 MiB. */
  bodyLimit?: number
  /** How long the sender retries, in ms. Default 3 days. */
  retryWindowMs?: number
}

/**
 * Any other HMAC sender, described by options. The body is parsed as JSON.
 *
 * @example
 * ```ts
 * import { hmac } from 'webhook-receiver/providers/hmac'
 * // Paddle Billing: `Paddle-Signature: ts=1671552777;h1=<hex HMAC-SHA256 of "<ts>:<body>">`
 * const fields = (header: string, name: string) =>
 *   header.split(';').filter((part) => part.startsWith(`${name}=`)).map((part) => part.slice(name.length + 1))
 * const paddle = hmac({
 *   name: 'paddle',
 *   secret: process.env.PADDLE_WEBHOOK_SECRET!,
 *   header: 'paddle-signature',
 *   signaturesFrom: (value) => fields(value, 'h1'),
 *   timestampFrom: (headers) => fields(headers['paddle-signature'] ?? '', 'ts')[0],
 *   signedPayload: ({ timestamp, body }) => [`${timestamp}:`, body],
 *   idFrom: (payload) => (payload as { event_id: string }).event_id,
 *   typeFrom: (payload) => (payload as { event_type: string }).event_type,
 * })
 * ```
 */
export function hmac<TEvents extends EventMap = EventMap>(options: HmacOptions): Provider<TEvents> {
  const name = options?.name ?? 'hmac'
  if (typeof options?.header !== 'string' || options.header === '') {
    throw new TypeError(`hmac({ header }): name the header that carries the signature, e.g. 'x-signature'.`)
  }
  const header = options.header.toLowerCase()
  const verifier = createHmacVerifier(
    options.algorithm ?? 'sha256',
    options.encoding ?? 'hex',
    secretList(options.secret, 'hmac', 'secret'),
  )
  const signedPayload = options.signedPayload ?? (({ body }) => [body])
  const readTimestamp =
    typeof options.timestampFrom === 'string'
      ? (
          (headerName: string) => (headers: Readonly<Record<string, string>>) =>
            headers[headerName]
        )(options.timestampFrom.toLowerCase())
      : options.timestampFrom

  function signaturesIn(value: string): string[] {
    if (options.signaturesFrom !== undefined) return options.signaturesFrom(value)
    const prefix = options.prefix ?? ''
    if (!value.startsWith(prefix))
      throw new SignatureInvalidError(`The ${options.header} header does not start with ${prefix}.`)
    return [value.slice(prefix.length)]
  }

  return {
    name,
    deadlineMs: options.deadlineMs ?? 10_000,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    retryWindowMs: options.retryWindowMs ?? 3 * DAY_MS,
    signatureHeaders: [options.header],
    verify({ headers, body }) {
      const value = requireSignature(headers[header], options.header)
      const timestampText = readTimestamp?.(headers)
      if (readTimestamp !== undefined && (timestampText === undefined || timestampText === '')) {
        // A timestamp header of its own is a missing header (400); one read out of a structured signature header
        // (Paddle's `ts=`) that is not there makes that header unreadable (401), as for Stripe's `t=`.
        if (typeof options.timestampFrom === 'string') throw new HeaderMissingError(options.timestampFrom)
        throw new SignatureInvalidError(`The ${options.header} header carries no signed timestamp.`)
      }
      return signatureVerdict(
        verifier.matches(signaturesIn(value), ...signedPayload({ body, timestamp: timestampText, headers })),
        timestampText,
        options.header,
      )
    },
    parse(request) {
      const payload = parseJsonBody(request.body)
      const type =
        pick(options.typeFrom, payload, request) ??
        (isJsonObject(payload) && typeof payload.type === 'string' ? payload.type : undefined)
      if (type === undefined) throw new PayloadInvalidError(`${name}: no event type found; set typeFrom.`)
      // The body is the same on every retry (a re-signed timestamp is not), so it identifies the event.
      if (options.idFrom === undefined) return singleEvent(undefined, request.body, { type, payload })
      const id = pick(options.idFrom, payload, request)
      if (id === undefined || id === '')
        throw new PayloadInvalidError(`${name}: no event id found where idFrom points.`)
      if (typeof options.idFrom !== 'string') return [{ id, type, payload }]
      // An id from a header is not signed: a hash of what is signed is reserved beside it, so a captured delivery
      // replayed under another id is still a duplicate.
      const { body, headers } = request
      const signed = signedPayload({ body, timestamp: readTimestamp?.(headers), headers })
      return chain(contentId(...signed), (replayId) => [{ id, type, payload, replayId }])
    },
  }
}

function pick(source: ValueSource | undefined, payload: unknown, request: SignedRequest): string | undefined {
  if (source === undefined) return undefined
  const value =
    typeof source === 'string' ? request.headers[source.toLowerCase()] : source(payload, request.headers)
  return value === '' ? undefined : value
}
