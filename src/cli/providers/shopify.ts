import { signShopify } from '../../testing/shopify.js'
import type { Fresh } from '../fresh.js'
import { bodyOf, secretCredential, secretOf, type Sender, signsNoTimestamp } from '../sender.js'

const customer = (fresh: Fresh) => ({
  id: Number(fresh.digits(13)),
  email: 'bob.norman@mail.example.com',
  first_name: 'Bob',
  last_name: 'Norman',
  created_at: fresh.iso(-86_400),
  state: 'enabled',
})

export const shopifySender: Sender = {
  name: 'shopify',
  title: 'Shopify',
  ...secretCredential("the app's client secret, or the store's webhook signing secret"),
  noTimestamp: signsNoTimestamp('Shopify', 'X-Shopify-Triggered-At is not signed'),
  eventInHeader:
    'Shopify names the topic in X-Shopify-Topic: pass --event orders/create (or another topic) with --file.',
  defaultEvent: 'orders/create',
  fixtures: {
    'orders/create': {
      summary: 'an order of two items was placed',
      payload: (fresh) => {
        const id = Number(fresh.digits(13))
        return {
          id,
          admin_graphql_api_id: `gid://shopify/Order/${id}`,
          name: `#${fresh.digits(4)}`,
          email: 'bob.norman@mail.example.com',
          created_at: fresh.iso(),
          currency: 'USD',
          financial_status: 'paid',
          fulfillment_status: null,
          subtotal_price: '398.00',
          total_tax: '0.00',
          total_price: '403.00',
          line_items: [
            {
              id: Number(fresh.digits(13)),
              title: 'IPod Nano - 8GB',
              quantity: 1,
              price: '199.00',
              sku: 'IPOD2008PINK',
            },
            {
              id: Number(fresh.digits(13)),
              title: 'IPod Nano - 8GB',
              quantity: 1,
              price: '199.00',
              sku: 'IPOD2008BLUE',
            },
          ],
          shipping_lines: [{ title: 'Generic Shipping', price: '5.00' }],
          customer: customer(fresh),
        }
      },
    },
    'products/update': {
      summary: 'a product was changed',
      payload: (fresh) => ({
        id: Number(fresh.digits(13)),
        title: 'Example T-Shirt',
        handle: 'example-t-shirt',
        status: 'active',
        updated_at: fresh.iso(),
        variants: [{ id: Number(fresh.digits(13)), title: 'Small', price: '19.99', inventory_quantity: 75 }],
      }),
    },
    'customers/create': {
      summary: 'a customer account was created',
      payload: (fresh) => customer(fresh),
    },
    'app/uninstalled': {
      summary: 'the app was uninstalled from the shop',
      payload: (fresh) => ({
        id: Number(fresh.digits(11)),
        name: 'Example Shop',
        domain: 'example.myshopify.com',
        myshopify_domain: 'example.myshopify.com',
        updated_at: fresh.iso(),
      }),
    },
  },
  sign: (input) =>
    signShopify({
      topic: input.event,
      payload: bodyOf(input),
      secret: secretOf(input),
      timestamp: input.timestamp,
    }),
}
