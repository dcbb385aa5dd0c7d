/**
 * Signers for your own tests: each returns exactly the headers and body the real sender would send for a payload,
 * a secret and a time, so tests exercise the receiver end to end without the provider's SDK or a network.
 *
 * Written by `npm run sync` (scripts/entrypoints.mjs): every signer module of this folder is exported whole, so
 * a signer module exports what users call and nothing else.
 */
export { toRequest, type SignedDelivery, type SignOptions } from './delivery.js'
export * from './adyen.js'
export * from './calendly.js'
export * from './clerk.js'
export * from './coinbase.js'
export * from './discord.js'
export * from './github.js'
export * from './gitlab.js'
export * from './hubspot.js'
export * from './intercom.js'
export * from './lemonsqueezy.js'
export * from './linear.js'
export * from './mailgun.js'
export * from './meta.js'
export * from './paddle.js'
export * from './paypal.js'
export * from './postmark.js'
export * from './razorpay.js'
export * from './resend.js'
export * from './sendgrid.js'
export * from './sentry.js'
export * from './shopify.js'
export * from './slack.js'
export * from './square.js'
export * from './standard-webhooks.js'
export * from './stripe.js'
export * from './twilio.js'
export * from './twitch.js'
export * from './vercel.js'
export * from './zoom.js'
