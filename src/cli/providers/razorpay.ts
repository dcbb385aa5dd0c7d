import { signRazorpay } from '../../testing/razorpay.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const razorpaySender: Sender = {
  name: 'razorpay',
  title: 'Razorpay',
  ...secretCredential("the webhook's secret"),
  noTimestamp: signsNoTimestamp('Razorpay'),
  defaultEvent: 'payment.captured',
  fixtures: {
    'payment.captured': {
      summary: 'a payment of 500.00 INR was captured',
      payload: (fresh) => ({
        entity: 'event',
        account_id: 'acc_BFQ7uQEaa7j2z7',
        event: 'payment.captured',
        contains: ['payment'],
        payload: {
          payment: {
            entity: {
              id: fresh.id('pay_', 14),
              entity: 'payment',
              amount: 50000,
              currency: 'INR',
              status: 'captured',
              order_id: fresh.id('order_', 14),
              method: 'upi',
              captured: true,
              email: 'gaurav.kumar@example.com',
              contact: '+919876543210',
              created_at: fresh.now - 3,
            },
          },
        },
        created_at: fresh.now,
      }),
    },
  },
  sign: (input) => signRazorpay({ payload: bodyOf(input), secret: secretOf(input) }),
}
