import { signResend } from '../../testing/resend.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

const email = (fresh: Fresh) => ({
  created_at: fresh.iso(-5),
  email_id: fresh.uuid(),
  from: 'Acme <onboarding@resend.dev>',
  to: ['delivered@resend.dev'],
  subject: 'Sending this example',
})

export const resendSender: Sender = {
  name: 'resend',
  title: 'Resend',
  ...secretCredential("the webhook's signing secret, whsec_…"),
  defaultEvent: 'email.delivered',
  fixtures: {
    'email.delivered': {
      summary: 'an email reached the recipient',
      payload: (fresh) => ({ type: 'email.delivered', created_at: fresh.iso(), data: email(fresh) }),
    },
    'email.bounced': {
      summary: 'an email bounced',
      payload: (fresh) => ({
        type: 'email.bounced',
        created_at: fresh.iso(),
        data: { ...email(fresh), bounce: { message: 'The recipient does not exist.', type: 'Permanent' } },
      }),
    },
  },
  sign: (input) =>
    signResend({ payload: bodyOf(input), secret: secretOf(input), timestamp: input.timestamp }),
}
