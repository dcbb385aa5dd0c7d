import { signGitHub } from '../../testing/github.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender } from '../sender.js'

const repository = (fresh: Fresh) => ({
  id: 1296269,
  node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
  name: 'hello-world',
  full_name: 'octocat/hello-world',
  private: false,
  owner: { login: 'octocat', id: 1, type: 'User' },
  html_url: 'https://github.com/octocat/hello-world',
  default_branch: 'main',
  pushed_at: fresh.now,
})
const sender = { login: 'octocat', id: 1, node_id: 'MDQ6VXNlcjE=', type: 'User' }

export const githubSender: Sender = {
  name: 'github',
  title: 'GitHub',
  ...secretCredential('the webhook secret'),
  noTimestamp:
    'GitHub signs no timestamp: an old delivery verifies like a new one, and the dedup store is what refuses a copy (try --replay-of).',
  eventInHeader:
    'GitHub names the event in X-GitHub-Event: pass --event push (or issues.opened, …) with --file.',
  defaultEvent: 'push',
  fixtures: {
    push: {
      summary: 'one commit pushed to main',
      payload: (fresh) => {
        const after = fresh.hex(40)
        return {
          ref: 'refs/heads/main',
          before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          after,
          created: false,
          deleted: false,
          forced: false,
          compare: `https://github.com/octocat/hello-world/compare/6113728f27ae...${after.slice(0, 12)}`,
          commits: [
            {
              id: after,
              message: 'Fix the README link',
              timestamp: fresh.iso(),
              author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
              added: [],
              removed: [],
              modified: ['README.md'],
            },
          ],
          head_commit: { id: after, message: 'Fix the README link', timestamp: fresh.iso() },
          repository: repository(fresh),
          pusher: { name: 'octocat', email: 'octocat@github.com' },
          sender,
        }
      },
    },
    'issues.opened': {
      summary: 'an issue was opened',
      payload: (fresh) => ({
        action: 'opened',
        issue: {
          id: Number(fresh.digits(9)),
          number: Number(fresh.digits(3)),
          title: 'Found a bug',
          body: "I'm having a problem with this.",
          state: 'open',
          user: sender,
          labels: [{ id: 208045946, name: 'bug', color: 'f29513' }],
          created_at: fresh.iso(),
          updated_at: fresh.iso(),
          html_url: 'https://github.com/octocat/hello-world/issues/1347',
        },
        repository: repository(fresh),
        sender,
      }),
    },
    'pull_request.opened': {
      summary: 'a pull request was opened',
      payload: (fresh) => ({
        action: 'opened',
        number: Number(fresh.digits(3)),
        pull_request: {
          id: Number(fresh.digits(9)),
          title: 'Amazing new feature',
          state: 'open',
          draft: false,
          user: sender,
          head: { ref: 'new-topic', sha: fresh.hex(40) },
          base: { ref: 'main', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
          created_at: fresh.iso(),
        },
        repository: repository(fresh),
        sender,
      }),
    },
    ping: {
      summary: 'the ping GitHub sends when a webhook is created',
      payload: (fresh) => ({
        zen: 'Keep it logically awesome.',
        hook_id: Number(fresh.digits(9)),
        hook: { type: 'Repository', id: 1, active: true, events: ['push', 'issues'] },
        repository: repository(fresh),
        sender,
      }),
    },
  },
  // X-GitHub-Event is the type before its action: `issues` for issues.opened.
  sign: (input) =>
    signGitHub({ event: input.event.split('.')[0]!, payload: bodyOf(input), secret: secretOf(input) }),
}
