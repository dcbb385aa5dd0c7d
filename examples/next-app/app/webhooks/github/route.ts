// POST /webhooks/github: a Next.js App Router route handler on the edge runtime, which gets the Web Request with
// its body unread. On the edge runtime Next resolves webhook-receiver's edge build (Web Crypto, no Node APIs). Next
// 16 prefers the Node.js runtime (the Stripe route) and warns that `runtime = 'edge'` is deprecated; it still works.
import { createReceiver } from 'webhook-receiver'
import { nextRouteHandler } from 'webhook-receiver/next'
import { github } from 'webhook-receiver/providers/github'

// `next build` evaluates this module too, so the secret must be set there as well as at `next start`.
const receiver = createReceiver({ provider: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }) })
receiver.on('issues.opened', (event) => {
  const { number, title } = event.payload.issue // typed from @octokit/openapi-webhooks-types
  console.log(`handled github ${event.type} ${event.id} (#${number} ${title})`)
})

export const runtime = 'edge'
// The edge runtime has no process to signal: the SIGTERM recipe is in the Stripe route (Node.js runtime), and work
// past the deadline is handed to after(), which `next start` waits for when it shuts down.

export const POST = nextRouteHandler(receiver)
