import { concatBytes, verifySignature, type PublicKey } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { anyOf } from '../crypto/any-of.js'
import { decodeSignature } from '../crypto/encoding.js'
import { importEd25519PublicKey } from '../crypto/public-key.js'
import { PayloadInvalidError } from '../errors.js'
import { createReply, type Reply } from '../reply.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
  singleEvent,
} from '../provider-kit/index.js'
import type { WebhookResponse } from '../types/events.js'
import type { ParsedEvent, Provider, SecretOption } from '../types/provider.js'

/** An interaction as Discord posts it to the Interactions Endpoint URL (Discord docs, "Interaction Object"). */
export interface DiscordInteraction {
  id: string
  application_id: string
  /** 2 application command, 3 message component, 4 autocomplete, 5 modal submit (1, PING, is answered for you). */
  type: number
  /** Valid for 15 minutes: follow-up messages and deferred responses use it. */
  token: string
  version: number
  data?: Record<string, unknown>
  guild_id?: string
  channel_id?: string
  member?: Record<string, unknown>
  user?: Record<string, unknown>
  [field: string]: unknown
}

/** A webhook event as Discord posts it to the Webhook Events URL (Discord docs, "Webhook Events"). */
export interface DiscordWebhookEvent<TData = Record<string, unknown>> {
  version: number
  application_id: string
  type: 1
  event: { type: string; timestamp: string; data?: TData }
}

/** The webhook event types of Discord's docs ("Webhook Events" → "Event Types"); others still reach `onAny`. */
export type DiscordWebhookEventType =
  | 'APPLICATION_AUTHORIZED'
  | 'APPLICATION_DEAUTHORIZED'
  | 'ENTITLEMENT_CREATE'
  | 'ENTITLEMENT_UPDATE'
  | 'ENTITLEMENT_DELETE'
  | 'QUEST_USER_ENROLLMENT'
  | 'LOBBY_MESSAGE_CREATE'
  | 'LOBBY_MESSAGE_UPDATE'
  | 'LOBBY_MESSAGE_DELETE'
  | 'GAME_DIRECT_MESSAGE_CREATE'
  | 'GAME_DIRECT_MESSAGE_UPDATE'
  | 'GAME_DIRECT_MESSAGE_DELETE'

/**
 * Interactions by their type's name, and webhook events by their `event.type`. Discord ships no type package of its
 * own: the payloads are typed as far as its docs define the envelopes.
 */
export type DiscordEventMap = {
  APPLICATION_COMMAND: DiscordInteraction
  MESSAGE_COMPONENT: DiscordInteraction
  APPLICATION_COMMAND_AUTOCOMPLETE: DiscordInteraction
  MODAL_SUBMIT: DiscordInteraction
} & { [T in DiscordWebhookEventType]: DiscordWebhookEvent }

export interface DiscordOptions {
  /** The application's Public Key (Developer Portal → General Information), 64 hex characters, or several. */
  publicKey: SecretOption
}

/** The interaction types of Discord's docs ("Interaction Type"), by number. */
const INTERACTION_TYPES: Readonly<Record<number, string>> = {
  1: 'PING',
  2: 'APPLICATION_COMMAND',
  3: 'MESSAGE_COMPONENT',
  4: 'APPLICATION_COMMAND_AUTOCOMPLETE',
  5: 'MODAL_SUBMIT',
}

/** PONG: the answer to an interaction PING (type 1), which Discord sends when the endpoint URL is saved. */
const PONG: WebhookResponse = Object.freeze({
  status: 200,
  headers: Object.freeze({ 'content-type': 'application/json' }),
  body: '{"type":1}',
}) as WebhookResponse

/** Webhook events, their PING included, are acknowledged with an empty 204 (Discord docs, "Webhook Events"). */
const NO_CONTENT: WebhookResponse = Object.freeze({
  status: 204,
  headers: Object.freeze({}),
  body: '',
}) as WebhookResponse

/** What a Discord handler returns to answer an interaction (see `discordReply`). */
export type DiscordReply = Reply<'discord'>

/**
 * The interaction response, for a handler to return (Discord docs, "Interaction Response Object"): sent as JSON.
 * Only a value made here is sent: whatever else a handler returns stays in the process.
 *
 * @example
 * ```ts
 * receiver.on('APPLICATION_COMMAND', () => discordReply({ type: 4, data: { content: 'Pong!' } }))
 * ```
 */
