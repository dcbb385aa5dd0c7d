import { signSendGrid } from '../../testing/sendgrid.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, privateKeyOf, type Sender } from '../sender.js'

/** One Event Webhook item, as SendGrid writes them. */
const item = (fresh: Fresh, event: string, extra: Record<string, unknown> = {}) => ({
  email: 'example@test.com',
  timestamp: fresh.now,
  'smtp-id': `<${fresh.id('', 22)}@ismtpd-555>`,
  event,
  category: ['cat facts'],
  sg_event_id: fresh.id('', 22),
  sg_message_id: `${fresh.id('', 22)}.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0`,
  ...extra,
})

export const sendgridSender: Sender = {
  name: 'sendgrid',
  title: 'SendGrid',
  needs:
    '--private-key-file <a P-256 PKCS#8 PEM file>: SendGrid signs with its own key, so configure the endpoint with the public key of a pair of yours (`webhook-receiver keygen sendgrid`)',
  missing: ({ privateKey }) =>
    privateKey === undefined
      ? 'pass --private-key-file <pem> (or --private-key, or WEBHOOK_RECEIVER_PRIVATE_KEY): SendGrid signs with ECDSA; make a pair with `webhook-receiver keygen sendgrid` and give the endpoint its public key'
      : undefined,
  defaultEvent: 'batch',
  fixtures: {
    batch: {
      summary: 'a batch of four events: processed, delivered, open and click',
      payload: (fresh) => [
        item(fresh, 'processed'),
        item(fresh, 'delivered', { response: '250 OK' }),
        item(fresh, 'open', { useragent: 'Mozilla/5.0', ip: '255.255.255.255' }),
        item(fresh, 'click', {
          url: 'https://example.com/',
          useragent: 'Mozilla/5.0',
          ip: '255.255.255.255',
        }),
      ],
    },
    delivered: {
      summary: 'one delivered event',
      payload: (fresh) => [item(fresh, 'delivered', { response: '250 OK' })],
    },
    bounce: {
      summary: 'one bounce',
      payload: (fresh) => [
        item(fresh, 'bounce', { reason: '500 unknown recipient', status: '5.0.0', type: 'bounce' }),
      ],
    },
  },
  sign: (input) =>
    signSendGrid({
      payload: bodyOf(input),
      privateKey: privateKeyOf(input),
      timestamp: input.timestamp,
    }),
}
