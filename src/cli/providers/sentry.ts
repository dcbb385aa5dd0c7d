import { signSentry } from '../../testing/sentry.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const sentrySender: Sender = {
  name: 'sentry',
  title: 'Sentry',
  ...secretCredential("the integration's client secret"),
  noTimestamp: signsNoTimestamp('Sentry', 'Sentry-Hook-Timestamp is not signed'),
  eventInHeader:
    'Sentry names the resource in Sentry-Hook-Resource: pass --event issue.created (resource.action) with --file.',
  defaultEvent: 'issue.created',
  fixtures: {
    'issue.created': {
      summary: 'a new issue was created',
      payload: (fresh) => {
        const id = fresh.digits(10)
        return {
          action: 'created',
          installation: { uuid: fresh.uuid() },
          data: {
            issue: {
              id,
              shortId: 'PROJECT-1A',
              title: "TypeError: Cannot read properties of undefined (reading 'id')",
              culprit: 'app/routes/checkout',
              level: 'error',
              status: 'unresolved',
              platform: 'javascript',
              project: { id: '2', name: 'web', slug: 'web', platform: 'javascript' },
              firstSeen: fresh.iso(),
              lastSeen: fresh.iso(),
              count: '1',
              userCount: 1,
              web_url: `https://sentry.io/organizations/example/issues/${id}/`,
            },
          },
          actor: { type: 'application', id: 'sentry', name: 'Sentry' },
        }
      },
    },
  },
  // Sentry-Hook-Resource is the type before its action: `issue` for issue.created.
  sign: (input) =>
    signSentry({
      resource: input.event.split('.')[0]!,
      payload: bodyOf(input),
      clientSecret: secretOf(input),
      timestamp: input.timestamp,
    }),
}
