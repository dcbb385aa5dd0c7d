import { Injectable } from '@nestjs/common'
import type { EventFor } from 'webhook-receiver'
import { OnWebhook } from 'webhook-receiver/nest'
import type { stripe } from 'webhook-receiver/providers/stripe'
import { OrdersService } from './orders.service.js'

type StripeProvider = ReturnType<typeof stripe>

@Injectable()
export class PaymentsService {
  // Injected by Nest, like any dependency of a provider.
  constructor(private readonly orders: OrdersService) {}

  @OnWebhook('stripe', 'payment_intent.succeeded')
  paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
    const { id, amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
    this.orders.markPaid(id, amount)
    console.log(`handled stripe ${event.type} ${event.id} (${amount} ${currency})`)
  }
}
