/**
 * Compile-only tests: event names narrow the payload type, and misspelled names do not compile.
 * Run by vitest's typecheck mode (and `tsc --noEmit`); nothing here executes.
 */
import type { UserJSON } from '@clerk/backend'
import type { EmailBouncedEvent } from 'resend'
import type { Stripe } from 'stripe'
import { describe, expectTypeOf, it } from 'vitest'
import {
  createReceiver,
  tenantSecrets,
  type SecretRequest,
  type SecretResolver,
  type WebhookResponse,
} from '../src/index.js'
import { shopify } from '../src/providers/shopify.js'
import { clerk } from '../src/providers/clerk.js'
import { github } from '../src/providers/github.js'
import { resend } from '../src/providers/resend.js'
import { sendgrid, type SendGridEvent } from '../src/providers/sendgrid.js'
import { slack, slackReply, type SlackReply, type SlackSlashCommand } from '../src/providers/slack.js'
import { standardWebhooks } from '../src/providers/standard-webhooks.js'
import { stripe } from '../src/providers/stripe.js'
import {
  twilio,
  twimlReply,
  type TwilioCloudEvent,
  type TwilioParams,
  type TwimlReply,
} from '../src/providers/twilio.js'
import { adyen, type AdyenNotificationItem } from '../src/providers/adyen.js'
import { discord, type DiscordInteraction, type DiscordWebhookEvent } from '../src/providers/discord.js'
import { mailgun, type MailgunWebhook } from '../src/providers/mailgun.js'
import { meta, type MetaEvent } from '../src/providers/meta.js'
import { paypal, type PayPalEvent } from '../src/providers/paypal.js'

describe('Stripe event types', () => {
  const receiver = createReceiver({ provider: stripe({ secret: 'whsec_x' }) })

  it('types the payload of payment_intent.succeeded from Stripe.Event', () => {
    receiver.on('payment_intent.succeeded', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'payment_intent.succeeded'>()
      expectTypeOf(event.payload.data.object.amount).toEqualTypeOf<number>()
      expectTypeOf(event.payload.data.object).toEqualTypeOf<Stripe.PaymentIntent>()
    })
  })

  it('rejects a misspelled event name', () => {
    // @ts-expect-error 'payment_intent.succeded' is not a Stripe event type
    receiver.on('payment_intent.succeded', () => undefined)
  })

  it('gives a handler for several names the union of their events', () => {
    receiver.on(['customer.created', 'customer.updated'], (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'customer.created' | 'customer.updated'>()
      expectTypeOf(event.payload.data.object).toEqualTypeOf<Stripe.Customer>()
    })
  })

  it('gives onAny every Stripe event', () => {
    receiver.onAny((event) => {
      expectTypeOf(event.payload).toEqualTypeOf<Stripe.Event>()
    })
  })
})

describe('GitHub event types', () => {
  const receiver = createReceiver({ provider: github({ secret: 'x' }) })

  it('types issues.opened from @octokit/openapi-webhooks-types', () => {
    receiver.on('issues.opened', (event) => {
      expectTypeOf(event.payload.issue.title).toEqualTypeOf<string>()
      expectTypeOf(event.payload.action).toEqualTypeOf<'opened'>()
    })
  })

  it('gives a handler on a family every action of it', () => {
    receiver.on('issues', (event) => {
      expectTypeOf<'issues.opened'>().toMatchTypeOf<typeof event.type>()
      expectTypeOf<'issues.closed'>().toMatchTypeOf<typeof event.type>()
      expectTypeOf<'push'>().not.toMatchTypeOf<typeof event.type>()
    })
  })

  it('types events without an action by their name', () => {
    receiver.on('push', (event) => {
      expectTypeOf(event.payload.ref).toEqualTypeOf<string>()
    })
  })

  it('rejects a misspelled event name', () => {
    // @ts-expect-error 'isues.opened' is not a GitHub event
    receiver.on('isues.opened', () => undefined)
  })
})

