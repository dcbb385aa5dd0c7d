// POST /sdk: hand-wired as Stripe's Next.js App Router examples do it: the body as text, then constructEvent.
import Stripe from 'stripe'
import { STRIPE_SECRET } from '../../../../support/deliveries.ts'
import { countHandled } from '../../../../support/server.ts'

const stripe = new Stripe('sk_test_bench')

export async function POST(request: Request): Promise<Response> {
  const body = await request.text()
  try {
    stripe.webhooks.constructEvent(body, request.headers.get('stripe-signature') as string, STRIPE_SECRET)
  } catch {
    return new Response('Webhook signature verification failed', { status: 400 })
  }
  countHandled()
  return Response.json({ received: true })
}
