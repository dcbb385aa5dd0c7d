/**
 * Compile-only tests of `webhook-receiver/nest`: a decorated method's parameter is checked against the events it
 * is registered for, and the module's options take receivers only. Run by vitest's typecheck mode (and
 * `tsc --noEmit`); nothing here executes (the classes are declared inside the test bodies, which never run).
 */
import type { Stripe } from 'stripe'
import { describe, expectTypeOf, it } from 'vitest'
import {
  createOnWebhook,
  InjectWebhookReceiver,
  OnWebhook,
  WebhookModule,
  type WebhookModuleAsyncOptions,
} from '../../src/adapters/nest.js'
import { createReceiver, type EventFor, type Receiver, type WebhookEvent } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { stripe } from '../../src/providers/stripe.js'

const stripeReceiver = createReceiver({ provider: stripe({ secret: 'whsec_x' }) })
type StripeProvider = ReturnType<typeof stripe>
type GitHubProvider = ReturnType<typeof github>

describe('EventFor for a Nest handler', () => {
  it('is the event receiver.on gives, named from the receiver or from its provider', () => {
    type Paid = EventFor<typeof stripeReceiver.provider, 'payment_intent.succeeded'>
    expectTypeOf<Paid>().toEqualTypeOf<EventFor<StripeProvider, 'payment_intent.succeeded'>>()
    expectTypeOf<Paid['payload']['data']['object']>().toEqualTypeOf<Stripe.PaymentIntent>()
    stripeReceiver.on('payment_intent.succeeded', (event) => expectTypeOf(event).toEqualTypeOf<Paid>())
  })
})

describe('@OnWebhook(name, type)', () => {
  it('takes a method whose parameter is a typed event, or none', () => {
    class Payments {
      @OnWebhook('stripe', 'payment_intent.succeeded')
      paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
        expectTypeOf(event.payload.data.object.amount).toEqualTypeOf<number>()
      }

      @OnWebhook('stripe', ['customer.created', 'customer.updated'])
      @OnWebhook('github', 'issues')
      async audit(event: WebhookEvent<string, unknown>) {
        return event.id
      }

      @OnWebhook('stripe')
      ping() {}
    }
    expectTypeOf<Payments>().toHaveProperty('paid')
  })

  it('refuses a method whose parameter is not an event', () => {
    class Wrong {
      // @ts-expect-error: a handler's parameter is the event, not an amount
      @OnWebhook('stripe', 'payment_intent.succeeded')
      paid(_amount: number) {}
    }
    expectTypeOf<Wrong>().toHaveProperty('paid')
  })
})

describe('createOnWebhook<Provider>(name)', () => {
  const OnStripe = createOnWebhook<StripeProvider>('stripe')
  const OnGitHub = createOnWebhook<GitHubProvider>('github')

  it("checks the event types against the provider's, and the parameter against them", () => {
    class Payments {
      @OnStripe('payment_intent.succeeded')
      paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
        return event.payload.data.object.amount
      }

      // A parameter for more events than registered is fine: it accepts each of them.
      @OnStripe('customer.created')
      customer(event: EventFor<StripeProvider, 'customer.created' | 'customer.updated'>) {
        return event.type
      }

      @OnGitHub('issues')
      issue(event: EventFor<GitHubProvider, 'issues'>) {
        return event.payload.issue.number
      }

      @OnStripe()
      any(event: EventFor<StripeProvider, 'payment_intent.succeeded' | 'customer.created'> | WebhookEvent) {
        return event.id
      }
    }
    expectTypeOf<Payments>().toHaveProperty('paid')
  })

  it('refuses a misspelled type, and a method for other events', () => {
    class Wrong {
      // @ts-expect-error: 'payment_intent.succeded' is not a Stripe event type
      @OnStripe('payment_intent.succeded')
      misspelled() {}

      // @ts-expect-error: registered for customer.created, the method takes payment_intent.succeeded only
      @OnStripe('customer.created')
      other(_event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {}

      // @ts-expect-error: the issues family includes issues.closed, which the method does not accept
      @OnGitHub('issues')
      narrower(_event: EventFor<GitHubProvider, 'issues.opened'>) {}
    }
    expectTypeOf<Wrong>().toHaveProperty('other')
  })
})

describe('WebhookModule', () => {
  it('takes receivers, from forRoot or from the factory of forRootAsync', () => {
    WebhookModule.forRoot({ name: 'stripe', path: 'webhooks/stripe', receiver: stripeReceiver })
    WebhookModule.forRootAsync({
      name: 'stripe',
      path: 'webhooks/stripe',
      inject: ['STRIPE_SECRET'],
      useFactory: async (secret: string) => createReceiver({ provider: stripe({ secret }) }),
      closeOnShutdown: { timeoutMs: 25_000 },
    })
    WebhookModule.forRoot({
      name: 'stripe',
      path: 'webhooks/stripe',
      // @ts-expect-error: a provider is not a receiver
      receiver: stripe({ secret: 'whsec_x' }),
    })
    // @ts-expect-error: the factory makes a receiver
    const wrong: WebhookModuleAsyncOptions = { name: 's', path: 'p', useFactory: () => 'whsec_x' }
    expectTypeOf(wrong).not.toBeAny()
  })

  it('injects a receiver by its route name', () => {
    class DeadLetters {
      constructor(@InjectWebhookReceiver('stripe') readonly receiver: Receiver<StripeProvider>) {}
    }
    expectTypeOf<DeadLetters['receiver']['provider']>().toEqualTypeOf<StripeProvider>()
  })
})
