import { signCalendly } from '../../testing/calendly.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

export const calendlySender: Sender = {
  name: 'calendly',
  title: 'Calendly',
  ...secretCredential("the webhook subscription's signing key"),
  defaultEvent: 'invitee.created',
  fixtures: {
    'invitee.created': {
      summary: 'someone booked a meeting',
      payload: (fresh) => {
        const event = `https://api.calendly.com/scheduled_events/${fresh.uuid()}`
        return {
          created_at: fresh.iso(),
          created_by: 'https://api.calendly.com/users/AAAAAAAAAAAAAAAA',
          event: 'invitee.created',
          payload: {
            uri: `${event}/invitees/${fresh.uuid()}`,
            email: 'test@example.com',
            name: 'John Doe',
            status: 'active',
            timezone: 'America/New_York',
            event,
            scheduled_event: {
              uri: event,
              name: '15 Minute Meeting',
              start_time: fresh.iso(86_400),
              end_time: fresh.iso(86_400 + 900),
              status: 'active',
            },
            created_at: fresh.iso(),
            updated_at: fresh.iso(),
          },
        }
      },
    },
  },
  sign: (input) =>
    signCalendly({ payload: bodyOf(input), signingKey: secretOf(input), timestamp: input.timestamp }),
}
