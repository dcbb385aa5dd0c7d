import type { GitHubEventAlias, GitHubEventMap } from '../event-maps/github.js'
import { bytesToText, isJsonObject, parseForm, parseJsonBody, parseJsonText } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { BodyMalformedError, SignatureInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { Provider, SecretOption } from '../types/provider.js'

export type { GitHubEventAlias, GitHubEventMap }

export interface GitHubOptions {
  /** The webhook's secret, or several while rotating. */
  secret: SecretOption
}

const SIGNATURE_PREFIX = 'sha256='

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`; no signed timestamp, so dedup on
 * `X-GitHub-Delivery` is the replay protection. The event type is `X-GitHub-Event` plus `.action` when the payload
 * has one; a handler on `issues` also receives `issues.opened`. JSON and `application/x-www-form-urlencoded`
 * (`payload=…`) content types are both accepted.
 *
 * @example
 * ```ts
 * import { github } from 'webhook-receiver/providers/github'
 * const receiver = createReceiver({ provider: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }) })
 * receiver.on('issues.opened', (event) => event.payload.issue.title)
 * ```
 */
export function github(options: GitHubOptions): Provider<GitHubEventMap, GitHubEventAlias> {
  const perRequest = perRequestSecrets(options, ['secret'], github)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier('sha256', 'hex', secretList(options?.secret, 'github', 'secret'))
  return {
    name: 'github',
    // GitHub terminates the connection after 10 seconds (docs: "Handling webhook deliveries").
    deadlineMs: 10_000,
    // GitHub caps payloads at 25 MB (docs: "Webhook events and payloads").
    bodyLimit: 25 * 1024 * 1024,
    // GitHub does not retry by itself; deliveries can be redelivered by hand for 3 days. One more day of margin.
    retryWindowMs: 4 * DAY_MS,
    signatureHeaders: ['X-Hub-Signature-256'],
    verify({ headers, body }) {
      const header = requireSignature(headers['x-hub-signature-256'], 'X-Hub-Signature-256')
      if (!header.startsWith(SIGNATURE_PREFIX)) {
        throw new SignatureInvalidError('The X-Hub-Signature-256 header is not of the form sha256=<hex>.')
      }
      return signatureVerdict(verifier.matches([header.slice(SIGNATURE_PREFIX.length)], body))
    },
    parse({ headers, body }) {
      const event = requireHeader(headers['x-github-event'], 'X-GitHub-Event')
      const id = requireHeader(headers['x-github-delivery'], 'X-GitHub-Delivery')
      const payload = isFormEncoded(headers['content-type']) ? parseFormPayload(body) : parseJsonBody(body)
      if (!isJsonObject(payload)) throw new BodyMalformedError('a GitHub event object')
      // X-GitHub-Delivery is not signed: the verified signature (lower-case hex) identifies the signed bytes, so a
      // captured delivery replayed under another delivery id is still a duplicate.
      const replayId = headers['x-hub-signature-256']?.slice(SIGNATURE_PREFIX.length)
      const action = payload.action
      return typeof action === 'string' && action !== ''
        ? [{ id, type: `${event}.${action}`, payload, aliases: [event], replayId }]
        : [{ id, type: event, payload, replayId }]
    },
  }
}

function isFormEncoded(contentType: string | undefined): boolean {
  return (
    contentType !== undefined && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')
  )
}

/** GitHub's form content type sends the JSON in a `payload` field (docs: "Creating webhooks", content type). */
function parseFormPayload(body: Uint8Array): unknown {
  const json = parseForm(bytesToText(body)).get('payload')?.[0]
  if (json === undefined) throw new BodyMalformedError('form data with a payload field')
  return parseJsonText(json)
}
