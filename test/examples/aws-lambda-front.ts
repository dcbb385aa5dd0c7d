/**
 * Serves the functions of examples/aws-lambda on 127.0.0.1:PORT (3000 by default) through the local Lambda front
 * the adapter tests use (test/support/lambda-front.ts): each request becomes the event of the source named by
 * LAMBDA_SOURCE (`http-api` by default; `rest-api`, `function-url`, `alb`, `alb-multi-value`), as AWS would send it.
 * `npm run test:examples` starts it as the example's process; `npx tsx test/examples/aws-lambda-front.ts` runs it.
 */
import { githubWebhook, stripeWebhook } from '../../examples/aws-lambda/handler.js'
import { LAMBDA_SOURCES, lambdaFront, type LambdaSource } from '../support/lambda-front.js'

const source = (process.env.LAMBDA_SOURCE ?? 'http-api') as LambdaSource
if (!LAMBDA_SOURCES.includes(source)) {
  throw new Error(`LAMBDA_SOURCE=${source}: expected one of ${LAMBDA_SOURCES.join(', ')}`)
}
const server = lambdaFront(source, { '/webhooks/stripe': stripeWebhook, '/webhooks/github': githubWebhook })
const port = Number(process.env.PORT ?? 3000)
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port} as ${source}`))
process.once('SIGTERM', () => server.close())
