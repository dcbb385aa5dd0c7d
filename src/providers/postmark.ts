import { chain, utf8Decode } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { decodeSignature } from '../crypto/encoding.js'
import { PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import {
  createTokenMatcher,
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  singleEvent,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface PostmarkOptions {
  /** The user name put in the webhook URL (`https://<username>:<password>@example.com/…`). */
  username: string
  /** The password put in the webhook URL, or several while rotating. */
  password: SecretOption
}

/** Exactly as Postmark writes it: a credential written any other way did not come from Postmark. */
const BASIC = 'Basic '

/**
 * Postmark signs nothing: a webhook is authenticated by HTTP Basic credentials put in its URL, which Postmark sends
 * as `Authorization: Basic …` (Postmark docs, "Webhooks overview", Protecting your webhook). They are compared in
 * constant time; they prove the sender, not the body, and a delivery can be replayed by anyone who has seen one, for
 * as long as the dedup store does not remember it. The type is the payload's `RecordType` (`Bounce`, `Delivery`,
 * `Open`, `Click`, `SpamComplaint`, `SubscriptionChange`), `Inbound` for an inbound message; the dedup id is a hash
 * of the body (a retry repeats it).
 *
 * @example
 * ```ts
 * import { postmark } from 'webhook-receiver/providers/postmark'
 * const receiver = createReceiver({ provider: postmark({ username: 'postmark', password: process.env.POSTMARK_WEBHOOK_PASSWORD! }) })
 * receiver.on('Bounce', (event) => event.payload)
 * ```
 */
export function postmark<TEvents extends EventMap = EventMap>(options: PostmarkOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['password'], postmark<TEvents>)
  if (perRequest !== undefined) return perRequest
  const [username] = secretList(options?.username, 'postmark', 'username', {
    expected: 'the user name of the credentials in the webhook URL',
    check: (name) => (name.includes(':') ? 'a Basic auth user name cannot contain a colon.' : undefined),
  })
  const credentials = createTokenMatcher(
    secretList(options?.password, 'postmark', 'password', {
      expected: 'the password of the credentials in the webhook URL',
    }).map((password) => `${username}:${password}`),
  )
  return {
    name: 'postmark',
    // Postmark documents no response timeout for webhooks; we answer within 10 s.
    deadlineMs: 10_000,
    // Inbound messages carry their attachments, up to Postmark's 35 MB message size.
    bodyLimit: 50 * 1024 * 1024,
    // Postmark retries a failed webhook at growing intervals for several hours (Postmark docs, "Webhooks
    // overview", Retries); a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['Authorization'],
    verify({ headers }) {
      const authorization = requireSignature(headers.authorization, 'Authorization')
      const decoded = authorization.startsWith(BASIC)
        ? decodeSignature(authorization.slice(BASIC.length), 'base64')
        : undefined
      if (decoded === undefined)
        throw new SignatureInvalidError(
          'The Authorization header is not of the form Basic <base64 user:password>.',
        )
      return chain(credentials.matches(utf8Decode(decoded)), (ok) => {
        if (!ok) throw new SignatureInvalidError('The Basic credentials do not match the configured ones.')
        return undefined
      })
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload)) throw new PayloadInvalidError('A Postmark webhook body is a JSON object.')
      const recordType = payload.RecordType
      const type = typeof recordType === 'string' && recordType !== '' ? recordType : 'Inbound'
      return singleEvent(undefined, body, { type, payload })
    },
  }
}
