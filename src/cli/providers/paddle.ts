import { signPaddle } from '../../testing/paddle.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

export const paddleSender: Sender = {
  name: 'paddle',
  title: 'Paddle Billing',
  ...secretCredential(
    "the notification destination's secret key, pdl_ntfset_…",
    "the notification destination's secret key",
  ),
  defaultEvent: 'transaction.completed',
  fixtures: {
    'transaction.completed': {
      summary: 'a transaction was completed',
      payload: (fresh) => ({
        event_id: fresh.id('evt_01', 24).toLowerCase(),
        event_type: 'transaction.completed',
        occurred_at: fresh.iso(),
        notification_id: fresh.id('ntf_01', 24).toLowerCase(),
        data: {
          id: fresh.id('txn_01', 24).toLowerCase(),
          status: 'completed',
          customer_id: fresh.id('ctm_01', 24).toLowerCase(),
          currency_code: 'USD',
          origin: 'web',
          items: [{ price: { id: 'pri_01gsz8x8sawmvhz1pv30nge1ke' }, quantity: 1 }],
          details: { totals: { subtotal: '2400', tax: '0', total: '2400', currency_code: 'USD' } },
          created_at: fresh.iso(-5),
          billed_at: fresh.iso(),
        },
      }),
    },
  },
  sign: (input) =>
    signPaddle({ payload: bodyOf(input), secret: secretOf(input), timestamp: input.timestamp }),
}
