/**
 * Signers for your own tests: each returns exactly the headers and body the real sender would send for a payload,
 * a secret and a time, so tests exercise the receiver end to end without the provider's SDK or a network.
 */
export { toRequest, type SignedDelivery, type SignOptions } from './delivery.js'
export { signGitHub } from './github.js'
export { signGitLab } from './gitlab.js'
export { generateSendGridKeyPair, signSendGrid } from './sendgrid.js'
export { signShopify } from './shopify.js'
export { signSlack } from './slack.js'
export { generateStandardWebhooksKeyPair, signStandardWebhooks } from './standard-webhooks.js'
export { signStripe } from './stripe.js'
export { signTwilio } from './twilio.js'
export { signCalendly } from './calendly.js'
export { signCoinbaseCommerce } from './coinbase.js'
export { signIntercom } from './intercom.js'
export { signLemonSqueezy } from './lemonsqueezy.js'
export { signLinear } from './linear.js'
export { signPaddle } from './paddle.js'
export { signRazorpay } from './razorpay.js'
export { signSentry } from './sentry.js'
export { signVercel } from './vercel.js'
