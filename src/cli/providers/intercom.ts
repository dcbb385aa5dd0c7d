import { signIntercom } from '../../testing/intercom.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const intercomSender: Sender = {
  name: 'intercom',
  title: 'Intercom',
  ...secretCredential("the app's client secret"),
  noTimestamp: signsNoTimestamp('Intercom'),
  defaultEvent: 'conversation.user.created',
  fixtures: {
    'conversation.user.created': {
      summary: 'a user started a conversation',
      payload: (fresh) => ({
        type: 'notification_event',
        app_id: 'abc12345',
        id: fresh.id('notif_', 36).toLowerCase(),
        topic: 'conversation.user.created',
        delivery_status: 'pending',
        delivery_attempts: 1,
        created_at: fresh.now,
        first_sent_at: fresh.now,
        data: {
          type: 'notification_event_data',
          item: {
            type: 'conversation',
            id: fresh.digits(12),
            created_at: fresh.now,
            state: 'open',
            source: { type: 'conversation', body: '<p>Hi, I cannot log in.</p>', author: { type: 'user' } },
          },
        },
      }),
    },
  },
  sign: (input) => signIntercom({ payload: bodyOf(input), clientSecret: secretOf(input) }),
}
