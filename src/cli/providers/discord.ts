import { signDiscord } from '../../testing/discord.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, privateKeyOf, type Sender } from '../sender.js'

const APPLICATION = '1100000000000000000'
const interaction = (fresh: Fresh, type: number, extra: Record<string, unknown> = {}) => ({
  id: fresh.digits(19),
  application_id: APPLICATION,
  type,
  token: fresh.id('aW50ZXJhY3Rpb246', 120),
  version: 1,
  ...extra,
})

export const discordSender: Sender = {
  name: 'discord',
  title: 'Discord',
  needs:
    '--private-key <64 hex characters> (or --private-key-file): Discord signs with its own key, so give the endpoint the public key of a pair of yours (`webhook-receiver keygen discord`)',
  missing: ({ privateKey }) =>
    privateKey === undefined
      ? 'pass --private-key <hex seed> (or WEBHOOK_RECEIVER_PRIVATE_KEY): Discord signs with Ed25519; make a pair with `webhook-receiver keygen discord` and give the endpoint its public key'
      : undefined,
  defaultEvent: 'APPLICATION_COMMAND',
  fixtures: {
    APPLICATION_COMMAND: {
      summary: 'someone ran the slash command /status',
      payload: (fresh) =>
        interaction(fresh, 2, {
          data: { id: fresh.digits(19), name: 'status', type: 1 },
          guild_id: fresh.digits(18),
          channel_id: fresh.digits(18),
          member: { user: { id: fresh.digits(18), username: 'example', global_name: 'Example' } },
          locale: 'en-US',
        }),
    },
    PING: {
      summary: 'the PING Discord sends to check an interactions URL (answered by the receiver itself)',
      payload: (fresh) => interaction(fresh, 1),
    },
  },
  sign: (input) =>
    signDiscord({
      payload: bodyOf(input),
      privateKey: privateKeyOf(input),
      timestamp: input.timestamp,
    }),
}
