import { signCoinbaseCommerce } from '../../testing/coinbase.js'
import { secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const coinbaseSender: Sender = {
  name: 'coinbase',
  receiverName: 'coinbase-commerce',
  title: 'Coinbase Commerce',
  ...secretCredential("the webhook's shared secret"),
  noTimestamp: signsNoTimestamp('Coinbase Commerce'),
  defaultEvent: 'charge:confirmed',
  fixtures: {
    'charge:confirmed': {
      summary: 'a charge was paid and confirmed (the event, which the signer wraps as Commerce does)',
      payload: (fresh) => ({
        id: fresh.uuid(),
        resource: 'event',
        type: 'charge:confirmed',
        api_version: '2018-03-22',
        created_at: fresh.iso(),
        data: {
          id: fresh.uuid(),
          code: fresh.upper(8),
          name: 'The Sovereign Individual',
          pricing_type: 'fixed_price',
          pricing: { local: { amount: '100.00', currency: 'USD' } },
          confirmed_at: fresh.iso(),
          created_at: fresh.iso(-600),
          hosted_url: 'https://commerce.coinbase.com/charges/ABCDEFGH',
        },
      }),
    },
  },
  // A --file is the event ({ id, type, data }) or the whole body ({ event: … }), sent as it is.
  sign: (input) => {
    const payload = input.payload as { event?: unknown } | null
    const event =
      input.text !== undefined && payload?.event !== undefined
        ? input.text
        : (payload as Record<string, unknown>)
    return signCoinbaseCommerce({ event, secret: secretOf(input) })
  },
}
