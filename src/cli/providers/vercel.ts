import { signVercel } from '../../testing/vercel.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

export const vercelSender: Sender = {
  name: 'vercel',
  title: 'Vercel',
  ...secretCredential("the webhook's secret"),
  noTimestamp: signsNoTimestamp('Vercel'),
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
