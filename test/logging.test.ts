/**
 * What reaches the app's logs when the fault is the app's, not the sender's: a dedup store that fails (answered
 * 503, or processed without dedup) is logged once per burst, so an outage shows in the logs and not only as 503s at
 * the sender; a body parser that consumed the raw body is logged once per route and provider, naming both.
 */
import { createServer } from 'node:http'
import express from 'express'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { expressMiddleware } from '../src/adapters/express.js'
import { createReceiver, generatePathToken, type DedupStore, type Receiver } from '../src/index.js'
import { github } from '../src/providers/github.js'
import { stripe } from '../src/providers/stripe.js'
import { signGitHub, signStripe } from '../src/testing/index.js'
import { listening } from './adapters/contract.js'
import { silentLogger } from './support/helpers.js'

const SECRET = 'whsec_logging'
const delivery = (id: string, url = '/webhooks/stripe') => ({
  ...signStripe({ payload: { id, type: 'customer.created', data: {} }, secret: SECRET }),
  url,
})

/** A store whose server is down: every call rejects, as a client with no offline queue does. */
const down = (): DedupStore => ({
  reserve: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
  complete: () => undefined,
  release: () => undefined,
})

describe('a failing dedup store', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is logged with its error, once per burst of 503s, then again with the count left out', async () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const logger = silentLogger()
    const receiver = createReceiver({ provider: stripe({ secret: SECRET }), store: down(), logger })
    receiver.onAny(() => undefined)
    for (let i = 0; i < 5; i++) expect((await receiver.handle(delivery(`evt_down_${i}`))).status).toBe(503)
    expect(logger.errors).toHaveLength(1)
    const [message, error] = logger.errors[0]!
    expect(String(message)).toContain('answered 503 store_unavailable')
    expect(String(error)).toContain('ECONNREFUSED')
    // Still down a while later: one more line, saying how many failures it stands for.
    vi.advanceTimersByTime(60_000)
    expect((await receiver.handle(delivery('evt_down_later'))).status).toBe(503)
    expect(logger.errors).toHaveLength(2)
    expect(String(logger.errors[1]![0])).toContain('4 more since the last report')
  })

  it("is logged as a warning once per burst with onStoreError: 'process', as the deliveries are still handled", async () => {
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      store: down(),
      onStoreError: 'process',
      logger,
    })
    let runs = 0
    receiver.onAny(() => void runs++)
    for (let i = 0; i < 3; i++) expect((await receiver.handle(delivery(`evt_p_${i}`))).status).toBe(200)
    expect(runs).toBe(3)
    expect(logger.warnings).toHaveLength(1)
    expect(String(logger.warnings[0]![0])).toContain('processing without dedup')
    expect(logger.errors).toHaveLength(0)
  })
})

describe('a raw body consumed by a body parser', () => {
  const parsed = { id: 'evt_parsed' } as never

  it('is logged once per route and provider, naming both, with the message once', async () => {
    const logger = silentLogger()
    const payments = createReceiver({ provider: stripe({ secret: SECRET }), logger })
    const repository = createReceiver({ provider: github({ secret: 'gh' }), logger })
    const signed = signStripe({ payload: { id: 'evt_x', type: 't' }, secret: SECRET }).headers
    const gh = signGitHub({ event: 'push', deliveryId: 'd', payload: {}, secret: 'gh' }).headers
    const post = (receiver: Receiver<any>, url: string, headers: Record<string, string>) =>
      receiver.handle({ method: 'POST', url, headers, body: parsed })
    for (let retry = 0; retry < 3; retry++) {
      expect((await post(payments, '/webhooks/stripe?attempt=1', signed)).status).toBe(500)
    }
    expect((await post(payments, 'https://example.com/billing/stripe', signed)).status).toBe(500)
    expect((await post(repository, '/webhooks/github', gh)).status).toBe(500)
    const lines = logger.errors.map((args) => {
      expect(args).toHaveLength(1) // the message alone: not the error again, with its stack
      return String(args[0])
    })
    expect(lines).toHaveLength(3)
    expect(lines[0]).toContain('on /webhooks/stripe (provider stripe)')
    expect(lines[0]).not.toContain('attempt=1')
    expect(lines[1]).toContain('on /billing/stripe (provider stripe)')
    expect(lines[2]).toContain('on /webhooks/github (provider github)')
    for (const line of lines) expect(line.split('The raw request body is not available')).toHaveLength(2)
  })

  it('never logs the path token, which is part of the route', async () => {
    const logger = silentLogger()
    const pathToken = generatePathToken()
    const receiver = createReceiver({ provider: stripe({ secret: SECRET }), pathToken, logger })
    const signed = signStripe({ payload: { id: 'evt_t', type: 't' }, secret: SECRET }).headers
    await receiver.handle({
      method: 'POST',
      url: `/webhooks/stripe/${pathToken}`,
      headers: signed,
      body: parsed,
    })
    expect(String(logger.errors[0]?.[0])).toContain('on /webhooks/stripe/:pathToken (provider stripe)')
    expect(String(logger.errors[0]?.[0])).not.toContain(pathToken)
  })

  it('is logged for each misconfigured Express route of an app, once each', async () => {
    const logger = silentLogger()
    const app = express()
    app.use(express.json()) // in front of every webhook route: the mistake
    for (const name of ['stripe', 'billing']) {
      const receiver = createReceiver({ provider: stripe({ secret: SECRET }), logger })
      app.post(`/webhooks/${name}`, expressMiddleware(receiver))
    }
    const mounted = await listening(createServer(app))
    try {
      for (const url of ['/webhooks/stripe', '/webhooks/billing', '/webhooks/stripe']) {
        const { headers, body } = delivery('evt_e')
        const response = await fetch(new URL(url, mounted.url), { method: 'POST', headers, body })
        expect(response.status).toBe(500)
      }
    } finally {
      await mounted.close()
    }
    expect(logger.errors.map(([line]) => String(line).match(/on (\S+) \(provider stripe\)/)?.[1])).toEqual([
      '/webhooks/stripe',
      '/webhooks/billing',
    ])
  })
})
