import { chain, concatBytes, verifySignature, type CryptoResult, type PublicKey } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { anyOf } from '../crypto/any-of.js'
import { decodeSignature } from '../crypto/encoding.js'
import { createHmacVerifier, type HmacVerifier } from '../crypto/hmac-verifier.js'
import { importEd25519PublicKey } from '../crypto/public-key.js'
import {
  DAY_MS,
  headerFamily,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface StandardWebhooksOptions {
  /** The endpoint's symmetric signing secret, `whsec_<base64>` (the prefix is optional), or several while rotating. */
  secret?: SecretOption
  /** For asymmetric (`v1a`, Ed25519) signatures: the public key `whpk_<base64>`, or several while rotating. */
  publicKey?: SecretOption
}

const SECRET_PREFIX = 'whsec_'
const PUBLIC_KEY_PREFIX = 'whpk_'
/**
 * `webhook-*` is the standard's name; `svix-*` is what Svix itself (and Clerk, via Svix) still sends. One family is
 * read whole, the one whose signature header is present.
 */
const read = headerFamily(['webhook-', 'svix-'], ['id', 'timestamp', 'signature'], 'signature')

/**
 * Standard Webhooks (Svix, Clerk, Resend, …): `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * (space-separated list), keyed with the base64-decoded secret after `whsec_`; or `v1a,<base64 Ed25519 signature>`
 * of the same content, checked with the `whpk_` public key. The `svix-*` header names are
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
export function standardWebhooks<TEvents extends EventMap = EventMap>(
  options: StandardWebhooksOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret', 'publicKey'], standardWebhooks<TEvents>)
  if (perRequest !== undefined) return perRequest
  if (options?.secret === undefined && options?.publicKey === undefined) {
    throw new TypeError(
      'standardWebhooks({ secret }): pass the signing secret (whsec_…), or publicKey (whpk_…) for v1a signatures.',
    )
  }
  const verifier: HmacVerifier | undefined =
    options.secret === undefined
      ? undefined
      : createHmacVerifier(
          'sha256',
          'base64',
          secretList(options.secret, 'standardWebhooks', 'secret').map((secret, index) =>
            decodeKey(secret, SECRET_PREFIX, 'secret', index),
          ),
        )
  const publicKeys =
    options.publicKey === undefined
      ? []
      : secretList(options.publicKey, 'standardWebhooks', 'publicKey').map((key, index) =>
          importEd25519PublicKey(decodeKey(key, PUBLIC_KEY_PREFIX, 'publicKey', index)),
        )
  return {
    name: 'standard-webhooks',
    // Svix waits 15 seconds for a response before it counts the attempt as failed (Svix docs, "Retries").
    deadlineMs: 15_000,
    bodyLimit: 1024 * 1024,
    // Svix's schedule retries for about 28 hours (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); two days of cover.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['webhook-signature', 'svix-signature'],
    verify({ headers, body }) {
      const header = requireSignature(read(headers, 'signature'), 'webhook-signature')
      const id = requireHeader(read(headers, 'id'), 'webhook-id')
      const timestampText = requireHeader(read(headers, 'timestamp'), 'webhook-timestamp')
      const symmetric: string[] = []
      const asymmetric: Uint8Array[] = []
      for (const entry of header.split(' ', 64)) {
        if (entry.startsWith('v1,')) symmetric.push(entry.slice(3))
        else if (entry.startsWith('v1a,') && asymmetric.length < 16) {
          const decoded = decodeSignature(entry.slice(4), 'base64')
          if (decoded !== undefined) asymmetric.push(decoded)
        }
      }
      const prefix = `${id}.${timestampText}.`
      const valid = chain(
        verifier !== undefined && verifier.matches(symmetric, prefix, body),
        (symmetricValid) =>
          symmetricValid ||
          (asymmetric.length > 0 &&
            publicKeys.length > 0 &&
            ed25519Matches(publicKeys, asymmetric, concatBytes([prefix, body]))),
      )
      return signatureVerdict(valid, timestampText, 'webhook-timestamp')
    },
    parse({ headers, body }) {
      // The id was checked in verify(); read it again rather than carry state between the two calls.
      const id = read(headers, 'id') as string
      const payload = parseJsonBody(body)
      // The spec recommends `{ type, timestamp, data }`; a body without `type` still reaches onAny handlers.
      const type = isJsonObject(payload) && typeof payload.type === 'string' ? payload.type : ''
      return [{ id, type, payload }]
    },
  }
}

function ed25519Matches(
  keys: readonly PublicKey[],
  signatures: readonly Uint8Array[],
  content: Uint8Array,
): boolean | CryptoResult<boolean> {
  return anyOf(keys, (key) => anyOf(signatures, (signature) => verifySignature(key, content, signature)))
}

function decodeKey(text: string, prefix: string, option: string, index: number): Uint8Array {
  const base64 = text.startsWith(prefix) ? text.slice(prefix.length) : text
  const bytes = decodeSignature(base64, 'base64')
  if (bytes === undefined || bytes.byteLength === 0) {
    throw new TypeError(
      `standardWebhooks({ ${option} }): key #${index + 1} is not "${prefix}" followed by base64. Copy it whole from the sender's dashboard.`,
    )
  }
  return bytes
}
