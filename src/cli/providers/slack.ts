import { signSlack } from '../../testing/slack.js'
import type { Fresh } from '../fresh.js'
import { secretCredential, secretOf, type Sender, type SignInput } from '../sender.js'

/** Slack's Events API envelope around `event`. */
const callback = (fresh: Fresh, event: Record<string, unknown>) => ({
  token: 'XXYYZZ',
  team_id: 'T0001',
  api_app_id: 'A0001',
  event,
  type: 'event_callback',
  event_id: `EV${fresh.upper(10)}`,
  event_time: fresh.now,
  authorizations: [{ team_id: 'T0001', user_id: 'U0APPBOT', is_bot: true }],
})

/** The top-level types Slack sends as JSON; everything else it posts is a form (commands, interactivity). */
const JSON_TYPES = new Set(['event_callback', 'url_verification', 'app_rate_limited'])

/** A form's fields from a payload object: strings as they are, an object (interactivity's `payload`) as JSON. */
function formOf(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  )
}

function sign(input: SignInput) {
  const payload = input.payload as Record<string, unknown>
  const signingSecret = secretOf(input)
  if (typeof payload?.type === 'string' && JSON_TYPES.has(payload.type))
    return signSlack({ payload: input.text ?? payload, signingSecret, timestamp: input.timestamp })
  return signSlack({ form: formOf(payload), signingSecret, timestamp: input.timestamp })
}

export const slackSender: Sender = {
  name: 'slack',
  title: 'Slack',
  ...secretCredential("the app's Signing Secret"),
  defaultEvent: '/deploy',
  fixtures: {
    '/deploy': {
      summary: 'the slash command `/deploy api to staging`, sent as a form',
      payload: (fresh) => ({
        token: 'gIkuvaNzQIHg97ATvDxqgjtO',
        team_id: 'T0001',
        team_domain: 'example',
        channel_id: 'C2147483705',
        channel_name: 'deploys',
        user_id: 'U2147483697',
        user_name: 'steve',
        command: '/deploy',
        text: 'api to staging',
        api_app_id: 'A0001',
        response_url: `https://hooks.slack.com/commands/T0001/${fresh.digits(13)}/${fresh.id('', 24)}`,
        trigger_id: `${fresh.digits(13)}.${fresh.digits(13)}.${fresh.hex(32)}`,
      }),
    },
    app_mention: {
      summary: 'the app was mentioned in a channel (Events API, JSON)',
      payload: (fresh) =>
        callback(fresh, {
          type: 'app_mention',
          user: 'U061F7AUR',
          text: '<@U0APPBOT> what is the status of the deploy?',
          ts: `${fresh.now}.000200`,
          channel: 'C0LAN2Q65',
          event_ts: `${fresh.now}.000200`,
        }),
    },
    block_actions: {
      summary: 'a button in a message was clicked (interactivity, a form with a JSON payload)',
      payload: (fresh) => ({
        payload: {
          type: 'block_actions',
          team: { id: 'T0001', domain: 'example' },
          user: { id: 'U2147483697', username: 'steve' },
          api_app_id: 'A0001',
          trigger_id: `${fresh.digits(13)}.${fresh.digits(13)}.${fresh.hex(32)}`,
          response_url: `https://hooks.slack.com/actions/T0001/${fresh.digits(13)}/${fresh.id('', 24)}`,
          actions: [
            { type: 'button', action_id: 'approve', value: 'deploy-42', action_ts: `${fresh.now}.000100` },
          ],
        },
      }),
    },
  },
  sign,
}
