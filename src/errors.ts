/**
 * Every way a delivery can be refused, as one error class per failure. Each carries the HTTP `status` the sender is
 * answered with and a stable `code` that appears in the RFC 9457 problem response, so both the sender's retry
 * behaviour and the developer's fix are decided by the class, never by parsing a message.
 */

const BRAND = Symbol.for('webhook-receiver.error')

/** Stable error codes: part of the public contract, listed in docs/status-codes.md. */
export type WebhookErrorCode =
  | 'method_not_allowed'
  | 'body_too_large'
  | 'raw_body_unavailable'
  | 'signature_missing'
  | 'signature_invalid'
  | 'timestamp_invalid'
  | 'timestamp_out_of_tolerance'
  | 'header_missing'
  | 'body_malformed'
  | 'payload_invalid'
  | 'duplicate_in_flight'
  | 'handler_failed'
  | 'store_unavailable'
  | 'queue_unavailable'
  | 'handler_pending'
  | 'shutting_down'
  | 'internal_error'
  | 'not_found'
  | 'certificate_untrusted'
  | 'certificate_unavailable'
  | 'tenant_unknown'
  | 'secret_resolver_failed'

/**
 * Base class of every refusal. `message` is written for the developer reading logs; `detail` is what the sender
 * sees in the response and never holds a secret, a signature or a stack.
 *
 * @example
 * ```ts
 * try {
 *   await receiver.verify(request)
 * } catch (error) {
 *   if (error instanceof WebhookError) console.log(error.status, error.code)
 * }
 * ```
 */
export class WebhookError extends Error {
  override readonly name: string = 'WebhookError'
  readonly status: number
  readonly code: WebhookErrorCode
  /** Seconds before the sender should try again, sent as `Retry-After` (409 and 503 only). */
  readonly retryAfter: number | undefined

