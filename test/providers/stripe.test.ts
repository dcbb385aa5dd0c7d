/**
 * Stripe against its official SDK: signatures the SDK makes are accepted, deliveries the signer makes pass
 * `constructEvent`, and rotation. The refusals (every changed byte of a signed part, wrong secrets, tolerance) are
 * the case table's: test/providers/tampering.test.ts.
 */
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe } from '../../src/testing/index.js'
import { providerHarness } from '../support/provider-harness.js'

const NOW = 1_700_000_000
const stripeSdk = new Stripe('sk_test_conformance')

describe('Stripe', () => {
  const secret = 'whsec_conformance'
  const body = JSON.stringify({
    id: 'evt_sdk',
    object: 'event',
    type: 'customer.created',
    data: { object: {} },
  })

  it("accepts a signature produced by stripe's generateTestHeaderString", async () => {
    const { post, seen } = providerHarness(stripe({ secret }), NOW)
    const header = stripeSdk.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: NOW })
    expect((await post({ headers: { 'stripe-signature': header }, body })).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['customer.created'])
  })

  it("produces deliveries that stripe's constructEvent accepts", () => {
    const delivery = signStripe({ payload: body, secret })
    expect(
      stripeSdk.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature']!, secret).id,
    ).toBe('evt_sdk')
  })

  it('accepts either secret while rotating, and a header whose second v1 entry is the valid one', async () => {
    const { post, seen } = providerHarness(stripe({ secret: ['whsec_new', secret] }), NOW)
    const old = signStripe({ payload: body, secret, timestamp: NOW })
    const valid = old.headers['stripe-signature']!.split('v1=')[1]
    const header = `t=${NOW},v1=${'0'.repeat(64)},v1=${valid}`
    expect((await post({ headers: { 'stripe-signature': header }, body })).status).toBe(200)
    const fresh = signStripe({
      payload: body.replace('evt_sdk', 'evt_new'),
      secret: 'whsec_new',
      timestamp: NOW,
    })
    expect((await post({ headers: fresh.headers, body: fresh.body })).status).toBe(200)
    expect(seen).toHaveLength(2)
  })
})
