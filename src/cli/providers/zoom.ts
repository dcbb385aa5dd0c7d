import { signZoom } from '../../testing/zoom.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

export const zoomSender: Sender = {
  name: 'zoom',
  title: 'Zoom',
  ...secretCredential("the app's Secret Token"),
  defaultEvent: 'meeting.started',
  fixtures: {
    'meeting.started': {
      summary: 'a meeting started',
      payload: (fresh) => ({
        event: 'meeting.started',
        event_ts: fresh.now * 1000,
        payload: {
          account_id: 'AAAAAABBBB',
          object: {
            id: fresh.digits(11),
            uuid: `${fresh.id('', 22)}==`,
            host_id: 'x1yCzABCDEfg23HiJKl4mN',
            topic: 'My Meeting',
            type: 2,
            start_time: fresh.iso(),
            timezone: 'America/Los_Angeles',
            duration: 60,
          },
        },
      }),
    },
    'endpoint.url_validation': {
      summary: 'the challenge Zoom sends to validate an endpoint URL (answered by the receiver itself)',
      payload: (fresh) => ({
        event: 'endpoint.url_validation',
        event_ts: fresh.now * 1000,
        payload: { plainToken: fresh.id('', 22) },
      }),
    },
  },
  sign: (input) => signZoom({ payload: bodyOf(input), secret: secretOf(input), timestamp: input.timestamp }),
}
