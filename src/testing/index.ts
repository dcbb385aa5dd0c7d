/**
 * Signers for your own tests: each returns exactly the headers and body the real sender would send for a payload,
 * a secret and a time, so tests exercise the receiver end to end without the provider's SDK or a network.
 */
import { createHmac, randomUUID } from 'node:crypto'

/** A delivery as the sender would POST it. */
export interface SignedDelivery {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

interface SignOptions {
  /** The event; objects are serialised with `JSON.stringify`, strings are sent as they are. */
  payload: unknown
  secret: string
  /** Signing time in seconds since the epoch. Default: now. */
  timestamp?: number
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)
const serialise = (payload: unknown): string => (typeof payload === 'string' ? payload : JSON.stringify(payload))

/**
 * A Stripe delivery: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @example
 * ```ts
 * const delivery = signStripe({ payload: { id: 'evt_1', type: 'customer.created', data: { object: {} } }, secret })
 * await receiver.handle({ ...delivery, url: '/webhooks/stripe' })
 * ```
 */
export function signStripe(options: SignOptions): SignedDelivery {
  const body = serialise(options.payload)
  const timestamp = options.timestamp ?? nowSeconds()
  const signature = createHmac('sha256', options.secret).update(`${timestamp}.${body}`).digest('hex')
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=${timestamp},v1=${signature}` },
    body,
  }
}

/**
 * A GitHub delivery: `X-Hub-Signature-256`, `X-GitHub-Event` and `X-GitHub-Delivery`.
 *
 * @example
 * ```ts
 * const delivery = signGitHub({ event: 'issues', payload: { action: 'opened', issue: { number: 1 } }, secret })
 * ```
 */
export function signGitHub(options: Omit<SignOptions, 'timestamp'> & { event: string; deliveryId?: string }): SignedDelivery {
  const body = serialise(options.payload)
  const signature = createHmac('sha256', options.secret).update(body).digest('hex')
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/webhook-receiver-testing',
      'x-github-event': options.event,
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  }
}

/**
 * A Standard Webhooks delivery (Svix, Clerk, Resend…): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the secret after `whsec_`.
 *
 * @example
 * ```ts
 * const delivery = signStandardWebhooks({ payload: { type: 'user.created', data: {} }, secret: 'whsec_…' })
 * ```
 */
export function signStandardWebhooks(options: SignOptions & { id?: string }): SignedDelivery {
  const body = serialise(options.payload)
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`
  const timestamp = options.timestamp ?? nowSeconds()
  const key = Buffer.from(options.secret.replace(/^whsec_/, ''), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
    },
    body,
  }
}

/**
 * Turns a signed delivery into a Web `Request`, ready for `fetchHandler` or a Next.js route handler.
 *
 * @example
 * ```ts
 * const response = await fetchHandler(receiver)(toRequest('http://localhost/webhooks', signStripe({ payload, secret })))
 * ```
 */
export function toRequest(url: string, delivery: SignedDelivery): Request {
  return new Request(url, { method: delivery.method, headers: delivery.headers, body: delivery.body })
}