export function discordReply(response: Readonly<{ type: number; data?: unknown }>): DiscordReply {
  return createReply('discord', {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(response),
  })
}

/**
 * Discord interactions and webhook events: `X-Signature-Ed25519: <hex Ed25519 signature of
 * "<X-Signature-Timestamp><raw body>">`, checked with the application's public key; the timestamp is held to
 * `tolerance`. An interaction PING is answered `{"type":1}` and a webhook event PING with 204, without any handler.
 * Interactions dispatch on their type's name (dedup id: the interaction `id`), webhook events on `event.type`. A
 * handler answers an interaction by returning `discordReply(…)`; with none, the answer is an empty 204 (what webhook
 * events expect), and anything else a handler returns is not sent.
 *
 * @example
 * ```ts
 * import { discord, discordReply } from 'webhook-receiver/providers/discord'
 * const receiver = createReceiver({ provider: discord({ publicKey: process.env.DISCORD_PUBLIC_KEY! }) })
 * receiver.on('APPLICATION_COMMAND', () => discordReply({ type: 4, data: { content: 'Pong!' } }))
 * ```
 */
export function discord(options: DiscordOptions): Provider<DiscordEventMap> {
  const perRequest = perRequestSecrets(options, ['publicKey'], discord)
  if (perRequest !== undefined) return perRequest
  const publicKeys = secretList(options?.publicKey, 'discord', 'publicKey', {
    noun: 'key',
    expected: "the application's Public Key (Developer Portal → General Information)",
    check: (key) =>
      /^[0-9a-f]{64}$/i.test(key)
        ? undefined
        : 'this is not a Discord Public Key (64 hex characters). Copy the Public Key from the Developer Portal → General Information; the bot token and the client secret are other credentials.',
  }).map((key): PublicKey => importEd25519PublicKey(decodeSignature(key.toLowerCase(), 'hex') as Uint8Array))
  return {
    name: 'discord',
    // Discord fails an interaction not answered within 3 seconds (docs, "Receiving an Interaction"); webhook events
    // are acknowledged within 3 seconds too (docs, "Webhook Events").
    deadlineMs: 3_000,
    bodyLimit: 1024 * 1024,
    // Interactions are never retried; webhook events are, on a schedule Discord does not publish: a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Signature-Ed25519'],
    verify({ headers, body }) {
      const signatureText = requireSignature(headers['x-signature-ed25519'], 'X-Signature-Ed25519')
      const timestamp = requireHeader(headers['x-signature-timestamp'], 'X-Signature-Timestamp')
      const signature = decodeSignature(signatureText, 'hex')
      // An Ed25519 signature is 64 bytes: anything else cannot verify, and costs no key operation.
      const content = signature?.byteLength === 64 ? concatBytes([timestamp, body]) : undefined
      const valid =
        content !== undefined &&
        anyOf(publicKeys, (key) => verifySignature(key, content, signature as Uint8Array))
      return signatureVerdict(valid, timestamp, 'X-Signature-Timestamp')
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.type !== 'number')
        throw new PayloadInvalidError('A Discord request is a JSON object with a numeric "type".')
      return typeof payload.token === 'string' ? interaction(payload) : webhookEvent(payload, body)
    },
    reply: (replies) => replies[0] ?? NO_CONTENT,
  }
}

function interaction(payload: Record<string, unknown>): ParsedEvent[] {
  const type = INTERACTION_TYPES[payload.type as number]
  if (type === undefined || typeof payload.id !== 'string' || payload.id === '')
    throw new PayloadInvalidError('A Discord interaction has a string "id" and a known "type" (1 to 5).')
  if (type === 'PING') return [{ id: payload.id, type, payload, reply: PONG }]
  return [{ id: payload.id, type, payload }]
}

function webhookEvent(payload: Record<string, unknown>, body: Uint8Array) {
  // Webhook events carry no id: a retry repeats the body, so its hash identifies the event.
  if (payload.type === 0) return singleEvent(undefined, body, { type: 'PING', payload, reply: NO_CONTENT })
  const event = payload.event
  if (payload.type !== 1 || !isJsonObject(event) || typeof event.type !== 'string' || event.type === '')
    throw new PayloadInvalidError(
      'A Discord webhook event has "type": 1 and an "event" with a string "type".',
    )
  return singleEvent(undefined, body, { type: event.type, payload })
}
