import { signTwilio } from '../../testing/twilio.js'
import { needsSecret, secretOf, type Sender, type SignInput, signsNoTimestamp } from '../sender.js'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'

/** A form's fields: Twilio posts strings only. */
function paramsOf(payload: unknown): Record<string, string> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new TypeError(
      'a Twilio --file is a JSON object of form fields, e.g. { "From": "+1555…", "Body": "hi" }.',
    )
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, String(value)]))
}

function sign(input: SignInput) {
  return signTwilio({ url: input.signedUrl, authToken: secretOf(input), params: paramsOf(input.payload) })
}

export const twilioSender: Sender = {
  name: 'twilio',
  title: 'Twilio',
  needs:
    "--secret <the account's Auth Token>; it signs --url (or --signed-url, the public URL behind a proxy)",
  missing: needsSecret("the account's Auth Token"),
  noTimestamp: signsNoTimestamp('Twilio'),
  defaultEvent: 'message.received',
  fixtures: {
    'message.received': {
      summary: 'an SMS came in (the form Twilio posts to a Messaging webhook)',
      payload: (fresh) => ({
        ToCountry: 'US',
        ToState: 'CA',
        SmsMessageSid: `SM${fresh.hex(32)}`,
        NumMedia: '0',
        ToCity: 'SAN FRANCISCO',
        FromZip: '94105',
        SmsSid: `SM${fresh.hex(32)}`,
        FromState: 'CA',
        SmsStatus: 'received',
        FromCity: 'SAN FRANCISCO',
        Body: 'Hello, my order has not arrived yet',
        FromCountry: 'US',
        To: '+15557654321',
        MessagingServiceSid: `MG${fresh.hex(32)}`,
        ToZip: '94105',
        NumSegments: '1',
        MessageSid: `SM${fresh.hex(32)}`,
        AccountSid: ACCOUNT,
        From: '+15551234567',
        ApiVersion: '2010-04-01',
      }),
    },
    'message.status': {
      summary: 'a sent SMS was delivered (a status callback)',
      payload: (fresh) => ({
        MessageSid: `SM${fresh.hex(32)}`,
        MessageStatus: 'delivered',
        SmsStatus: 'delivered',
        AccountSid: ACCOUNT,
        From: '+15557654321',
        To: '+15551234567',
        ApiVersion: '2010-04-01',
      }),
    },
    call: {
      summary: 'a voice call came in',
      payload: (fresh) => ({
        CallSid: `CA${fresh.hex(32)}`,
        AccountSid: ACCOUNT,
        From: '+15551234567',
        To: '+15557654321',
        CallStatus: 'ringing',
        Direction: 'inbound',
        ApiVersion: '2010-04-01',
      }),
    },
  },
  sign,
}
