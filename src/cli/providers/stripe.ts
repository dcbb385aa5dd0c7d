import { signStripe } from '../../testing/stripe.js'
import type { Fresh } from '../fresh.js'
import { secretCredential, secretOf, type Sender } from '../sender.js'

/** Stripe's event envelope around `object` (API version 2025-x, live mode off). */
function event(fresh: Fresh, type: string, object: Record<string, unknown>) {
  return {
    id: fresh.id('evt_'),
    object: 'event',
    api_version: '2025-09-30.clover',
    created: fresh.now,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: fresh.id('req_', 14), idempotency_key: fresh.uuid() },
    type,
  }
}

export const stripeSender: Sender = {
  name: 'stripe',
  title: 'Stripe',
  ...secretCredential('the endpoint signing secret, whsec_…'),
  defaultEvent: 'payment_intent.succeeded',
  fixtures: {
    'payment_intent.succeeded': {
      summary: 'a card payment of 42.00 EUR succeeded',
      payload: (fresh) =>
        event(fresh, 'payment_intent.succeeded', {
          id: fresh.id('pi_'),
          object: 'payment_intent',
          amount: 4200,
          amount_received: 4200,
          currency: 'eur',
          customer: fresh.id('cus_', 14),
          latest_charge: fresh.id('ch_'),
          payment_method: fresh.id('pm_'),
          payment_method_types: ['card'],
          status: 'succeeded',
          created: fresh.now - 2,
          livemode: false,
          metadata: { order_id: fresh.digits(6) },
        }),
    },
    'checkout.session.completed': {
      summary: 'a Checkout Session was paid',
      payload: (fresh) =>
        event(fresh, 'checkout.session.completed', {
          id: fresh.id('cs_test_', 58),
          object: 'checkout.session',
          amount_total: 2000,
          currency: 'usd',
          customer: fresh.id('cus_', 14),
          customer_details: { email: 'jenny.rosen@example.com', name: 'Jenny Rosen' },
          mode: 'payment',
          payment_intent: fresh.id('pi_'),
          payment_status: 'paid',
          status: 'complete',
          created: fresh.now - 60,
          livemode: false,
          metadata: {},
        }),
    },
    'invoice.paid': {
      summary: 'a subscription invoice was paid',
      payload: (fresh) =>
        event(fresh, 'invoice.paid', {
          id: fresh.id('in_'),
          object: 'invoice',
          amount_due: 1500,
          amount_paid: 1500,
          currency: 'usd',
          customer: fresh.id('cus_', 14),
          status: 'paid',
          billing_reason: 'subscription_cycle',
          created: fresh.now - 3600,
          livemode: false,
        }),
    },
  },
  // Stripe sends its events pretty-printed, two spaces; a --file is sent as it is.
  sign: (input) =>
    signStripe({
      payload: input.text ?? JSON.stringify(input.payload, null, 2),
      secret: secretOf(input),
      timestamp: input.timestamp,
    }),
}
