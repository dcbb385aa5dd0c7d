import { Injectable } from '@nestjs/common'
import type { EventFor } from 'webhook-receiver'
import { createOnWebhook } from 'webhook-receiver/nest'
import type { github } from 'webhook-receiver/providers/github'

type GitHubProvider = ReturnType<typeof github>
// An @OnWebhook typed by the provider: a misspelled event name, or a parameter for other events, does not compile.
const OnGitHub = createOnWebhook<GitHubProvider>('github')

@Injectable()
export class IssuesService {
  @OnGitHub('issues.opened')
  opened(event: EventFor<GitHubProvider, 'issues.opened'>) {
    const { number, title } = event.payload.issue // typed from @octokit/openapi-webhooks-types
    console.log(`handled github ${event.type} ${event.id} (#${number} ${title})`)
  }
}
