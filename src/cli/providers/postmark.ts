import { signPostmark } from '../../testing/postmark.js'
import { bodyOf, secretOf, type Sender, undetectableChange } from '../sender.js'

export const postmarkSender: Sender = {
  name: 'postmark',
  title: 'Postmark',
  needs:
    '--username <user> --secret <password>: the Basic credentials of the webhook URL (or put them in --url, user:password@host, as in Postmark)',
  missing: ({ username, secret }) =>
    username === undefined || secret === undefined
      ? "pass --username <user> and --secret <password> (or set WEBHOOK_RECEIVER_SECRET), the Basic credentials in the webhook's URL; or write them in --url as https://user:password@host/path"
      : undefined,
  noTimestamp:
    'Postmark signs nothing, a timestamp included: it sends the Basic credentials of its webhook URL.',
  noSignedBody: undetectableChange(
    'Postmark signs no content: it sends the Basic credentials of its webhook URL',
    'a changed body',
    'credentials',
  ),
  defaultEvent: 'Delivery',
  fixtures: {
    Delivery: {
      summary: 'a message was delivered',
      payload: (fresh) => ({
        RecordType: 'Delivery',
        ServerID: 23,
        MessageStream: 'outbound',
        MessageID: fresh.uuid(),
        Recipient: 'john@example.com',
        Tag: 'welcome-email',
        DeliveredAt: fresh.iso(),
        Details: 'Test delivery webhook details',
        Metadata: { a_key: 'a_value' },
      }),
    },
    Bounce: {
      summary: 'a message bounced (hard bounce)',
      payload: (fresh) => ({
        RecordType: 'Bounce',
        ID: Number(fresh.digits(10)),
        Type: 'HardBounce',
        TypeCode: 1,
        Name: 'Hard bounce',
        MessageStream: 'outbound',
        MessageID: fresh.uuid(),
        Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
        Email: 'john@example.com',
        From: 'sender@example.com',
        BouncedAt: fresh.iso(),
        Inactive: true,
        CanActivate: true,
      }),
    },
  },
  sign: (input) =>
    signPostmark({
      payload: bodyOf(input),
      username: input.credentials.username as string,
      password: secretOf(input),
    }),
}
