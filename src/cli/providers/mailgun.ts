import { signMailgun } from '../../testing/mailgun.js'
import type { Fresh } from '../fresh.js'
import { secretCredential, secretOf, type Sender, type SignInput, undetectableChange } from '../sender.js'

const DOMAIN = 'mg.example.com'

/** An `event-data` object, as Mailgun writes it (Mailgun docs, "Webhooks" → "Event structure"). */
const eventData = (fresh: Fresh, event: string, extra: Record<string, unknown>) => {
  const messageId = `${fresh.digits(14)}.${fresh.hex(16)}@${DOMAIN}`
  return {
    id: fresh.id('', 22),
    timestamp: Number(`${fresh.now}.${fresh.digits(6)}`),
    'log-level': 'info',
    event,
    recipient: 'alice@example.com',
    'recipient-domain': 'example.com',
    envelope: {
      transport: 'smtp',
      sender: `bob@${DOMAIN}`,
      'sending-ip': '209.61.154.250',
      targets: 'alice@example.com',
    },
    message: {
      headers: {
        to: 'Alice <alice@example.com>',
        'message-id': messageId,
        from: `Bob <bob@${DOMAIN}>`,
        subject: 'Your order has shipped',
      },
      attachments: [],
      size: 2814,
    },
    flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
    tags: ['shipping'],
    campaigns: [],
    'user-variables': { order_id: fresh.digits(6) },
    storage: {
      url: `https://storage-us-east4.api.mailgun.net/v3/domains/${DOMAIN}/messages/${fresh.id('', 40)}`,
      key: fresh.id('', 40),
    },
    ...extra,
  }
}

/** Mailgun signs `signature`, not `event-data`: a --file is the event-data object, put in the body as Mailgun does. */
function sign(input: SignInput) {
  try {
    return signMailgun({ payload: input.payload, signingKey: secretOf(input), timestamp: input.timestamp })
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('signMailgun({ payload })'))
      throw new TypeError(
        'a Mailgun --file is the "event-data" object, e.g. { "id": "…", "event": "delivered", … }; the signature object is added around it.',
      )
    throw error
  }
}

export const mailgunSender: Sender = {
  name: 'mailgun',
  title: 'Mailgun',
  ...secretCredential(
    'the HTTP webhook signing key: Sending → Webhooks → HTTP webhook signing key',
    'the HTTP webhook signing key, from Sending → Webhooks',
  ),
  noSignedBody: undetectableChange(
    'Mailgun signs only the timestamp and token of its signature object, not event-data',
    'a changed event',
    'signature',
    ' (HTTPS keeps it intact)',
  ),
  defaultEvent: 'delivered',
  fixtures: {
    delivered: {
      summary: 'a message was delivered to alice@example.com',
      payload: (fresh) =>
        eventData(fresh, 'delivered', {
          'delivery-status': {
            tls: true,
            'mx-host': 'mx.example.com',
            code: 250,
            description: '',
            'session-seconds': 0.433,
            utf8: true,
            'attempt-no': 1,
            message: 'OK',
            'certificate-verified': true,
          },
        }),
    },
    failed: {
      summary: 'a message bounced permanently (no such mailbox)',
      payload: (fresh) =>
        eventData(fresh, 'failed', {
          'log-level': 'error',
          severity: 'permanent',
          reason: 'bounce',
          'delivery-status': {
            'attempt-no': 1,
            message: '',
            code: 550,
            'enhanced-code': '5.1.1',
            description: '550 5.1.1 The email account that you tried to reach does not exist.',
            'session-seconds': 0.12,
            'mx-host': 'mx.example.com',
          },
        }),
    },
    opened: {
      summary: 'the recipient opened the message',
      payload: (fresh) =>
        eventData(fresh, 'opened', {
          ip: '50.56.129.169',
          geolocation: { country: 'US', region: 'CA', city: 'San Francisco' },
          'client-info': {
            'client-os': 'Linux',
            'device-type': 'desktop',
            'client-name': 'Chrome',
            'client-type': 'browser',
            'user-agent':
              'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
          },
        }),
    },
  },
  sign,
}
