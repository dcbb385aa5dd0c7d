import { signMeta } from '../../testing/meta.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

const PAGE = '112233445566778'
const PHONE_NUMBER = '106540352242922'
const WHATSAPP_ACCOUNT = '102290129340398'
const INSTAGRAM_ACCOUNT = '17841405822304914'

/** A delivery of one entry with one change (Graph API docs, "Webhooks" → "Event Notifications"). */
const change = (object: string, entry: Record<string, unknown>, field: string, value: unknown) => ({
  object,
  entry: [{ ...entry, changes: [{ field, value }] }],
})

export const metaSender: Sender = {
  name: 'meta',
  title: 'Meta',
  ...secretCredential(
    'the App Secret: App Dashboard → App settings → Basic',
    'the App Secret, from App Dashboard → App settings → Basic',
  ),
  noTimestamp: signsNoTimestamp('Meta', 'an entry\'s "time" is not checked against the clock'),
  defaultEvent: 'whatsapp_business_account.messages',
  fixtures: {
    'whatsapp_business_account.messages': {
      summary: 'a WhatsApp text message came in (WhatsApp Cloud API, field messages)',
      payload: (fresh) =>
        change('whatsapp_business_account', { id: WHATSAPP_ACCOUNT }, 'messages', {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER },
          contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
          messages: [
            {
              from: '16505551234',
              id: `wamid.${fresh.id('HBgLMTY1MDU1NTEyMzQVAgASGBQz', 32)}=`,
              timestamp: String(fresh.now),
              type: 'text',
              text: { body: 'Does it come in another color?' },
            },
          ],
        }),
    },
    'page.feed': {
      summary: 'someone commented on a post of the Page (Graph API, Page webhook field feed)',
      payload: (fresh) => {
        const post = `${PAGE}_${fresh.digits(16)}`
        return change('page', { id: PAGE, time: fresh.now }, 'feed', {
          from: { id: fresh.digits(16), name: 'Jane Doe' },
          post: { status_type: 'added_photos', is_published: true, updated_time: fresh.iso(), id: post },
          message: 'Where can I buy this?',
          post_id: post,
          comment_id: `${post.split('_')[1]}_${fresh.digits(16)}`,
          created_time: fresh.now,
          item: 'comment',
          parent_id: post,
          verb: 'add',
        })
      },
    },
    'page.messaging': {
      summary: 'a Messenger message was sent to the Page (Messenger Platform, messages)',
      payload: (fresh) => ({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: fresh.now * 1000,
            messaging: [
              {
                sender: { id: fresh.digits(16) },
                recipient: { id: PAGE },
                timestamp: fresh.now * 1000,
                message: { mid: `m_${fresh.id('', 86)}`, text: 'Hi! Is the store open on Sunday?' },
              },
            ],
          },
        ],
      }),
    },
    'instagram.comments': {
      summary: 'someone commented on an Instagram post of the account (Instagram webhook field comments)',
      payload: (fresh) =>
        change('instagram', { id: INSTAGRAM_ACCOUNT, time: fresh.now }, 'comments', {
          from: { id: fresh.digits(17), username: 'jane.doe' },
          media: { id: fresh.digits(17), media_product_type: 'FEED' },
          id: fresh.digits(17),
          text: 'Love it! 😍',
        }),
    },
  },
  sign: (input) => signMeta({ payload: bodyOf(input), appSecret: secretOf(input) }),
}
