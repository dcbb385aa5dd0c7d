import { signStandardWebhooks } from '../../testing/standard-webhooks.js'
import { bodyOf, type Credentials, privateKeyOf, type Sender, type SignInput } from '../sender.js'

/** `--secret whsec_…` (HMAC) or `--private-key whsk_…` (Ed25519): one of them. */
function missingSecretOrKey({ secret, privateKey }: Credentials): string | undefined {
  if (secret !== undefined && privateKey !== undefined)
    return 'pass either --secret (whsec_…, HMAC) or --private-key (whsk_…, Ed25519), not both'
  if (secret === undefined && privateKey === undefined)
    return 'pass --secret <whsec_…> (or set WEBHOOK_RECEIVER_SECRET); or --private-key <whsk_…> for an Ed25519 endpoint (`webhook-receiver keygen standard-webhooks`)'
  return undefined
}

/** Signs as Standard Webhooks does, under either credential. */
function signStandard(input: SignInput) {
  const { secret } = input.credentials
  const payload = bodyOf(input)
  return secret !== undefined
    ? signStandardWebhooks({ payload, secret, timestamp: input.timestamp })
    : signStandardWebhooks({ payload, privateKey: privateKeyOf(input), timestamp: input.timestamp })
}

export const standardWebhooksSender: Sender = {
  name: 'standard-webhooks',
  title: 'Standard Webhooks',
  needs: '--secret <whsec_…> (HMAC), or --private-key <whsk_…> (Ed25519)',
  missing: missingSecretOrKey,
  defaultEvent: 'invoice.paid',
  fixtures: {
    'invoice.paid': {
      summary: "the specification's example shape: { type, timestamp, data }",
      payload: (fresh) => ({
        type: 'invoice.paid',
        timestamp: fresh.iso(),
        data: { id: fresh.id('inv_', 16), amount: 2500, currency: 'usd', customer_id: fresh.id('cus_', 16) },
      }),
    },
    'user.created': {
      summary: 'a user signed up',
      payload: (fresh) => ({
        type: 'user.created',
        timestamp: fresh.iso(),
        data: { id: fresh.id('user_', 16), email: 'jane@example.com', name: 'Jane Doe' },
      }),
    },
  },
  sign: signStandard,
}
