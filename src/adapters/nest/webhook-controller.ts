import { All, Controller, Inject, Req, Res, type Type } from '@nestjs/common'
import type { Receiver } from '../../receiver.js'
import { nestRouteHandler } from './webhook-route.js'

type RouteHandler = ReturnType<typeof nestRouteHandler>

/**
 * A controller of its own for one webhook route: its path comes from `WebhookModule.forRoot`, so the class is made
 * per call, and Nest's decorators are applied as the functions they are (the package's build needs no decorator
 * support). Every method is routed, so a GET gets the receiver's 405 with `Allow: POST` rather than Nest's 404, and
 * the response is the receiver's, written through `@Res()` (https://docs.nestjs.com/controllers#library-specific-approach).
 */
export function webhookController(
  name: string,
  path: string,
  receiverToken: string,
  decorators: readonly ClassDecorator[],
): Type<unknown> {
  class WebhookController {
    readonly #handle: RouteHandler
    constructor(receiver: Receiver<any>) {
      this.#handle = nestRouteHandler(receiver)
    }
    handle(req: Parameters<RouteHandler>[0], res: Parameters<RouteHandler>[1]): Promise<void> {
      return this.#handle(req, res)
    }
  }
  // Nest logs routes by their controller's name: `WebhookController(stripe) {/webhooks/stripe}`.
  Object.defineProperty(WebhookController, 'name', { value: `WebhookController(${name})` })
  Inject(receiverToken)(WebhookController, undefined, 0)
  const { prototype } = WebhookController
  const handle = Object.getOwnPropertyDescriptor(prototype, 'handle') as PropertyDescriptor
  All()(prototype, 'handle', handle)
  Req()(prototype, 'handle', 0)
  Res()(prototype, 'handle', 1)
  for (const decorate of decorators) decorate(WebhookController)
  Controller(path)(WebhookController)
  return WebhookController
}
