import { chain, type HmacAlgorithm } from '#crypto'
import { bytesToText, isJsonObject, parseJsonBody } from '../body.js'
import { contentId } from '../crypto/content-id.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { HeaderMissingError, PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  signatureVerdict,
  singleEvent,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption, SignedRequest } from '../types/provider.js'

/**
 * Where a value comes from: a header name, or a function of the parsed payload and the headers. A header is not
 * signed, and the receiver guards against replays under a changed one; a function is taken to read signed bytes
 * (the payload, or headers that `signedPayload` covers), so name an unsigned header as a string, not in a function.
 */
export type ValueSource =
  string | ((payload: unknown, headers: Readonly<Record<string, string>>) => string | undefined)

export interface HmacOptions {
  /** Name used in dedup keys and on events. Default `'hmac'`. */
  name?: string
  /** The shared secret, or several while rotating. */
  secret: SecretOption
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
  /**
   * Whether `signedPayload` signs the timestamp. By default this is checked when the provider is created (one call of
   * `signedPayload` with a sample timestamp), and a timestamp that is not signed is refused: anyone could rewrite it
   * and replay an old delivery. `false` accepts an unsigned timestamp knowingly (the tolerance then only refuses late
   * retries, not replays); `true` vouches for a `signedPayload` that cannot run on the sample request.
   */
  timestampSigned?: boolean
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
  /**
   * The event type. Default: the payload's `type` field. A type read from a header (not signed by the sender) makes
   * every delivery remembered, also of types without handlers, so a replay under a changed header is a duplicate.
   */
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
  const perRequest = perRequestSecrets(options, ['secret'], hmac<TEvents>)
  if (perRequest !== undefined) return perRequest
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
  if (options.timestampFrom !== undefined && options.timestampSigned === undefined) {
    assertTimestampSigned(options.timestampFrom, options.signedPayload)
  }
  const fromHeader = typeof options.idFrom === 'string' || typeof options.typeFrom === 'string'
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
      const id = options.idFrom === undefined ? undefined : pick(options.idFrom, payload, request)
      if (options.idFrom !== undefined && id === undefined)
        throw new PayloadInvalidError(`${name}: no event id found where idFrom points.`)
      // Without idFrom the body identifies the event: it is the same on every retry (a re-signed timestamp is not).
      if (!fromHeader) return singleEvent(id, request.body, { type, payload })
      // A header (the id's or the type's) is not signed: a hash of what is signed is reserved beside the id, and
      // recorded even when no handler runs for the type, so a captured delivery sent again under another id or
      // another type is still a duplicate.
      const { body, headers } = request
      const signed = signedPayload({ body, timestamp: readTimestamp?.(headers), headers })
      return chain(contentId(...signed), (replayId) => singleEvent(id, body, { type, payload, replayId }))
    },
  }
}

function pick(source: ValueSource | undefined, payload: unknown, request: SignedRequest): string | undefined {
  if (source === undefined) return undefined
  const value =
    typeof source === 'string' ? request.headers[source.toLowerCase()] : source(payload, request.headers)
  return value === '' ? undefined : value
}

/** A timestamp no sender would send, so finding it in what `signedPayload` returns means it was put there. */
const SAMPLE_TIMESTAMP = '4102444799'

/**
 * Refuses, at construction, a `timestampFrom` whose timestamp `signedPayload` does not sign: the tolerance would
 * then guard nothing, since a captured delivery replayed with its timestamp header rewritten to now still verifies.
 */
function assertTimestampSigned(
  timestampFrom: NonNullable<HmacOptions['timestampFrom']>,
  signedPayload: HmacOptions['signedPayload'],
): void {
  if (signedPayload !== undefined) {
    // The sample is also under the timestamp's header, for a signedPayload that reads it there.
    const headers: Record<string, string> =
      typeof timestampFrom === 'string' ? { [timestampFrom.toLowerCase()]: SAMPLE_TIMESTAMP } : {}
    let parts: (string | Uint8Array)[]
    try {
      parts = signedPayload({ body: new Uint8Array(0), timestamp: SAMPLE_TIMESTAMP, headers })
    } catch {
      throw new TypeError(
        'hmac({ timestampFrom }): could not check that signedPayload signs the timestamp (it threw on a sample request without other headers). If it does sign it, pass timestampSigned: true.',
      )
    }
    const text = (part: string | Uint8Array) => (typeof part === 'string' ? part : bytesToText(part))
    if (parts.some((part) => text(part).includes(SAMPLE_TIMESTAMP))) return
  }
  throw new TypeError(
    `hmac({ timestampFrom }): the timestamp is not signed (${signedPayload === undefined ? 'the default signedPayload is the body alone' : 'signedPayload leaves it out'}), so anyone could rewrite it and replay an old delivery. Sign it as your sender does, e.g. signedPayload: ({ timestamp, body }) => [\`\${timestamp}.\`, body]; or, if your sender really does not sign it, pass timestampSigned: false (the tolerance then only refuses late retries, not replays).`,
  )
}
