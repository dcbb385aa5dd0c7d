import { chain } from '#crypto'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Slack request: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` and `X-Slack-Request-Timestamp`.
 * An object payload is sent as JSON (Events API); a `URLSearchParams` or `form` record as a form (slash commands,
 * interactivity). `retryNum` adds `X-Slack-Retry-Num`.
 *
 * @example
 * ```ts
 * const delivery = signSlack({ payload: { type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention' } }, signingSecret })
 * const command = signSlack({ form: { command: '/deploy', text: 'api', trigger_id: '1.2.3' }, signingSecret })
 * ```
 */
export function signSlack(
  options: Partial<SignOptions> & {
    signingSecret: string
    form?: Record<string, string> | URLSearchParams
    retryNum?: number
  },
): Signed<SignedDelivery> {
  const form = options.form === undefined ? undefined : new URLSearchParams(options.form)
  const body = form === undefined ? serialise(options.payload) : form.toString()
  const timestamp = options.timestamp ?? nowSeconds()
  return chain(hmacText('sha256', options.signingSecret, `v0:${timestamp}:${body}`, 'hex'), (signature) => {
    const headers: Record<string, string> = {
      'content-type': form === undefined ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': `v0=${signature}`,
    }
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum)
      headers['x-slack-retry-reason'] = 'http_timeout'
    }
    return { method: 'POST', headers, body } satisfies SignedDelivery
  })
}
