import { signLinear } from '../../testing/linear.js'
import { secretCredential, secretOf, type Sender } from '../sender.js'

export const linearSender: Sender = {
  name: 'linear',
  title: 'Linear',
  ...secretCredential("the webhook's signing secret, lin_wh_…"),
  defaultEvent: 'Issue',
  fixtures: {
    Issue: {
      summary: 'an issue was created',
      payload: (fresh) => {
        const id = fresh.uuid()
        return {
          action: 'create',
          type: 'Issue',
          createdAt: fresh.iso(),
          organizationId: fresh.uuid(),
          url: `https://linear.app/example/issue/ENG-${fresh.digits(3)}`,
          data: {
            id,
            identifier: 'ENG-123',
            title: 'Checkout fails on Safari',
            priority: 2,
            teamId: fresh.uuid(),
            stateId: fresh.uuid(),
            createdAt: fresh.iso(),
            updatedAt: fresh.iso(),
          },
        }
      },
    },
  },
  // Linear signs its timestamp inside the body (webhookTimestamp), which the signer sets: a --file is parsed.
  sign: (input) =>
    signLinear({
      payload: input.payload as Record<string, unknown>,
      secret: secretOf(input),
      timestamp: input.timestamp,
    }),
}
