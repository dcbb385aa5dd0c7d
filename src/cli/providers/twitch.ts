import { signTwitch } from '../../testing/twitch.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

const subscription = (fresh: Fresh, type: string, version: string, condition: Record<string, string>) => ({
  id: fresh.uuid(),
  type,
  version,
  status: 'enabled',
  cost: 0,
  condition,
  transport: { method: 'webhook', callback: 'https://example.com/webhooks/twitch' },
  created_at: fresh.iso(-3600),
})

export const twitchSender: Sender = {
  name: 'twitch',
  title: 'Twitch EventSub',
  ...secretCredential("the subscription's secret, 10 to 100 characters"),
  defaultEvent: 'channel.follow',
  fixtures: {
    'channel.follow': {
      summary: 'someone followed the channel',
      payload: (fresh) => ({
        subscription: subscription(fresh, 'channel.follow', '2', {
          broadcaster_user_id: '1337',
          moderator_user_id: '1337',
        }),
        event: {
          user_id: fresh.digits(7),
          user_login: 'awesome_user',
          user_name: 'Awesome_User',
          broadcaster_user_id: '1337',
          broadcaster_user_login: 'cooler_user',
          broadcaster_user_name: 'Cooler_User',
          followed_at: fresh.iso(),
        },
      }),
    },
    'stream.online': {
      summary: 'the broadcaster went live',
      payload: (fresh) => ({
        subscription: subscription(fresh, 'stream.online', '1', { broadcaster_user_id: '1337' }),
        event: {
          id: fresh.digits(10),
          broadcaster_user_id: '1337',
          broadcaster_user_login: 'cool_user',
          broadcaster_user_name: 'Cool_User',
          type: 'live',
          started_at: fresh.iso(),
        },
      }),
    },
  },
  sign: (input) =>
    signTwitch({ payload: bodyOf(input), secret: secretOf(input), timestamp: input.timestamp }),
}
