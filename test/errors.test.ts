/**
 * errors.ts: `WebhookError` and its subclasses, `isWebhookError`, and what a refusal tells the sender.
 */
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  isWebhookError,
  SignatureInvalidError,
  WebhookError,
  type DedupStore,
  type Provider,
} from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe } from '../src/testing/index.js'
import { silentLogger } from './support/helpers.js'

const SECRET = 'whsec_receiver'
const event = (id: string, type = 'customer.created') => ({ id, type, object: 'event', data: { object: {} } })
const delivery = (id = 'evt_1', type?: string) => ({
  ...signStripe({ payload: event(id, type), secret: SECRET }),
  url: '/hook',
})
const make = (options: Partial<Parameters<typeof createReceiver>[0]> = {}) =>
  createReceiver({ provider: stripe({ secret: SECRET }), logger: silentLogger(), ...options })
describe('errors', () => {
  it('recognises library errors, and only them', () => {
    expect(isWebhookError(new SignatureInvalidError())).toBe(true)
    expect(isWebhookError(new WebhookError(400, 'body_malformed', 'x'))).toBe(true)
    expect(isWebhookError(new Error('plain'))).toBe(false)
    expect(isWebhookError({ status: 401, code: 'x' })).toBe(false)
    // An HTTP client's error looks like ours (status + code) but is not: its message may carry a credential.
    const foreign = Object.assign(new Error('request failed'), { status: 502, code: 'ERR_BAD_RESPONSE' })
    expect(isWebhookError(foreign)).toBe(false)
    // The other module format's copy of WebhookError (dual ESM/CJS install) carries the same registered brand.
    const copy = new Error('from the CJS copy')
    Object.defineProperty(copy, Symbol.for('webhook-receiver.error'), { value: true })
    expect(isWebhookError(copy)).toBe(true)
  })

  it("answers 503 store_unavailable, never the status or message of the store's error, when the store rejects", async () => {
    const url = 'rediss://default:hunter2@cache.internal:6380'
    const failing: DedupStore = {
      reserve: () =>
        Promise.reject(Object.assign(new Error(`connect ${url} failed`), { status: 502, code: 'ERR' })),
      complete: () => undefined,
      release: () => undefined,
    }
    const receiver = make({ store: failing })
    let ran = 0
    receiver.onAny(() => {
      ran++
    })
    const response = await receiver.handle(delivery('evt_store'))
    expect(response.status).toBe(503)
    expect(JSON.parse(response.body).code).toBe('store_unavailable')
    expect(response.headers['retry-after']).toBeDefined()
    expect(response.body).not.toContain('hunter2')
    expect(ran).toBe(0)
  })

  it('answers 500 internal_error, never throwing, and logs every such failure, when a provider fails unexpectedly', async () => {
    const logger = silentLogger()
    const broken: Provider = {
      name: 'broken',
      deadlineMs: 1000,
      bodyLimit: 1000,
      retryWindowMs: 1000,
      verify: () => undefined,
      parse: () => {
        throw new TypeError('bug')
      },
    }
    const receiver = createReceiver({ provider: broken, logger })
    const response = await receiver.handle({ method: 'POST', url: '/', headers: {}, body: '{}' })
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body).code).toBe('internal_error')
    expect(response.body).not.toContain('bug')
    expect(logger.errors).toHaveLength(1)
    // Unlike a misconfiguration (logged once), each internal failure is its own incident.
    await receiver.handle({ method: 'POST', url: '/', headers: {}, body: '{}' })
    expect(logger.errors).toHaveLength(2)
  })

  it('accepts headers as a Web Headers object and as a mixed-case record', async () => {
    const receiver = make()
    const d = delivery('evt_h')
    const mixed = { 'Stripe-Signature': d.headers['stripe-signature']!, 'Content-Type': 'application/json' }
    expect((await receiver.handle({ ...d, headers: mixed })).status).toBe(200)
    expect(
      (await receiver.handle({ ...delivery('evt_h2'), headers: new Headers(delivery('evt_h2').headers) }))
        .status,
    ).toBe(200)
  })

  it('answers 500 raw_body_unavailable when handed a parsed object instead of bytes', async () => {
    const response = await make().handle({ method: 'POST', url: '/', headers: {}, body: { id: 1 } as never })
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body).code).toBe('raw_body_unavailable')
  })
})
