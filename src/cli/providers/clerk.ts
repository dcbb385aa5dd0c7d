import { signClerk } from '../../testing/clerk.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

const user = (fresh: Fresh) => ({
  id: fresh.id('user_', 27),
  object: 'user',
  first_name: 'Example',
  last_name: 'Example',
  email_addresses: [
    { id: fresh.id('idn_', 27), object: 'email_address', email_address: 'example@example.org' },
  ],
  primary_email_address_id: null,
  created_at: fresh.now * 1000,
  updated_at: fresh.now * 1000,
})

export const clerkSender: Sender = {
  name: 'clerk',
  title: 'Clerk',
  ...secretCredential("the endpoint's Signing Secret, whsec_…"),
  defaultEvent: 'user.created',
  fixtures: {
    'user.created': {
      summary: 'a user signed up',
      payload: (fresh) => ({
        data: user(fresh),
        event_attributes: { http_request: { client_ip: '0.0.0.0', user_agent: 'Mozilla/5.0' } },
        instance_id: fresh.id('ins_', 27),
        object: 'event',
        timestamp: fresh.now * 1000,
        type: 'user.created',
      }),
    },
    'session.created': {
      summary: 'a user signed in',
      payload: (fresh) => ({
        data: {
          id: fresh.id('sess_', 27),
          object: 'session',
          user_id: fresh.id('user_', 27),
          status: 'active',
          created_at: fresh.now * 1000,
        },
        instance_id: fresh.id('ins_', 27),
        object: 'event',
        timestamp: fresh.now * 1000,
        type: 'session.created',
      }),
    },
  },
  sign: (input) => signClerk({ payload: bodyOf(input), secret: secretOf(input), timestamp: input.timestamp }),
}
