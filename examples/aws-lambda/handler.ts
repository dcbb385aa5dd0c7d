/**
 * Two AWS Lambda functions receiving Stripe and GitHub webhooks with typed handlers: deploy this module with your
 * tool (SAM, CDK, Serverless, Terraform), one function per route, with `handler.stripeWebhook` on
 * `POST /webhooks/stripe` and `handler.githubWebhook` on `POST /webhooks/github` of an API Gateway REST or HTTP API,
 * a Function URL or an ALB target group. Run it locally: see examples/README.md.
 */
import { createReceiver } from 'webhook-receiver'
import { lambdaHandler } from 'webhook-receiver/aws-lambda'
import { github } from 'webhook-receiver/providers/github'
import { stripe } from 'webhook-receiver/providers/stripe'

// Created when the execution environment loads the module, not per invocation: warm invocations reuse them. A
// missing or empty secret throws here, at the cold start, rather than at the first delivery. In production give
// them a shared store (redisStore, postgresStore): each execution environment has its own memory (docs/adapters.md).
const payments = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
payments.on('payment_intent.succeeded', (event) => {
  const { amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
  console.log(`handled stripe ${event.type} ${event.id} (${amount} ${currency})`)
})

const repository = createReceiver({ provider: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }) })
repository.on('issues.opened', (event) => {
  const { number, title } = event.payload.issue // typed from @octokit/openapi-webhooks-types
  console.log(`handled github ${event.type} ${event.id} (#${number} ${title})`)
})

// Each answers once its handlers have finished: Lambda freezes the process as soon as a function returns.
export const stripeWebhook = lambdaHandler(payments)
export const githubWebhook = lambdaHandler(repository)
