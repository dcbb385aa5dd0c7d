import { chain, hexEncode, sha256, timingSafeEqual, utf8Encode, type CryptoResult } from '#crypto'
import { bytesToText, formFields, isJsonObject, parseForm, parseJsonBody, type FormValues } from '../body.js'
import { anyOf } from '../crypto/any-of.js'
import { createHmacVerifier, type HmacVerifier } from '../crypto/hmac-verifier.js'
import { SignatureInvalidError } from '../errors.js'
import { createReply, type Reply } from '../reply.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  singleEvent,
} from '../provider-kit/index.js'
import type { WebhookResponse } from '../types/events.js'
import type { Provider, SecretOption, SignedRequest } from '../types/provider.js'

/** Form fields as Twilio posts them; a repeated field is an array. */
export type TwilioParams = Record<string, string | string[]>

/** One event of an Event Streams webhook sink: a CloudEvent (its `type` starts `com.twilio.`). */
export interface TwilioCloudEvent<TData = Record<string, unknown>> {
  specversion: string
  type: string
  source: string
  id: string
  time?: string
  dataschema?: string
  datacontenttype?: string
  data: TData
}

/**
 * Twilio requests by kind: an incoming message, a message status callback, a voice call; each CloudEvent of an
 * Event Streams batch under its own type (`com.twilio.messaging.message.delivered`); anything else as `twilio`.
 */
export type TwilioEventMap = {
  'message.received': TwilioParams
  'message.status': TwilioParams
  call: TwilioParams
  twilio: unknown
  [type: `com.twilio.${string}`]: TwilioCloudEvent
}

export interface TwilioOptions {
  /** The account's auth token (primary, and the secondary while rotating). */
  authToken: SecretOption
  /**
   * The public URL Twilio calls, exactly as configured in the console (`https://example.com/sms`), or a function of
   * the request that returns it. Without it, the URL is rebuilt from the request: see `trustProxy`.
   */
  url?: string | ((request: SignedRequest) => string)
  /**
   * Trust `X-Forwarded-Proto` and `X-Forwarded-Host` to rebuild the public URL (only behind a proxy that sets them).
   * Default false: the URL is `http://<Host><path>` unless the adapter passed an absolute URL (fetch runtimes).
   */
  trustProxy?: boolean
  /**
   * The SharedKey secret of a Twilio Webhooks Setting, or several while rotating. Where a Webhooks Rule matches the
   * URL, Twilio signs with it instead of the Auth Token, with the algorithm the setting names (HMAC-SHA1 or
   * HMAC-SHA256), and says so in `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<HMAC_SHA256>`.
   */
  sharedKeySecret?: SecretOption
}

const EMPTY_TWIML: WebhookResponse = Object.freeze({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
}) as WebhookResponse

/** What a Twilio handler returns to answer with TwiML (see `twimlReply`). */
export type TwimlReply = Reply<'twilio'>

/**
 * The TwiML answer to Twilio, for a handler to return: the XML text, or an object whose `toString()` gives it (the
 * `twilio` package's `twiml.MessagingResponse` and `twiml.VoiceResponse`), sent as `text/xml`. Only a value made here
 * is sent: whatever else a handler returns stays in the process.
 *
 * @example
 * ```ts
 * import twilioSdk from 'twilio'
 * receiver.on('message.received', () => {
 *   const answer = new twilioSdk.twiml.MessagingResponse()
 *   answer.message('Thanks, we got it.')
 *   return twimlReply(answer)
 * })
 * ```
 */
export function twimlReply(twiml: string | { toString(): string }): TwimlReply {
  return createReply('twilio', { status: 200, headers: { 'content-type': 'text/xml' }, body: String(twiml) })
}

/**
 * Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1 of the public URL followed by every form field, sorted, as
 * name+value>`; for JSON bodies the URL carries `bodySHA256` and the body's SHA-256 must match it. The URL with and
 * without the default port are both accepted, as Twilio's own validator does. Where a Webhooks Rule signs with a
 * SharedKey (`X-Twilio-Webhooks-Signature-Settings`), the signature is HMAC-SHA1 or HMAC-SHA256 of the same content
 * under `sharedKeySecret`. A handler answers with TwiML by returning `twimlReply(…)`; anything else it returns is not
 * sent.
 *
 * @example
 * ```ts
 * import { twilio, twimlReply } from 'webhook-receiver/providers/twilio'
 * const receiver = createReceiver({ provider: twilio({ authToken: process.env.TWILIO_AUTH_TOKEN!, url: 'https://example.com/sms' }) })
 * receiver.on('message.received', (event) => twimlReply(`<Response><Message>Got: ${escapeXml(String(event.payload.Body))}</Message></Response>`))
 * ```
 */
