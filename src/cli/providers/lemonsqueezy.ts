import { signLemonSqueezy } from '../../testing/lemonsqueezy.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const lemonsqueezySender: Sender = {
  name: 'lemonsqueezy',
  title: 'Lemon Squeezy',
  ...secretCredential("the webhook's signing secret"),
  noTimestamp: signsNoTimestamp('Lemon Squeezy'),
  defaultEvent: 'order_created',
  fixtures: {
    order_created: {
      summary: 'an order was paid',
      payload: (fresh) => {
        const id = fresh.digits(7)
        return {
          meta: { event_name: 'order_created', custom_data: { user_id: fresh.digits(4) } },
          data: {
            type: 'orders',
            id,
            attributes: {
              store_id: 1,
              customer_id: Number(fresh.digits(6)),
              identifier: fresh.uuid(),
              order_number: Number(fresh.digits(5)),
              user_name: 'John Doe',
              user_email: 'johndoe@example.com',
              currency: 'USD',
              subtotal: 999,
              total: 999,
              status: 'paid',
              created_at: fresh.iso(),
              updated_at: fresh.iso(),
            },
            links: { self: `https://api.lemonsqueezy.com/v1/orders/${id}` },
          },
        }
      },
    },
  },
  sign: (input) => signLemonSqueezy({ payload: bodyOf(input), secret: secretOf(input) }),
}