describe('provider event maps', () => {
  it('types Standard Webhooks handlers from the user event map', () => {
    const receiver = createReceiver({
      provider: standardWebhooks<{ 'user.created': { type: 'user.created'; data: { id: string } } }>({
        secret: 'whsec_eA==',
      }),
    })
    receiver.on('user.created', (event) => {
      expectTypeOf(event.payload.data.id).toEqualTypeOf<string>()
    })
    // @ts-expect-error not in the map
    receiver.on('user.deleted', () => undefined)
  })

  it('accepts any name, with an unknown payload, when no map is given', () => {
    const receiver = createReceiver({ provider: standardWebhooks({ secret: 'whsec_eA==' }) })
    receiver.on('anything.at.all', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<unknown>()
    })
  })

  it('types Slack slash commands and SendGrid items', () => {
    createReceiver({ provider: slack({ signingSecret: 's' }) }).on('/deploy', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<SlackSlashCommand>()
    })
    createReceiver({ provider: sendgrid({ publicKey: 'unused-in-typecheck' }) }).on('bounce', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<SendGridEvent>()
    })
  })

  it('types Twilio form requests by kind and Event Streams CloudEvents by their com.twilio. type', () => {
    const receiver = createReceiver({ provider: twilio({ authToken: 't', url: 'https://example.com/sms' }) })
    receiver.on('message.received', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<TwilioParams>()
    })
    receiver.on('com.twilio.messaging.message.delivered', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'com.twilio.messaging.message.delivered'>()
      expectTypeOf(event.payload).toEqualTypeOf<TwilioCloudEvent>()
    })
    // @ts-expect-error 'message.recieved' is neither a Twilio request kind nor an Event Streams type
    receiver.on('message.recieved', () => undefined)
  })

  it('types Discord interactions by their type name and webhook events by event.type', () => {
    const receiver = createReceiver({ provider: discord({ publicKey: 'a'.repeat(64) }) })
    receiver.on('APPLICATION_COMMAND', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<DiscordInteraction>()
    })
    receiver.on('ENTITLEMENT_CREATE', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<DiscordWebhookEvent>()
    })
    // @ts-expect-error 'APPLICATION_COMAND' is neither an interaction type nor a webhook event type
    receiver.on('APPLICATION_COMAND', () => undefined)
  })
})

describe('Meta, Mailgun, Adyen and PayPal envelopes', () => {
  it('types each payload as its sender documents the envelope, or as the map given', () => {
    createReceiver({ provider: meta({ appSecret: 's', verifyToken: 't' }) }).on('page.feed', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<MetaEvent>()
      expectTypeOf(event.payload.field).toEqualTypeOf<string>()
    })
    createReceiver({
      provider: meta<{ 'page.feed': MetaEvent<{ post_id: string }> }>({ appSecret: 's', verifyToken: 't' }),
    }).on('page.feed', (event) => {
      expectTypeOf(event.payload.value.post_id).toEqualTypeOf<string>()
    })
    createReceiver({ provider: mailgun({ signingKey: 'k' }) }).on('delivered', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<MailgunWebhook>()
      expectTypeOf(event.payload['event-data'].event).toEqualTypeOf<string>()
    })
    createReceiver({ provider: adyen({ hmacKey: 'ab' }) }).on('AUTHORISATION', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<AdyenNotificationItem>()
      expectTypeOf(event.payload.amount.value).toEqualTypeOf<number>()
    })
    createReceiver({ provider: paypal({ webhookId: 'W' }) }).on('PAYMENT.CAPTURE.COMPLETED', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<PayPalEvent>()
    })
  })
})

describe('envelope and core', () => {
  it('exposes the envelope fields with their types', () => {
    createReceiver({ provider: stripe({ secret: 'whsec_x' }) }).on('charge.refunded', (event) => {
      expectTypeOf(event.id).toEqualTypeOf<string>()
      expectTypeOf(event.rawBody).toEqualTypeOf<Uint8Array>()
      expectTypeOf(event.headers).toEqualTypeOf<Readonly<Record<string, string>>>()
      expectTypeOf(event.timestamp).toEqualTypeOf<number | undefined>()
    })
  })

  it('returns a WebhookResponse from handle', () => {
    const receiver = createReceiver({ provider: stripe({ secret: 'whsec_x' }) })
    expectTypeOf(receiver.handle).returns.toEqualTypeOf<Promise<WebhookResponse>>()
  })
})

