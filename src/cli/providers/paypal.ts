import { signPayPal } from '../../testing/paypal.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, type Credentials, privateKeyOf, type Sender } from '../sender.js'

/**
 * Where `send paypal` says the certificate is, unless `--cert-url` says otherwise. The receiver downloads only from
 * https://*.paypal.com, so a development endpoint maps this URL to the certificate of `keygen paypal` through
 * `paypal({ fetch: payPalCertificateFetch({ [url]: certificate }) })` (docs/cli.md).
 */
export const PAYPAL_CLI_CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-webhook-receiver-cli'

const money = (value: string) => ({ currency_code: 'USD', value })

/** PayPal's event envelope around `resource` (PayPal docs, "Webhooks" → "Event names"). */
function event(
  fresh: Fresh,
  type: string,
  resourceType: string,
  summary: string,
  resource: Record<string, unknown>,
) {
  const id = `WH-${fresh.upper(17)}-${fresh.upper(17)}`
  return {
    id,
    event_version: '1.0',
    create_time: fresh.iso(),
    resource_type: resourceType,
    resource_version: '2.0',
    event_type: type,
    summary,
    resource,
    links: [
      { href: `https://api.paypal.com/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
      {
        href: `https://api.paypal.com/v1/notifications/webhooks-events/${id}/resend`,
        rel: 'resend',
        method: 'POST',
      },
    ],
  }
}

function missing({ privateKey, webhookId }: Credentials): string | undefined {
  if (privateKey === undefined)
    return 'pass --private-key-file <pem> (or WEBHOOK_RECEIVER_PRIVATE_KEY): PayPal signs with the key of a certificate it serves; make a key and certificate with `webhook-receiver keygen paypal` and configure the endpoint with the certificate (docs/cli.md, "fixtures and keygen")'
  if (webhookId === undefined)
    return "pass --webhook-id <id>: the webhook ID your endpoint's paypal({ webhookId }) is configured with (PayPal signs it)"
  return undefined
}

export const paypalSender: Sender = {
  name: 'paypal',
  title: 'PayPal',
  needs:
    "--private-key-file <the PKCS#8 PEM of `webhook-receiver keygen paypal`> and --webhook-id <the endpoint's webhook ID>; --cert-url <https://….paypal.com/v1/notifications/certs/…> to name another certificate URL",
  missing,
  defaultEvent: 'PAYMENT.CAPTURE.COMPLETED',
  fixtures: {
    'PAYMENT.CAPTURE.COMPLETED': {
      summary: 'a payment of 42.00 USD was captured',
      payload: (fresh) =>
        event(fresh, 'PAYMENT.CAPTURE.COMPLETED', 'capture', 'Payment completed for $ 42.0 USD', {
          id: fresh.upper(17),
          amount: money('42.00'),
          final_capture: true,
          seller_protection: {
            status: 'ELIGIBLE',
            dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'],
          },
          seller_receivable_breakdown: {
            gross_amount: money('42.00'),
            paypal_fee: money('1.76'),
            net_amount: money('40.24'),
          },
          invoice_id: `INV-${fresh.digits(6)}`,
          status: 'COMPLETED',
          supplementary_data: { related_ids: { order_id: fresh.upper(17) } },
          create_time: fresh.iso(-2),
          update_time: fresh.iso(-2),
        }),
    },
    'CHECKOUT.ORDER.APPROVED': {
      summary: 'a buyer approved a checkout order',
      payload: (fresh) =>
        event(fresh, 'CHECKOUT.ORDER.APPROVED', 'checkout-order', 'An order has been approved by buyer', {
          id: fresh.upper(17),
          intent: 'CAPTURE',
          status: 'APPROVED',
          purchase_units: [
            {
              reference_id: 'default',
              amount: money('42.00'),
              payee: { email_address: 'merchant@example.com', merchant_id: fresh.upper(13) },
            },
          ],
          payer: {
            name: { given_name: 'John', surname: 'Doe' },
            email_address: 'buyer@example.com',
            payer_id: fresh.upper(13),
            address: { country_code: 'US' },
          },
          create_time: fresh.iso(-60),
        }),
    },
    'PAYMENT.CAPTURE.REFUNDED': {
      summary: 'a captured payment was refunded (12.50 USD)',
      payload: (fresh) =>
        event(fresh, 'PAYMENT.CAPTURE.REFUNDED', 'refund', 'A $ 12.50 USD capture payment was refunded', {
          id: fresh.upper(17),
          amount: money('12.50'),
          seller_payable_breakdown: {
            gross_amount: money('12.50'),
            paypal_fee: money('0.00'),
            net_amount: money('12.50'),
            total_refunded_amount: money('12.50'),
          },
          status: 'COMPLETED',
          create_time: fresh.iso(-1),
          update_time: fresh.iso(-1),
        }),
    },
    'BILLING.SUBSCRIPTION.ACTIVATED': {
      summary: 'a subscription was activated',
      payload: (fresh) =>
        event(fresh, 'BILLING.SUBSCRIPTION.ACTIVATED', 'subscription', 'Subscription activated', {
          id: `I-${fresh.upper(12)}`,
          plan_id: `P-${fresh.upper(24)}`,
          status: 'ACTIVE',
          quantity: '1',
          start_time: fresh.iso(-60),
          subscriber: {
            email_address: 'buyer@example.com',
            payer_id: fresh.upper(13),
            name: { given_name: 'John', surname: 'Doe' },
          },
          billing_info: {
            outstanding_balance: money('0.0'),
            last_payment: { amount: money('9.99'), time: fresh.iso(-30) },
            next_billing_time: fresh.iso(30 * 86_400),
            failed_payments_count: 0,
          },
          create_time: fresh.iso(-120),
        }),
    },
  },
  sign: (input) =>
    signPayPal({
      payload: bodyOf(input),
      privateKey: privateKeyOf(input),
      webhookId: input.credentials.webhookId as string,
      certUrl: input.credentials.certUrl ?? PAYPAL_CLI_CERT_URL,
      timestamp: input.timestamp,
    }),
}
