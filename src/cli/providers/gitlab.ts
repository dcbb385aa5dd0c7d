import { signGitLab } from '../../testing/gitlab.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender, undetectableChange } from '../sender.js'

const project = {
  id: 15,
  name: 'Diaspora',
  web_url: 'http://example.com/mike/diaspora',
  path_with_namespace: 'mike/diaspora',
  default_branch: 'master',
}
const user = { id: 1, name: 'Administrator', username: 'root', email: 'admin@example.com' }

export const gitlabSender: Sender = {
  name: 'gitlab',
  title: 'GitLab',
  ...secretCredential("the webhook's secret token"),
  noTimestamp: 'GitLab signs nothing, a timestamp included: its X-Gitlab-Token is the secret itself.',
  noSignedBody: undetectableChange(
    'GitLab signs no content: X-Gitlab-Token is the secret itself',
    'a changed body',
    'token',
  ),
  eventInHeader:
    'GitLab names the event in X-Gitlab-Event: pass --event "Push Hook" (or another hook) with --file.',
  defaultEvent: 'Push Hook',
  fixtures: {
    'Push Hook': {
      summary: 'one commit pushed to master',
      payload: (fresh: Fresh) => {
        const after = fresh.hex(40)
        return {
          object_kind: 'push',
          event_name: 'push',
          before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
          after,
          ref: 'refs/heads/master',
          checkout_sha: after,
          user_id: user.id,
          user_name: user.name,
          user_username: user.username,
          project_id: project.id,
          project,
          commits: [
            {
              id: after,
              message: 'Update Catalan translation to e38cb41.',
              timestamp: fresh.iso(),
              url: `http://example.com/mike/diaspora/commit/${after}`,
              author: { name: 'Jordi Mallach', email: 'jordi@softcatala.org' },
              added: ['CHANGELOG'],
              modified: ['app/controller/application.rb'],
              removed: [],
            },
          ],
          total_commits_count: 1,
        }
      },
    },
    'Merge Request Hook': {
      summary: 'a merge request was opened',
      payload: (fresh: Fresh) => ({
        object_kind: 'merge_request',
        event_type: 'merge_request',
        user,
        project,
        object_attributes: {
          id: Number(fresh.digits(5)),
          iid: Number(fresh.digits(2)),
          title: 'MS-Viewport',
          source_branch: 'ms-viewport',
          target_branch: 'master',
          state: 'opened',
          action: 'open',
          created_at: fresh.iso(),
        },
      }),
    },
    'Issue Hook': {
      summary: 'an issue was opened',
      payload: (fresh: Fresh) => ({
        object_kind: 'issue',
        event_type: 'issue',
        user,
        project,
        object_attributes: {
          id: Number(fresh.digits(5)),
          iid: Number(fresh.digits(2)),
          title: 'New API: create/update/delete file',
          state: 'opened',
          action: 'open',
          created_at: fresh.iso(),
        },
      }),
    },
  },
  sign: (input) => signGitLab({ event: input.event, payload: bodyOf(input), secretToken: secretOf(input) }),
}