describe('replies', () => {
  it('are made by the provider helpers, one type per sender', () => {
    expectTypeOf(slackReply({ text: 'hi' })).toEqualTypeOf<SlackReply>()
    expectTypeOf(slackReply('hi')).toEqualTypeOf<SlackReply>()
    expectTypeOf(twimlReply('<Response/>')).toEqualTypeOf<TwimlReply>()
    // @ts-expect-error a TwiML reply is not a Slack reply
    const wrong: SlackReply = twimlReply('<Response/>')
    void wrong
  })
})

describe('Clerk and Resend event types', () => {
  it("types Clerk's user.created from @clerk/backend's WebhookEvent, and refuses unknown names", () => {
    const receiver = createReceiver({ provider: clerk({ secret: 'whsec_eA==' }) })
    receiver.on('user.created', (event) => {
      expectTypeOf(event.payload.type).toEqualTypeOf<'user.created'>()
      expectTypeOf(event.payload.data).toEqualTypeOf<UserJSON>()
    })
    // @ts-expect-error 'user.creatd' is not a Clerk event type
    receiver.on('user.creatd', () => undefined)
  })

  it("types Resend's email.bounced from resend's WebhookEventPayload", () => {
    const receiver = createReceiver({ provider: resend({ secret: 'whsec_eA==' }) })
    receiver.on('email.bounced', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<EmailBouncedEvent>()
    })
    // @ts-expect-error 'email.bounce' is not a Resend event type
    receiver.on('email.bounce', () => undefined)
  })
})

describe('secret resolvers (many tenants)', () => {
  it("are accepted by every provider's secret option: sync, async, a list, { tenant, secret }, tenantSecrets", () => {
    stripe({ secret: (request) => request.headers['x-tenant'] })
    stripe({ secret: async () => ['whsec_new', 'whsec_old'] })
    github({ secret: (request) => ({ tenant: request.url, secret: 'gh' }) })
    sendgrid({ publicKey: () => Promise.resolve(undefined) })
    discord({ publicKey: () => null })
    twilio({ authToken: () => 'token', url: 'https://example.com/sms' })
    standardWebhooks({ secret: (request) => (request.json() as { app?: string }).app })
    shopify({
      secret: tenantSecrets({
        tenant: (request) => request.headers['x-shopify-shop-domain'],
        secrets: async (shop) => [shop],
        ttlMs: 60_000,
        maxTenants: 500,
      }),
    })
    expectTypeOf(tenantSecrets({ tenant: () => 'a', secrets: () => 'b' })).toMatchTypeOf<SecretResolver>()
  })

  it('give the resolver the request view, and handlers the tenant', () => {
    stripe({
      secret: (request) => {
        expectTypeOf(request).toEqualTypeOf<SecretRequest>()
        expectTypeOf(request.headers).toEqualTypeOf<Readonly<Record<string, string>>>()
        expectTypeOf(request.json()).toEqualTypeOf<unknown>()
        expectTypeOf(request.form()).toEqualTypeOf<ReadonlyMap<string, readonly string[]>>()
        return undefined
      },
    })
    const receiver = createReceiver({ provider: stripe({ secret: () => 'whsec_x' }) })
    receiver.on('invoice.paid', (event) => {
      expectTypeOf(event.tenant).toEqualTypeOf<string | undefined>()
    })
  })

  it('reject a resolver that returns something other than secrets', () => {
    // @ts-expect-error a number is not a secret
    stripe({ secret: () => 42 })
    // @ts-expect-error a Promise of a number is not one either
    stripe({ secret: async () => 42 })
    // @ts-expect-error { secret } needs the tenant it belongs to
    github({ secret: () => ({ secret: 'gh' }) })
    // @ts-expect-error the tenant is a string
    github({ secret: () => ({ tenant: 7, secret: 'gh' }) })
    // @ts-expect-error tenantSecrets' lookup returns secrets
    tenantSecrets({ tenant: () => 'a', secrets: () => 42 })
    // @ts-expect-error tenantSecrets' tenant is a string
    tenantSecrets({ tenant: () => 7, secrets: () => 'b' })
  })
})
