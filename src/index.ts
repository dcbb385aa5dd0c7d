/**
 * webhook-receiver: the inbound side of webhooks. This entry never imports a framework; adapters live in their
 * own subpaths (`webhook-receiver/express`, `/koa`, `/fastify`, `/next`, `/fetch`, `/node`) and providers in
 * `webhook-receiver/providers/*`.
 */
export { createReceiver } from './receiver.js'
export type { CloseOptions, EventFor, EventName, Receiver, ReceiverOptions } from './receiver.js'
export { memoryStore } from './stores/memory.js'
export { generatePathToken } from './path-token.js'
export { tenantSecrets } from './tenant-secrets.js'
export type { TenantSecretList, TenantSecretResolver, TenantSecretsOptions } from './tenant-secrets.js'
export type { MemoryStoreOptions } from './stores/memory.js'
export type { Logger } from './dispatch.js'
export {
  BodyMalformedError,
  BodyTooLargeError,
  DuplicateInFlightError,
  HandlerFailedError,
  HandlerPendingError,
  HeaderMissingError,
  InternalError,
  isWebhookError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadInvalidError,
  QueueUnavailableError,
  RawBodyUnavailableError,
  SecretResolverError,
  SignatureInvalidError,
  ShuttingDownError,
  SignatureMissingError,
  StoreUnavailableError,
  TenantUnknownError,
  TimestampInvalidError,
  TimestampOutOfToleranceError,
  WebhookError,
} from './errors.js'
export type { WebhookErrorCode } from './errors.js'
export { problemResponse } from './responses.js'
export type {
  ErrorHandler,
  EventMap,
  Handler,
  HandleOptions,
  HeaderInput,
  WebhookEvent,
  WebhookRequest,
  WebhookResponse,
} from './types/events.js'
export type {
  ParsedEvent,
  Provider,
  SecretOption,
  SecretRequest,
  SecretResolution,
  SecretResolver,
  SignedRequest,
} from './types/provider.js'
export type { Reply } from './reply.js'
export type { DedupStore, ReserveOutcome } from './types/store.js'
export type {
  DedupOutcome,
  DeliveryOutcome,
  DeliveryStart,
  DeliveryTelemetry,
  HandlersStart,
  HandlersTelemetry,
  ItemOutcome,
  OutcomeCode,
  OutcomeHook,
  QueueCounts,
  ReceiverTelemetry,
  TelemetryTarget,
} from './types/observability.js'
export type {
  DeadLetter,
  DeadLetterRange,
  EventQueue,
  FailedJob,
  QueueContext,
  QueuedEvent,
  QueueJob,
  QueueWorker,
  WorkOptions,
} from './types/queue.js'
