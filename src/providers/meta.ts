import { all, chain } from '#crypto'
import { isJsonObject, parseForm, parseJsonBody } from '../body.js'
import { contentId } from '../crypto/content-id.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureInvalidError, SignatureMissingError } from '../errors.js'
import {
  createTokenMatcher,
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  signatureVerdict,
  type TokenMatcher,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { ParsedEvent, Provider, SecretOption } from '../types/provider.js'

/**
 * One item of a Meta webhook batch, as handlers get it: the `object` the app subscribed to (`page`, `instagram`,
 * `whatsapp_business_account`, `user`, …), the entry it came in (its `id` and `time`), and the item itself: a
 * change's `field` and `value`, or a Messenger/Instagram `messaging` (or `standby`) item as `value`.
 */
export interface MetaEvent<TValue = Record<string, unknown>> {
  object: string
  /** The entry's `id`: the Page, Instagram account, WhatsApp Business Account or user the item is about. */
  entryId: string
  /** The entry's `time` (Unix time; Meta sends seconds or milliseconds depending on the product), if sent. */
  time?: number
  /** `changes[].field` (`messages`, `feed`, …), or `messaging` / `standby` for Messenger-style items. */
  field: string
  /** `changes[].value`, or the `messaging[]` / `standby[]` item. */
  value: TValue
}

/** The verification request's query, as the handshake event's payload (answered for you). */
export interface MetaVerification {
  mode: 'subscribe'
  challenge: string
}

export interface MetaOptions {
  /** The App Secret (App Dashboard → App settings → Basic), or several while rotating. */
  appSecret: SecretOption
  /**
   * The Verify Token you entered in the Webhooks settings, or several: the GET verification request Meta sends when
   * the callback URL is saved is answered with its `hub.challenge` only when it carries one of them.
   */
  verifyToken: string | readonly string[]
}

const SIGNATURE_PREFIX = 'sha256='
/** Meta's challenge is an integer (Graph API docs, "Getting Started" → "Verification Requests"); bounded here. */
const CHALLENGE = /^[!-~]{1,256}$/
/** The arrays of an entry whose items are dispatched one by one (Messenger Platform docs, "Webhook Events"). */
const ITEM_ARRAYS = ['changes', 'messaging', 'standby'] as const

/**
 * Meta webhooks (Graph API, Messenger, Instagram, WhatsApp Cloud API): `X-Hub-Signature-256: sha256=<hex
 * HMAC-SHA256 of the raw body>` under the App Secret. The GET verification request (`hub.mode=subscribe`,
 * `hub.verify_token`, `hub.challenge`) is answered with the challenge as text when the token matches `verifyToken`.
 * A delivery batches `entry[]` items; each change is dispatched as `<object>.<field>`
 * (`whatsapp_business_account.messages`, `page.feed`) and each Messenger-style item as `<object>.messaging` or
 * `<object>.standby`, with `<object>` as an alias for all of them. Meta signs no timestamp and sends no id: an
 * item's dedup id is a hash of its signed content (object, entry id and time, the item), so a retry or a replay of
 * the same item is a duplicate for the dedup TTL.
 *
 * @example
 * ```ts
 * import { meta } from 'webhook-receiver/providers/meta'
 * const receiver = createReceiver({
 *   provider: meta({ appSecret: process.env.META_APP_SECRET!, verifyToken: process.env.META_VERIFY_TOKEN! }),
 * })
 * receiver.on('whatsapp_business_account.messages', (event) => console.log(event.payload.value))
 * // Mount it for GET and POST: app.all('/webhooks/meta', expressMiddleware(receiver))
 * ```
 */
export function meta<TEvents extends EventMap = Record<string, MetaEvent>>(
  options: MetaOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['appSecret'], meta<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.appSecret, 'meta', 'appSecret', {
      expected: 'the App Secret (App Dashboard → App settings → Basic)',
      // Access tokens start with EAA; the App Secret is 32 hex characters.
      check: (secret) =>
        secret.startsWith('EAA')
          ? 'this is an access token, not the App Secret. Copy the App Secret from App Dashboard → App settings → Basic.'
          : undefined,
    }),
  )
  const verifyTokens = createTokenMatcher(
    secretList(options?.verifyToken, 'meta', 'verifyToken', {
      expected: 'the Verify Token you entered in the Webhooks settings of the App Dashboard',
    }),
  )
  return {
    name: 'meta',
    // A webhook call times out after 20 seconds (Messenger Platform docs, "Technical FAQ" → Webhooks).
    deadlineMs: 20_000,
    // Meta documents no body limit; a batch holds up to 1,000 updates (Graph API docs, "Webhooks" → "Event
    // Notifications"): 5 MB.
    bodyLimit: 5 * 1024 * 1024,
    // Graph API webhooks are retried over 36 hours (Graph API docs, "Getting Started" → "Event Notifications"),
    // WhatsApp's for up to 7 days (WhatsApp Cloud API docs, "Webhooks"): 8 days of cover.
    retryWindowMs: 8 * DAY_MS,
    signatureHeaders: ['X-Hub-Signature-256'],
    // The verification request is a GET (Graph API docs, "Getting Started" → "Verification Requests").
    methods: ['GET', 'POST'],
    verify({ method, url, headers, body }) {
      if (method === 'GET') return verifyChallenge(url, verifyTokens)
      const header = requireSignature(headers['x-hub-signature-256'], 'X-Hub-Signature-256')
      if (!header.startsWith(SIGNATURE_PREFIX))
        throw new SignatureInvalidError('The X-Hub-Signature-256 header is not of the form sha256=<hex>.')
      return signatureVerdict(verifier.matches([header.slice(SIGNATURE_PREFIX.length)], body))
    },
    parse({ method, url, body }) {
      if (method === 'GET') return [challengeEvent(queryOf(url))]
      return batchEvents(parseJsonBody(body))
    },
  }
}

