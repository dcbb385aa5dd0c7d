/**
 * The Next.js App Router handler from the edge build (`export const runtime = 'edge'`), run by vitest.edge.config.ts:
 * dist/edge/adapters/next.js with Web Crypto and Node's globals shadowed, answering real `Request`s. Outside a Next
 * request scope `after()` is unavailable, and the answer is the same.
 */
import { describe, expect, it } from 'vitest'
import { nextRouteHandler } from '../../src/adapters/next-route.js'
import { createReceiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe, toRequest } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { loadedEdgeModules } from './edge-modules.js'

const SECRET = 'whsec_next_edge'

describe('nextRouteHandler (edge build)', () => {
  it('answers 200 to a signed delivery, 200 without a second run to its copy, and 401 to a forged one', async () => {
    const receiver = createReceiver({ provider: stripe({ secret: SECRET }), logger: silentLogger() })
    let runs = 0
    receiver.on('customer.created', () => {
      runs++
    })
    const POST = nextRouteHandler(receiver)
    const delivery = signStripe({
      payload: { id: 'evt_edge', type: 'customer.created', data: { object: {} } },
      secret: SECRET,
    })
    const url = 'https://example.com/webhooks/stripe'
    expect((await POST(toRequest(url, delivery))).status).toBe(200)
    expect((await POST(toRequest(url, delivery))).status).toBe(200)
    const forged = signStripe({
      payload: { id: 'evt_forged', type: 'customer.created', data: { object: {} } },
      secret: 'whsec_someone_else',
    })
    const refused = await POST(toRequest(url, forged))
    expect(refused.status).toBe(401)
    expect((await refused.json()).code).toBe('signature_invalid')
    expect(runs).toBe(1)
    expect(loadedEdgeModules()).toContain('adapters/next.js')
  })
})
