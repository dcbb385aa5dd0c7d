import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureMissingError } from '../errors.js'
import {
  DAY_MS,
  oncePerBody,
  perRequestSecrets,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

/** The signature object of a Mailgun webhook body (Mailgun docs, "Securing Webhooks"). */
export interface MailgunSignature {
  /** Unix time in seconds, as a string. */
  timestamp: string
  /** 50 random characters, new for every request: a token seen twice is a replay. */
  token: string
  /** Hex HMAC-SHA256 of `timestamp + token` under the Webhook Signing Key. */
  signature: string
  /** For a subaccount's domain: the same HMAC under the primary account's key. */
  'parent-signature'?: string
}

/** A Mailgun webhook body: the signature and the event (Mailgun docs, "Webhooks" → "Payload"). */
export interface MailgunWebhook<TEventData = Record<string, unknown>> {
  signature: MailgunSignature
  'event-data': TEventData & { id?: string; event: string; timestamp?: number }
}

export interface MailgunOptions {
  /**
   * The HTTP Webhook Signing Key (Mailgun → Sending → Webhooks → HTTP webhook signing key), or several while
   * rotating; a subaccount's webhooks also verify under the primary account's key (their `parent-signature`).
   */
  signingKey: SecretOption
}

const SIGNATURE_MISSING =
  'The body carries no Mailgun signature object { timestamp, token, signature }: this request was not signed by Mailgun (or it is a legacy form-encoded webhook; use the JSON webhooks).'

/**
 * Mailgun webhooks: the JSON body's `signature` object holds `timestamp`, `token` and `signature`, the hex
 * HMAC-SHA256 of `timestamp + token` under the Webhook Signing Key (a subaccount's `parent-signature` under the
 * primary account's key is accepted too). The timestamp is held to `tolerance`, and the token, new for every
 * request, is reserved as the replay id: a token seen twice is a replay. Mailgun signs only those two values, not
 * `event-data`, so HTTPS is what keeps the event itself intact. Events dispatch on `event-data.event`
 * (`delivered`, `failed`, `opened`, …) under the dedup id `event-data.id`, which a retry (signed anew) keeps.
 *
 * @example
 * ```ts
 * import { mailgun } from 'webhook-receiver/providers/mailgun'
 * const receiver = createReceiver({ provider: mailgun({ signingKey: process.env.MAILGUN_WEBHOOK_SIGNING_KEY! }) })
 * receiver.on('failed', (event) => console.warn(event.payload['event-data'].recipient))
 * ```
 */
export function mailgun<TEvents extends EventMap = Record<string, MailgunWebhook>>(
  options: MailgunOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['signingKey'], mailgun<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.signingKey, 'mailgun', 'signingKey', {
      noun: 'key',
      expected: 'the HTTP webhook signing key (Mailgun → Sending → Webhooks)',
      check: (key) =>
        key.startsWith('pubkey-')
          ? 'this is the public validation key, not the webhook signing key. Copy the HTTP webhook signing key from Mailgun → Sending → Webhooks.'
          : undefined,
    }),
  )
  // The signature is inside the body, so verify() parses it, and parse() takes that result.
  const bodyOf = oncePerBody((body): Record<string, unknown> => {
    let payload: unknown
    try {
      payload = parseJsonBody(body)
    } catch {
      // Nothing signed can be read from it: as unsigned as a request without a signature header.
      throw new SignatureMissingError('signature', SIGNATURE_MISSING)
    }
    if (!isJsonObject(payload)) throw new SignatureMissingError('signature', SIGNATURE_MISSING)
    return payload
  })
  return {
    name: 'mailgun',
    // Mailgun documents no answer deadline: answer within 10 s.
    deadlineMs: 10_000,
    // Mailgun documents no size; event-data carries message headers and user variables: 5 MB.
    bodyLimit: 5 * 1024 * 1024,
    // A failed POST is retried over 8 hours, at 5 and 10 minutes, then 15 minutes, 1, 2 and 4 hours (Mailgun docs,
    // "Webhooks" → "Automatic Retries"): a day of cover.
    retryWindowMs: DAY_MS,
    // No signatureHeaders: the signature is in the body, so a POST is only refused once it is read.
    verify({ body }) {
      const { timestamp, token, signatures } = signatureOf(bodyOf(body))
      return signatureVerdict(
        verifier.matches(signatures, timestamp, token),
        timestamp,
        'signature.timestamp',
      )
    },
    parse({ body }) {
      const payload = bodyOf(body)
      // Read and checked in verify().
      const token = (payload.signature as MailgunSignature).token
      const data = payload['event-data']
      if (!isJsonObject(data) || typeof data.event !== 'string' || data.event === '')
        throw new PayloadInvalidError(
          'A Mailgun webhook body has an "event-data" object with a string "event".',
        )
      const id = typeof data.id === 'string' && data.id !== '' ? data.id : token
      // The token is what Mailgun signs: reserved beside the (unsigned) event id, so a captured request sent again
      // with another event id is still a duplicate.
      return [{ id, type: data.event, payload, replayId: `mailgun-token:${token}` }]
    },
  }
}

/** The signed parts of the body's signature object; the timestamp as the text that was signed. */
function signatureOf(payload: Record<string, unknown>): {
  timestamp: string
  token: string
  signatures: string[]
} {
  const signature = payload.signature
  if (!isJsonObject(signature)) throw new SignatureMissingError('signature', SIGNATURE_MISSING)
  const { timestamp, token } = signature
  const signatures = [signature.signature, signature['parent-signature']].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  )
  if (signatures.length === 0) throw new SignatureMissingError('signature', SIGNATURE_MISSING)
  // Mailgun writes the timestamp as a string; a number is read as its decimal text. Anything else cannot match.
  const timestampText =
    typeof timestamp === 'string'
      ? timestamp
      : Number.isSafeInteger(timestamp)
        ? String(timestamp)
        : undefined
  if (timestampText === undefined || typeof token !== 'string' || token === '')
    return { timestamp: '', token: '', signatures: [] }
  return { timestamp: timestampText, token, signatures }
}