/** The query of a request URL (relative or absolute), read in one pass. */
function queryOf(url: string): Map<string, string[]> {
  const start = url.indexOf('?')
  if (start < 0) return new Map()
  const end = url.indexOf('#', start)
  return parseForm(url.slice(start + 1, end < 0 ? undefined : end))
}

/** The one value of `name` in the query; several values are refused rather than chosen among. */
function single(query: Map<string, string[]>, name: string): string | undefined {
  const values = query.get(name)
  return values?.length === 1 ? values[0] : undefined
}

/**
 * The GET verification request: the Verify Token is compared in constant time, then the mode and the challenge are
 * checked (Graph API docs, "Getting Started" → "Validating Verification Requests").
 */
function verifyChallenge(url: string, tokens: TokenMatcher) {
  const query = queryOf(url)
  const token = single(query, 'hub.verify_token')
  if (token === undefined || token === '')
    throw new SignatureMissingError(
      'hub.verify_token',
      'The verification request carries no single hub.verify_token: it was not sent by Meta.',
    )
  return chain(signatureVerdict(tokens.matches(token)), (timestamp) => {
    if (single(query, 'hub.mode') !== 'subscribe')
      throw new PayloadInvalidError('A Meta verification request has hub.mode=subscribe.')
    if (!CHALLENGE.test(single(query, 'hub.challenge') ?? ''))
      throw new PayloadInvalidError(
        'A Meta verification request has a hub.challenge of printable characters.',
      )
    return timestamp
  })
}

function challengeEvent(query: Map<string, string[]>): ParsedEvent {
  // Checked in verify().
  const challenge = single(query, 'hub.challenge') as string
  const payload: MetaVerification = { mode: 'subscribe', challenge }
  return {
    // Answered at once and never reserved: the id only names it.
    id: `hub.challenge:${challenge}`,
    type: 'hub.verification',
    payload,
    reply: {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      body: challenge,
    },
  }
}

/** One event per item of every entry; each item's id is a hash of what identifies it in the signed body. */
function batchEvents(body: unknown) {
  if (
    !isJsonObject(body) ||
    typeof body.object !== 'string' ||
    body.object === '' ||
    !Array.isArray(body.entry)
  )
    throw new PayloadInvalidError(
      'A Meta webhook body is a JSON object with a string "object" and an "entry" array.',
    )
  const object = body.object
  const events: MetaEvent<unknown>[] = []
  for (const entry of body.entry as unknown[]) {
    if (!isJsonObject(entry))
      throw new PayloadInvalidError('Each item of a Meta webhook\'s "entry" is a JSON object.')
    const entryId = typeof entry.id === 'string' || typeof entry.id === 'number' ? String(entry.id) : ''
    const time = typeof entry.time === 'number' ? entry.time : undefined
    const base = time === undefined ? { object, entryId } : { object, entryId, time }
    let items = 0
    for (const name of ITEM_ARRAYS) {
      const list = entry[name]
      if (!Array.isArray(list)) continue
      for (const item of list as unknown[]) {
        items++
        if (name !== 'changes') events.push({ ...base, field: name, value: item })
        else if (isJsonObject(item) && typeof item.field === 'string' && item.field !== '')
          events.push({ ...base, field: item.field, value: item.value })
        else throw new PayloadInvalidError('Each Meta change has a string "field".')
      }
    }
    // An entry that carries no item array (only changed_fields, in older Graph API objects) is one event.
    if (items === 0) events.push({ ...base, field: '', value: entry })
  }
  if (events.length === 0) throw new PayloadInvalidError('A Meta webhook body has at least one entry.')
  // Each item is hashed on its own (not its position in the body), so the same item batched otherwise on a retry
  // keeps its id; what is hashed is read from the signed body.
  const ids = events.map((event) =>
    contentId(
      object,
      '\n',
      event.entryId,
      '\n',
      String(event.time ?? ''),
      '\n',
      event.field,
      '\n',
      JSON.stringify(event.value) ?? '',
    ),
  )
  return chain(all(ids), (resolved): ParsedEvent[] =>
    events.map((event, index) => {
      const id = resolved[index] as string
      return event.field === ''
        ? { id, type: object, payload: event }
        : { id, type: `${object}.${event.field}`, payload: event, aliases: [object] }
    }),
  )
}
