import { isJsonObject, parseJsonBody } from '../body.js'
import { decodeSignature } from '../crypto/encoding.js'
import { hmac, importHmacKey, type HmacKey } from '../crypto/hmac.js'
import { signatureMatches } from '../crypto/signature-matches.js'
import { HeaderMissingError, SignatureInvalidError, SignatureMissingError, TimestampInvalidError } from '../errors.js'
import type { EventMap, Provider, SignedRequest } from '../types.js'
import { secretList } from './secrets.js'
import { readSignedTimestamp } from './timestamp.js'

export interface StandardWebhooksOptions {
  /** The endpoint's signing secret, `whsec_<base64>` (the prefix is optional), or several while rotating. */
  secret: string | readonly string[]
}

const SECRET_PREFIX = 'whsec_'
/** At most this many signatures are read from the header (bounded work on hostile input). */
const MAX_SIGNATURES = 16
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Standard Webhooks (Svix, Clerk, Resend, …): `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * (space-separated list), keyed with the base64-decoded secret after `whsec_`. The `svix-*` header names are
 * accepted as aliases. Dedup id is `webhook-id`; the event type is the payload's `type` field.
 * Pass your own event map to type the handlers.
 *
 * @example
 * ```ts
 * import { standardWebhooks } from 'webhook-receiver/providers/standard-webhooks'
 * type Events = { 'user.created': { type: 'user.created'; data: { id: string } } }
 * const receiver = createReceiver({ provider: standardWebhooks<Events>({ secret: process.env.WEBHOOK_SECRET! }) })
 * receiver.on('user.created', (event) => event.payload.data.id)
 * ```
 */
export function standardWebhooks<TEvents extends EventMap = EventMap>(options: StandardWebhooksOptions): Provider<TEvents> {
  const keys = secretList(options?.secret, 'standardWebhooks', 'secret').map(importStandardSecret)
  return {
    name: 'standard-webhooks',
    // Svix waits 15 seconds for a response before it counts the attempt as failed (Svix docs, "Retries").
    deadlineMs: 15_000,
    bodyLimit: 1024 * 1024,
    // Svix's schedule retries for about 28 hours (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); two days of cover.
    retryWindowMs: 2 * DAY_MS,
    signsTimestamp: true,
    verify(request) {
      const header = read(request, 'signature')
      if (header === undefined) throw new SignatureMissingError('webhook-signature')
      const id = read(request, 'id')
      if (id === undefined) throw new HeaderMissingError('webhook-id')
      const timestampText = read(request, 'timestamp')
      if (timestampText === undefined) throw new HeaderMissingError('webhook-timestamp')
      const candidates: Buffer[] = []
      for (const entry of header.split(' ', 64)) {
        if (candidates.length === MAX_SIGNATURES) break
        if (!entry.startsWith('v1,')) continue // other schemes (v1a) are not this verifier's
        const decoded = decodeSignature(entry.slice(3), 'base64')
        if (decoded !== undefined) candidates.push(decoded)
      }
      if (!signatureMatches(keys, candidates, (key) => hmac('sha256', key, `${id}.${timestampText}.`, request.body))) {
        throw new SignatureInvalidError()
      }
      const timestamp = readSignedTimestamp(timestampText)
      if (timestamp === undefined) throw new TimestampInvalidError('webhook-timestamp')
      return timestamp
    },
    parse(request) {
      // The id was checked in verify(); read it again rather than carry state between the two calls.
      const id = read(request, 'id') as string
      const payload = parseJsonBody(request.body)
      // The spec recommends `{ type, timestamp, data }`; a body without `type` still reaches onAny handlers.
      const type = isJsonObject(payload) && typeof payload.type === 'string' ? payload.type : ''
      return [{ id, type, payload }]
    },
  }
}

/** `webhook-*` is the standard's name; `svix-*` is what Svix itself (and Clerk, via Svix) still sends. */
function read(request: SignedRequest, name: 'id' | 'timestamp' | 'signature'): string | undefined {
  const value = request.headers[`webhook-${name}`] ?? request.headers[`svix-${name}`]
  return value === '' ? undefined : value
}

function importStandardSecret(secret: string, index: number): HmacKey {
  const base64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret
  const bytes = decodeSignature(base64, 'base64')
  if (bytes === undefined || bytes.byteLength === 0) {
    throw new TypeError(`standardWebhooks({ secret }): secret #${index + 1} is not "whsec_" followed by base64. Copy the whole signing secret from the sender's dashboard.`)
  }
  return importHmacKey(bytes)
}
