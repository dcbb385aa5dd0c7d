/**
 * Compile-only: `lambdaHandler(receiver)` is a handler of every HTTP event source as @types/aws-lambda types them,
 * authorizer variants included, and of no other source. Run by vitest's typecheck mode (and `tsc --noEmit`).
 */
import type {
  ALBHandler,
  APIGatewayProxyHandler,
  APIGatewayProxyHandlerV2,
  APIGatewayProxyHandlerV2WithJWTAuthorizer,
  APIGatewayProxyWithCognitoAuthorizerHandler,
  LambdaFunctionURLHandler,
  LambdaFunctionURLHandlerWithIAMAuthorizer,
  S3Handler,
  SQSHandler,
} from 'aws-lambda'
import { describe, expectTypeOf, it } from 'vitest'
import { lambdaHandler, type LambdaHttpEvent, type LambdaHttpResult } from '../../src/adapters/aws-lambda.js'
import { createReceiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'

const receiver = createReceiver({ provider: stripe({ secret: 'whsec_x' }) })
const handler = lambdaHandler(receiver)

describe('lambdaHandler types', () => {
  it('is an API Gateway REST API handler (proxy integration, HTTP API payload 1.0)', () => {
    expectTypeOf(handler).toExtend<APIGatewayProxyHandler>()
    expectTypeOf(handler).toExtend<APIGatewayProxyWithCognitoAuthorizerHandler>()
  })

  it('is an API Gateway HTTP API handler (payload 2.0)', () => {
    expectTypeOf(handler).toExtend<APIGatewayProxyHandlerV2>()
    expectTypeOf(handler).toExtend<APIGatewayProxyHandlerV2WithJWTAuthorizer>()
  })

  it('is a Lambda Function URL handler', () => {
    expectTypeOf(handler).toExtend<LambdaFunctionURLHandler>()
    expectTypeOf(handler).toExtend<LambdaFunctionURLHandlerWithIAMAuthorizer>()
  })

  it('is an Application Load Balancer handler', () => {
    expectTypeOf(handler).toExtend<ALBHandler>()
  })

  it('resolves to a result every source reads, without the runtime callback', () => {
    expectTypeOf(handler).returns.resolves.toEqualTypeOf<LambdaHttpResult>()
    expectTypeOf(handler).parameters.toEqualTypeOf<[event: LambdaHttpEvent, context?: unknown]>()
  })

  it('is not a handler of events that are not HTTP requests', () => {
    expectTypeOf(handler).not.toExtend<SQSHandler>()
    expectTypeOf(handler).not.toExtend<S3Handler>()
  })
})
