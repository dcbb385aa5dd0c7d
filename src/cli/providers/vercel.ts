import { signVercel } from '../../testing/vercel.js'
import { bodyOf, needsSecret, secretOf, type Sender } from '../sender.js'

export const vercelSender: Sender = {
  name: 'vercel',
  title: 'Vercel',
  needs: "--secret <the webhook's secret>",
  missing: needsSecret("the webhook's secret"),
  noTimestamp: 'Vercel signs no timestamp: the dedup store is what refuses a copy (try --replay-of).',
  defaultEvent: 'deployment.succeeded',
  fixtures: {
    'deployment.succeeded': {
      summary: 'a production deployment succeeded',
      payload: (fresh) => {
        const deployment = fresh.id('dpl_', 28)
        return {
          id: fresh.id('', 22),
          type: 'deployment.succeeded',
          createdAt: fresh.now * 1000,
          region: 'iad1',
          payload: {
            team: { id: 'team_example' },
            user: { id: 'user_example' },
            deployment: {
              id: deployment,
              meta: { githubCommitRef: 'main' },
              url: 'my-app-git-main-example.vercel.app',
              name: 'my-app',
            },
            links: { deployment: `https://vercel.com/example/my-app/${deployment}` },
            target: 'production',
            project: { id: 'prj_example' },
          },
        }
      },
    },
  },
  sign: (input) => signVercel({ payload: bodyOf(input), secret: secretOf(input) }),
}
