import { signHubSpot } from '../../testing/hubspot.js'
import { bodyOf, needsSecret, secretOf, type Sender } from '../sender.js'

export const hubspotSender: Sender = {
  name: 'hubspot',
  title: 'HubSpot',
  needs:
    "--secret <the app's client secret>; it signs --url (or --signed-url, the public URL behind a proxy)",
  missing: needsSecret("the app's client secret"),
  defaultEvent: 'contact.creation',
  fixtures: {
    'contact.creation': {
      summary: 'a batch of one contact.creation event',
      payload: (fresh) => [
        {
          eventId: Number(fresh.digits(10)),
          subscriptionId: 2881778,
          portalId: 62515,
          appId: 1160452,
          occurredAt: fresh.now * 1000,
          subscriptionType: 'contact.creation',
          attemptNumber: 0,
          objectId: Number(fresh.digits(6)),
          changeFlag: 'CREATED',
          changeSource: 'CRM',
        },
      ],
    },
    'deal.propertyChange': {
      summary: "a batch of one deal.propertyChange event (the deal's stage)",
      payload: (fresh) => [
        {
          eventId: Number(fresh.digits(10)),
          subscriptionId: 2881779,
          portalId: 62515,
          appId: 1160452,
          occurredAt: fresh.now * 1000,
          subscriptionType: 'deal.propertyChange',
          attemptNumber: 0,
          objectId: Number(fresh.digits(6)),
          propertyName: 'dealstage',
          propertyValue: 'closedwon',
          changeSource: 'CRM',
        },
      ],
    },
  },
  sign: (input) =>
    signHubSpot({
      payload: bodyOf(input),
      clientSecret: secretOf(input),
      url: input.signedUrl,
      timestamp: input.timestamp,
    }),
}