export function twilio(options: TwilioOptions): Provider<TwilioEventMap> {
  const perRequest = perRequestSecrets(options, ['authToken', 'sharedKeySecret'], twilio)
  if (perRequest !== undefined) return perRequest
  const authToken = createHmacVerifier(
    'sha1',
    'base64',
    secretList(options?.authToken, 'twilio', 'authToken', {
      check: (token) =>
        // Twilio signs with the account's Auth Token; an Account SID (AC…) or API key SID (SK…) is not a secret.
        /^(AC|SK)[0-9a-f]{32}$/i.test(token)
          ? 'this is an Account or API key SID, not the Auth Token. Copy the Auth Token from the Twilio Console → Account Info.'
          : undefined,
    }),
  )
  const sharedKeys =
    options.sharedKeySecret === undefined
      ? undefined
      : sharedKeyVerifiers(secretList(options.sharedKeySecret, 'twilio', 'sharedKeySecret'))
  const trustProxy = options?.trustProxy === true

  /**
   * The URL Twilio signed, and where it came from when it was rebuilt from the request (said in the 401, whose
   * detail never echoes the URL itself: behind a proxy its host is an internal name).
   */
  function publicUrl(request: SignedRequest): { url: string; rebuiltFrom?: string } {
    const configured = options.url
    if (typeof configured === 'function') return { url: configured(request) }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    if (typeof configured === 'string') {
      if (!configured.includes('?')) return { url: configured + query }
      // For JSON bodies Twilio appends bodySHA256 to the configured URL, query included: carry it over.
      const bodyHash = /[?&]bodySHA256=([^&#]*)/.exec(query)
      return {
        url:
          bodyHash !== null && !/[?&]bodySHA256=/.test(configured)
            ? `${configured}&bodySHA256=${bodyHash[1]}`
            : configured,
      }
    }
    if (/^https?:\/\//i.test(request.url))
      return { url: request.url, rebuiltFrom: 'the URL the request arrived at' }
    const { headers } = request
    const forwardedProto = trustProxy ? firstValue(headers['x-forwarded-proto']) : undefined
    const forwardedHost = trustProxy ? firstValue(headers['x-forwarded-host']) : undefined
    const host = forwardedHost || headers.host || 'localhost'
    return {
      url: `${forwardedProto || 'http'}://${host}${request.url}`,
      rebuiltFrom: `${forwardedProto ? 'X-Forwarded-Proto' : 'http'}, ${forwardedHost ? 'X-Forwarded-Host' : 'the Host header'} and the path`,
    }
  }

  return {
    name: 'twilio',
    // Twilio waits 15 seconds for a webhook response by default (docs: "Webhooks connection overrides").
    deadlineMs: 15_000,
    bodyLimit: 1024 * 1024,
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Twilio-Signature'],
    verify(request) {
      const signature = requireSignature(request.headers['x-twilio-signature'], 'X-Twilio-Signature')
      const verifier = verifierFor(
        request.headers['x-twilio-webhooks-signature-settings'],
        authToken,
        sharedKeys,
      )
      const { url, rebuiltFrom } = publicUrl(request)
      const json = !isForm(request.headers['content-type'])
      const text = json ? '' : bytesToText(request.body)
      // Twilio's signature joins names and values with no separator, so "a=b&c" and "a=bc" would sign alike.
      // Twilio always writes `name=value`: a field without "=" cannot come from Twilio (closes a one-byte forgery).
      if (!json && text !== '' && text.split('&').some((field) => !field.includes('='))) {
        throw new SignatureInvalidError('The form body has a field without "=", which Twilio never sends.')
      }
      const signed = json ? '' : sortedParams(parseForm(text))
      const urlSigned = anyOf(urlVariants(url), (candidate) =>
        verifier.matches([signature], candidate, signed),
      )
      const valid = chain(urlSigned, (ok) => ok && (!json || bodyHashMatches(url, request.body)))
      return chain(valid, (ok) => {
        if (ok) return undefined
        throw new SignatureInvalidError(
          rebuiltFrom !== undefined
            ? `The X-Twilio-Signature does not match the URL rebuilt from ${rebuiltFrom}. Twilio signs the public URL it calls, which a proxy or tunnel changes: pass twilio({ authToken, url: '<the URL set in the Twilio console>' }), or trustProxy: true behind a proxy that sets X-Forwarded-Proto and X-Forwarded-Host.`
            : 'The X-Twilio-Signature does not match the configured URL and auth token(s).',
        )
      })
    },
    parse({ headers, body }) {
      // I-Twilio-Idempotency-Token is not signed: the verified signature (canonical base64) identifies the signed
      // URL and fields, so a captured request replayed under another token is still a duplicate.
      const replayId = headers['x-twilio-signature']
      if (isForm(headers['content-type'])) {
        const payload: TwilioParams = formFields(parseForm(bytesToText(body)))
        return singleEvent(headers['i-twilio-idempotency-token'], body, {
          type: kindOf(payload),
          payload,
          replayId,
        })
      }
      const payload = parseJsonBody(body)
      // Event Streams webhook sinks post a JSON array of CloudEvents: each is its own event, deduplicated on its id.
      if (Array.isArray(payload) && payload.length > 0 && payload.every(isCloudEvent)) {
        return payload.map((event) => ({ id: event.id, type: event.type, payload: event }))
      }
      const type = isJsonObject(payload) && typeof payload.type === 'string' ? payload.type : 'twilio'
      return singleEvent(headers['i-twilio-idempotency-token'], body, { type, payload, replayId })
    },
    reply: (replies) => replies[0] ?? EMPTY_TWIML,
  }
}

/** The verifiers of the SharedKey secrets, one per algorithm a Webhooks Setting may name. */
interface SharedKeyVerifiers {
  HMAC_SHA1: HmacVerifier
  HMAC_SHA256: HmacVerifier
}

function sharedKeyVerifiers(secrets: readonly string[]): SharedKeyVerifiers {
  return {
    HMAC_SHA1: createHmacVerifier('sha1', 'base64', secrets),
    HMAC_SHA256: createHmacVerifier('sha256', 'base64', secrets),
  }
}

/**
 * Which key and algorithm signed the request, as twilio-node 6.3 decides it (`webhook()` and
 * `getSignatureAlgorithm`): without `X-Twilio-Webhooks-Signature-Settings`, the Auth Token and HMAC-SHA1; with it,
 * the SharedKey secret and the header's `algorithm=` (HMAC-SHA1 when it names none). The header is not signed, but
 * naming another key or algorithm only makes the signature fail.
 */
function verifierFor(
  settings: string | undefined,
  authToken: HmacVerifier,
  sharedKeys: SharedKeyVerifiers | undefined,
): HmacVerifier {
  if (settings === undefined || settings === '') return authToken
  if (sharedKeys === undefined) {
    throw new SignatureInvalidError(
      'The request is signed with a Twilio SharedKey (X-Twilio-Webhooks-Signature-Settings): pass its secret as twilio({ authToken, sharedKeySecret }).',
    )
  }
  let algorithm = 'HMAC_SHA1'
  for (const part of settings.split(',', 8)) {
    const separator = part.indexOf('=')
    if (separator !== -1 && part.slice(0, separator).trim() === 'algorithm') {
      algorithm =
        part
          .slice(separator + 1)
          .trim()
          .toUpperCase() || algorithm
      break
    }
  }
  if (algorithm !== 'HMAC_SHA1' && algorithm !== 'HMAC_SHA256') {
    throw new SignatureInvalidError(
      'The X-Twilio-Webhooks-Signature-Settings header names an unsupported algorithm.',
    )
  }
  return sharedKeys[algorithm]
}

function isForm(contentType: string | undefined): boolean {
  return (
    contentType === undefined || contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')
  )
}

function firstValue(header: string | undefined): string | undefined {
  return header?.split(',')[0]?.trim() || undefined
}

/**
 * Twilio's validator tries the URL as received with the default port removed and added (`:443`/`:80`), because
 * some Twilio products sign one and some the other.
 */
function urlVariants(url: string): string[] {
  const match = /^(https?:\/\/)([^/?#]*)(.*)$/i.exec(url)
  if (match === null) return [url]
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string]
  const at = authority.lastIndexOf('@')
  const userInfo = authority.slice(0, at + 1)
  const hostPort = authority.slice(at + 1)
  const host = hostPort.replace(/:\d+$/, '')
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80'
  const withoutPort = scheme + userInfo + host + rest
  const withPort = hostPort === host ? scheme + userInfo + host + defaultPort + rest : url
  return withoutPort === withPort ? [url] : [withoutPort, withPort]
}

/** Every field sorted by name, a repeated field's distinct values sorted, each written as name+value (twilio-node). */
function sortedParams(form: FormValues): string {
  let data = ''
  for (const name of [...form.keys()].sort()) {
    const values = form.get(name) as string[]
    for (const value of values.length === 1 ? values : [...new Set(values)].sort()) data += name + value
  }
  return data
}

function isCloudEvent(value: unknown): value is TwilioCloudEvent {
  return (
    isJsonObject(value) &&
    typeof value.specversion === 'string' &&
    typeof value.type === 'string' &&
    value.type !== '' &&
    typeof value.id === 'string' &&
    value.id !== ''
  )
}

/** JSON bodies are signed through the URL: its `bodySHA256` must be the hex SHA-256 of the body. */
function bodyHashMatches(url: string, body: Uint8Array): boolean | CryptoResult<boolean> {
  const query = url.indexOf('?')
  const expected = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('bodySHA256')
  if (expected === null) return false
  return chain(sha256([body]), (digest) =>
    timingSafeEqual(utf8Encode(hexEncode(digest)), utf8Encode(expected.toLowerCase())),
  )
}

function kindOf(params: TwilioParams): string {
  if (params.CallSid !== undefined) return 'call'
  if (params.MessageSid !== undefined || params.SmsSid !== undefined) {
    return params.Body !== undefined ? 'message.received' : 'message.status'
  }
  return 'twilio'
}
