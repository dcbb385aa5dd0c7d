import type { SlackEventMap } from '../event-maps/slack.js'
import { bytesToText, formFields, isJsonObject, parseForm, parseJsonBody, parseJsonText } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { BodyMalformedError, SignatureInvalidError } from '../errors.js'
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

export type {
  SlackEventEnvelope,
  SlackEventMap,
  SlackInteraction,
  SlackSlashCommand,
} from '../event-maps/slack.js'

export interface SlackOptions {
  /** The app's signing secret (Basic Information page), or several while rotating. */
  signingSecret: SecretOption
}

const EMPTY_OK: WebhookResponse = Object.freeze({ status: 200, headers: {}, body: '' }) as WebhookResponse

/** What a Slack handler returns to answer Slack (see `slackReply`). */
export type SlackReply = Reply<'slack'>

/**
 * The answer to Slack, for a handler to return: a message object (a slash command's reply, a `view_submission`'s
 * `response_action`), sent as JSON, or text, sent as `text/plain`. Only a value made here is sent: whatever else a
 * handler returns stays in the process.
 *
 * @example
 * ```ts
 * receiver.on('/deploy', (event) => slackReply({ response_type: 'ephemeral', text: `Deploying ${event.payload.text}` }))
 * receiver.on('/ping', () => slackReply('pong'))
 * ```
 */
export function slackReply(message: string | Readonly<Record<string, unknown>>): SlackReply {
  if (typeof message === 'string') {
    return createReply('slack', {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: message,
    })
  }
  return createReply('slack', {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  })
}

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<raw body>">`, 5-minute
 * tolerance. Events API bodies dispatch on the inner `event.type` (dedup id `event_id`, `X-Slack-Retry-Num` as
 * `attempt`); slash commands on the command (`/deploy`); interactivity on the payload `type`. `url_verification`
 * is answered with its challenge without any handler. A handler answers Slack by returning `slackReply(…)`, e.g. a
 * slash command's message; anything else it returns is not sent.
 *
 * @example
 * ```ts
 * import { slack, slackReply } from 'webhook-receiver/providers/slack'
 * const receiver = createReceiver({ provider: slack({ signingSecret: process.env.SLACK_SIGNING_SECRET! }) })
 * receiver.on('app_mention', (event) => notify(event.payload.event.text))
 * receiver.on('/deploy', (event) => slackReply({ response_type: 'ephemeral', text: `Deploying ${event.payload.text}` }))
 * ```
 */
export function slack(options: SlackOptions): Provider<SlackEventMap> {
  const perRequest = perRequestSecrets(options, ['signingSecret'], slack)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.signingSecret, 'slack', 'signingSecret', {
      check: (secret) =>
        // Tokens (xoxb-, xoxp-, xapp-, xoxe-) authenticate calls to Slack; only the Signing Secret verifies requests.
        /^xox[a-z]?-|^xapp-/.test(secret)
          ? 'this is a Slack token, not the Signing Secret. Copy the Signing Secret from your app settings → Basic Information → App Credentials.'
          : undefined,
    }),
  )
  return {
    name: 'slack',
    // Slack gives up after 3 seconds (Events API, slash commands and interactivity alike).
    deadlineMs: 3_000,
    bodyLimit: 1024 * 1024,
    // Slack retries an event 3 times over about an hour (immediately, 1 min, 5 min).
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Slack-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-slack-signature'], 'X-Slack-Signature')
      const timestampText = requireHeader(headers['x-slack-request-timestamp'], 'X-Slack-Request-Timestamp')
      if (!signature.startsWith('v0='))
        throw new SignatureInvalidError('The X-Slack-Signature header is not of the form v0=<hex>.')
      return signatureVerdict(
        verifier.matches([signature.slice(3)], `v0:${timestampText}:`, body),
        timestampText,
        'X-Slack-Request-Timestamp',
      )
    },
    parse({ headers, body }) {
      const retries = Number(headers['x-slack-retry-num'] ?? 0)
      const attempt = Number.isInteger(retries) && retries >= 0 ? retries + 1 : 1
      const contentType = headers['content-type'] ?? ''
      const { id, ...event } = contentType.startsWith('application/x-www-form-urlencoded')
        ? parseSlackForm(bytesToText(body))
        : parseEventsApi(parseJsonBody(body))
      // Slack sends no id with a url_verification, or a form without trigger_id: the body identifies those.
      return singleEvent(id, body, { ...event, attempt })
    },
    reply: (replies) => replies[0] ?? EMPTY_OK,
  }
}

/** An event whose id is undefined when Slack sent none (the caller then uses a hash of the body). */
type SlackParsed = Omit<ParsedEvent, 'id'> & { id: string | undefined }

function parseEventsApi(payload: unknown): SlackParsed {
  if (!isJsonObject(payload) || typeof payload.type !== 'string')
    throw new BodyMalformedError('a Slack Events API body')
  if (payload.type === 'url_verification') {
    // Slack's handshake when the request URL is saved: answer the challenge (Events API docs, url_verification).
    const challenge = typeof payload.challenge === 'string' ? payload.challenge : ''
    return {
      id: undefined,
      type: 'url_verification',
      payload,
      reply: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge },
    }
  }
  const id = typeof payload.event_id === 'string' ? payload.event_id : undefined
  if (
    payload.type === 'event_callback' &&
    isJsonObject(payload.event) &&
    typeof payload.event.type === 'string'
  ) {
    return { id, type: payload.event.type, payload }
  }
  return { id, type: payload.type, payload }
}

function parseSlackForm(text: string): SlackParsed {
  const form = parseForm(text)
  const interaction = form.get('payload')?.[0]
  if (interaction !== undefined) {
    const payload = parseJsonText(interaction)
    if (!isJsonObject(payload) || typeof payload.type !== 'string')
      throw new BodyMalformedError('a Slack interactivity payload')
    const id = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined
    return { id, type: payload.type, payload }
  }
  const command = form.get('command')?.[0]
  if (command === undefined) throw new BodyMalformedError('a Slack slash command or interactivity form')
  return { id: form.get('trigger_id')?.[0] || undefined, type: command, payload: formFields(form) }
}