  constructor(
    status: number,
    code: WebhookErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    // A refusal of the sender's request (4xx) needs no stack: nothing in this process went wrong, and capturing one
    // is most of what a forged or unsigned delivery costs (so of what a flood of them costs). Faults keep theirs.
    const stackTraceLimit = Error.stackTraceLimit
    if (status < 500) Error.stackTraceLimit = 0
    try {
      super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    } finally {
      Error.stackTraceLimit = stackTraceLimit
    }
    this.status = status
    this.code = code
    this.retryAfter = options?.retryAfter
    // Marks this library's errors for `isWebhookError` across module copies; hidden from enumeration and types.
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** 404: the URL lacks the receiver's `pathToken`, so the request is refused before any other work. */
export class NotFoundError extends WebhookError {
  override readonly name = 'NotFoundError'
  constructor() {
    super(404, 'not_found', 'Not found.')
  }
}

/**
 * 405: webhooks are POSTed (a provider may accept another method for a handshake, such as a GET challenge); the
 * response carries `Allow` with the methods accepted.
 */
export class MethodNotAllowedError extends WebhookError {
  override readonly name = 'MethodNotAllowedError'
  /** The methods accepted, as the `Allow` header lists them. */
  readonly allow: string
  constructor(method: string, allowed: readonly string[] = ['POST']) {
    super(
      405,
      'method_not_allowed',
      `Webhook deliveries are sent with ${allowed.join(' or ')}, not ${method}.`,
    )
    this.allow = allowed.join(', ')
  }
}

/** 413: the body is larger than `bodyLimit`; it was not read past the limit. */
export class BodyTooLargeError extends WebhookError {
  override readonly name = 'BodyTooLargeError'
  constructor(limit: number) {
    super(
      413,
      'body_too_large',
      `The request body is larger than the bodyLimit of ${limit} bytes. Raise bodyLimit if this sender really sends bodies this large.`,
    )
  }
}

/**
 * 500: a body parser consumed the raw bytes before the webhook route saw them, so no signature can be checked.
 * The message says how to fix the app's mount order; the sender retries, so the event is not lost once fixed.
 */
export class RawBodyUnavailableError extends WebhookError {
  override readonly name = 'RawBodyUnavailableError'
  constructor(fix: string) {
    super(
      500,
      'raw_body_unavailable',
      `The raw request body is not available, so the signature cannot be verified: ${fix}`,
    )
  }
}

/**
 * 401: the signature header is absent; or, for a sender that signs inside the body or the query (Mailgun, Adyen,
 * Meta's verification request), the signature `message` names is.
 */
export class SignatureMissingError extends WebhookError {
  override readonly name = 'SignatureMissingError'
  constructor(
    header: string,
    message = `The ${header} header is missing: this request was not signed by the sender.`,
  ) {
    super(401, 'signature_missing', message)
  }
}

/** 401: no signature in the header matches any configured secret, or the header cannot be read. */
export class SignatureInvalidError extends WebhookError {
  override readonly name = 'SignatureInvalidError'
  constructor(
    reason = 'No signature matches the configured secret(s). Check that the secret is the one for this endpoint and that nothing re-encodes the body before it reaches the receiver.',
  ) {
    super(401, 'signature_invalid', reason)
  }
}

/**
 * 401: the certificate a sender names to verify its signature with (PayPal's `PAYPAL-CERT-URL`) is not one the
 * receiver trusts: not from the sender's own HTTPS hosts, not a certificate of the expected kind, or not valid at
 * the signed time. Nothing is downloaded from a URL that is not trusted.
 */
export class CertificateUntrustedError extends WebhookError {
  override readonly name = 'CertificateUntrustedError'
  constructor(reason: string) {
    super(401, 'certificate_untrusted', reason)
  }
}

/**
 * 503: the sender's certificate could not be downloaded (its host did not answer in time, refused, or egress is
 * blocked), so the signature could not be checked; the sender's retry will be.
 */
export class CertificateUnavailableError extends WebhookError {
  override readonly name = 'CertificateUnavailableError'
  constructor(cause: unknown, retryAfter: number) {
    super(
      503,
      'certificate_unavailable',
      "The sender's signing certificate could not be downloaded, so the signature was not checked; retry later.",
      { cause, retryAfter },
    )
  }
}

/** 401: the signed timestamp is not a whole number of seconds. */
export class TimestampInvalidError extends WebhookError {
  override readonly name = 'TimestampInvalidError'
  constructor(header: string) {
    super(401, 'timestamp_invalid', `The signed timestamp in ${header} is not a number of seconds.`)
  }
}

/** 401: the signed timestamp is further than `tolerance` seconds from now, in either direction (replay or skew). */
export class TimestampOutOfToleranceError extends WebhookError {
  override readonly name = 'TimestampOutOfToleranceError'
  constructor(toleranceSeconds: number) {
    super(
      401,
      'timestamp_out_of_tolerance',
      `The signed timestamp is more than ${toleranceSeconds} seconds away from the receiver's clock: a replayed delivery, or a clock that needs syncing.`,
    )
  }
}

/** 400: a header the provider always sends (event type, delivery id, …) is missing. */
export class HeaderMissingError extends WebhookError {
  override readonly name = 'HeaderMissingError'
  constructor(header: string) {
    super(400, 'header_missing', `The required ${header} header is missing.`)
  }
}

/** 400: the verified body is not valid JSON (or form data) for this provider. */
export class BodyMalformedError extends WebhookError {
  override readonly name = 'BodyMalformedError'
  constructor(what: string, options?: { cause?: unknown }) {
    super(400, 'body_malformed', `The body is authentic but is not valid ${what}.`, options)
  }
}

/** 400: the body parsed but lacks what the provider always sends (an event id or type). */
export class PayloadInvalidError extends WebhookError {
  override readonly name = 'PayloadInvalidError'
  constructor(reason: string) {
    super(400, 'payload_invalid', reason)
  }
}

/** 409: the same event is being handled right now by another request; the sender should retry later. */
export class DuplicateInFlightError extends WebhookError {
  override readonly name = 'DuplicateInFlightError'
  constructor(retryAfter: number) {
    super(
      409,
      'duplicate_in_flight',
      'This event is already being handled by another request; retry later.',
      { retryAfter },
    )
  }
}

/** 500: a handler threw before the deadline; the reservation was released so the sender's retry runs it again. */
export class HandlerFailedError extends WebhookError {
  override readonly name = 'HandlerFailedError'
  constructor(cause: unknown) {
    super(
      500,
      'handler_failed',
      'A handler failed; the event was not marked as handled, so a retry will run it again.',
      { cause },
    )
  }
}

/** 503: the dedup store could not be reached, so no handler ran; the sender's retry will be processed. */
export class StoreUnavailableError extends WebhookError {
  override readonly name = 'StoreUnavailableError'
  constructor(cause: unknown, retryAfter: number) {
    super(
      503,
      'store_unavailable',
      'The deduplication store is unavailable; the event was not processed and should be retried.',
      { cause, retryAfter },
    )
  }
}

/**
 * 503: in queue mode, the job could not be stored (the queue's Redis or PostgreSQL failed or did not answer in
 * time), so the event was not accepted; its reservation was released and the sender's retry will be queued.
 */
export class QueueUnavailableError extends WebhookError {
  override readonly name = 'QueueUnavailableError'
  constructor(cause: unknown, retryAfter: number) {
    super(
      503,
      'queue_unavailable',
      'The job queue is unavailable; the event was not accepted and should be retried.',
      { cause, retryAfter },
    )
  }
}

/**
 * 503 (`onDeadline: 'retry'`): the handlers were still running at the deadline and go on; the sender's retry is
 * answered 409 while they run, and 200 once they succeeded (or runs the event again if they failed).
 */
export class HandlerPendingError extends WebhookError {
  override readonly name = 'HandlerPendingError'
  constructor(retryAfter: number) {
    super(
      503,
      'handler_pending',
      'The handlers are still running past the deadline; retry later to learn whether they succeeded.',
      { retryAfter },
    )
  }
}

/** 503: the receiver is closing (`receiver.close()`), so no handler ran; the sender's retry goes to a live instance. */
export class ShuttingDownError extends WebhookError {
  override readonly name = 'ShuttingDownError'
  constructor(retryAfter: number) {
    super(
      503,
      'shutting_down',
      'This receiver is shutting down; the event was not processed and should be retried.',
      {
        retryAfter,
      },
    )
  }
}

/**
 * 404: the provider's secret resolver found no secret for this request (it returned `undefined`, `null`, `''` or
 * `[]`): the tenant it names is unknown. Refused before the signature is checked and before any store access.
 */
export class TenantUnknownError extends WebhookError {
  override readonly name = 'TenantUnknownError'
  constructor() {
    super(
      404,
      'tenant_unknown',
      'No secret is configured for the tenant this request names. Check the URL, header or field the secret resolver reads, and that the tenant is registered.',
    )
  }
}

/**
 * 500: the provider's secret resolver threw or rejected, returned something that is not a secret, or returned a
 * secret that fails the provider's checks (an API key where the signing secret belongs). The cause is logged; the
 * sender sees only this message, and its retry is resolved again.
 */
export class SecretResolverError extends WebhookError {
  override readonly name = 'SecretResolverError'
  constructor(cause: unknown) {
    super(
      500,
      'secret_resolver_failed',
      'The secret for this request could not be resolved; the delivery was not processed and should be retried.',
      { cause },
    )
  }
}

/** 500: an unexpected failure inside the receiver; the sender retries, so the event is not lost. */
export class InternalError extends WebhookError {
  override readonly name = 'InternalError'
  constructor(cause: unknown) {
    super(
      500,
      'internal_error',
      'The webhook receiver failed unexpectedly; the delivery was not processed.',
      { cause },
    )
  }
}

/**
 * True for every error this library throws, also across duplicated copies of the package (dual ESM/CJS installs),
 * where `instanceof` would fail. Errors from elsewhere (a store client's, an HTTP library's) are never recognised,
 * even when they carry a `status` and a `code`: their message may hold a connection string or a secret, and only
 * this library's own messages may reach a response.
 *
 * @example
 * ```ts
 * receiver.onError((error) => {
 *   if (isWebhookError(error)) metrics.increment(error.code)
 * })
 * ```
 */
export function isWebhookError(value: unknown): value is WebhookError {
  if (value instanceof WebhookError) return true
  // The brand is a registered symbol, so the ESM and CJS copies of this module share it.
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true
}
