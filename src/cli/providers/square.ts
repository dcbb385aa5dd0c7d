import { signSquare } from '../../testing/square.js'
import { bodyOf, needsSecret, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const squareSender: Sender = {
  name: 'square',
  title: 'Square',
  needs:
    "--secret <the subscription's signature key>; it signs --url (or --signed-url, the notification URL as configured)",
  missing: needsSecret("the subscription's signature key"),
  noTimestamp: signsNoTimestamp('Square'),
  defaultEvent: 'payment.updated',
  fixtures: {
    'payment.updated': {
      summary: 'a payment was completed',
      payload: (fresh) => {
        const id = fresh.id('', 29)
        return {
          merchant_id: '6SSW7HV8K2ST5',
          type: 'payment.updated',
          event_id: fresh.uuid(),
          created_at: fresh.iso(),
          data: {
            type: 'payment',
            id,
            object: {
              payment: {
                id,
                amount_money: { amount: 100, currency: 'USD' },
                total_money: { amount: 100, currency: 'USD' },
                status: 'COMPLETED',
                source_type: 'CARD',
                location_id: 'S8GWD5R9QB376',
                order_id: fresh.id('', 29),
                created_at: fresh.iso(-2),
                updated_at: fresh.iso(),
                version: 2,
              },
            },
          },
        }
      },
    },
  },
  sign: (input) =>
    signSquare({ payload: bodyOf(input), signatureKey: secretOf(input), notificationUrl: input.signedUrl }),
}
