/**
 * Every provider `send` can sign for: one module of src/cli/providers/ per signer of src/testing/ (test/cli checks
 * that none is missing). `hmac()` has no entry: its scheme is the app's own configuration.
 */
import { adyenSender } from './providers/adyen.js'
import { calendlySender } from './providers/calendly.js'
import { clerkSender } from './providers/clerk.js'
import { coinbaseSender } from './providers/coinbase.js'
import { discordSender } from './providers/discord.js'
import { githubSender } from './providers/github.js'
import { gitlabSender } from './providers/gitlab.js'
import { hubspotSender } from './providers/hubspot.js'
import { intercomSender } from './providers/intercom.js'
import { lemonsqueezySender } from './providers/lemonsqueezy.js'
import { linearSender } from './providers/linear.js'
import { mailgunSender } from './providers/mailgun.js'
import { metaSender } from './providers/meta.js'
import { paddleSender } from './providers/paddle.js'
import { paypalSender } from './providers/paypal.js'
import { postmarkSender } from './providers/postmark.js'
import { razorpaySender } from './providers/razorpay.js'
import { resendSender } from './providers/resend.js'
import { sendgridSender } from './providers/sendgrid.js'
import { sentrySender } from './providers/sentry.js'
import { shopifySender } from './providers/shopify.js'
import { slackSender } from './providers/slack.js'
import { squareSender } from './providers/square.js'
import { standardWebhooksSender } from './providers/standard-webhooks.js'
import { stripeSender } from './providers/stripe.js'
import { twilioSender } from './providers/twilio.js'
import { twitchSender } from './providers/twitch.js'
import { vercelSender } from './providers/vercel.js'
import { zoomSender } from './providers/zoom.js'
import type { Sender } from './sender.js'
import { UsageError } from './usage-error.js'

export const SENDERS: readonly Sender[] = [
  adyenSender,
  calendlySender,
  clerkSender,
  coinbaseSender,
  discordSender,
  githubSender,
  gitlabSender,
  hubspotSender,
  intercomSender,
  lemonsqueezySender,
  linearSender,
  mailgunSender,
  metaSender,
  paddleSender,
  paypalSender,
  postmarkSender,
  razorpaySender,
  resendSender,
  sendgridSender,
  sentrySender,
  shopifySender,
  slackSender,
  squareSender,
  standardWebhooksSender,
  stripeSender,
  twilioSender,
  twitchSender,
  vercelSender,
  zoomSender,
]

/** The provider's name where the receiver uses it (dedup keys, queue names): `coinbase` is `coinbase-commerce`. */
export const receiverNameOf = (sender: Sender): string => sender.receiverName ?? sender.name

/** The sender named on the command line (its subpath name, or the receiver's name for it); a UsageError if none. */
export function senderNamed(name: string | undefined): Sender {
  if (name === undefined || name === '')
    throw new UsageError(
      `name the provider, e.g. \`send stripe\`. Providers: ${SENDERS.map((s) => s.name).join(', ')}.`,
    )
  const lower = name.toLowerCase()
  const found = SENDERS.find((sender) => sender.name === lower || receiverNameOf(sender) === lower)
  if (found !== undefined) return found
  if (lower === 'hmac') {
    throw new UsageError(
      'hmac() cannot be sent from the CLI: its header, signed payload and encoding are your own configuration. Sign such a delivery in a test with node:crypto createHmac, as your sender does.',
    )
  }
  const near = SENDERS.filter((sender) => closeTo(lower, sender.name)).map((sender) => sender.name)
  throw new UsageError(
    `unknown provider "${name}".${near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : ''} Providers: ${SENDERS.map((s) => s.name).join(', ')}.`,
  )
}

/** A typo away: one name starts the other, or at most two single-character edits (Levenshtein) apart. */
function closeTo(a: string, b: string): boolean {
  if (a.length >= 3 && (b.startsWith(a) || a.startsWith(b))) return true
  if (Math.abs(a.length - b.length) > 2) return false
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    previous = current
  }
  return previous[b.length]! <= 2
}
