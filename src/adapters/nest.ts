// Translates between NestJS and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one. The Nest parts (module, controller,
// handler discovery, decorator) are in src/adapters/nest/.
export { createOnWebhook, OnWebhook } from './nest/on-webhook.js'
export type { TypedOnWebhook, WebhookHandlerDecorator } from './nest/on-webhook.js'
export { InjectWebhookReceiver, WebhookModule, webhookReceiverToken } from './nest/webhook-module.js'
export type {
  WebhookModuleAsyncOptions,
  WebhookModuleOptions,
  WebhookRouteOptions,
} from './nest/webhook-module.js'
