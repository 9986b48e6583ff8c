// The code a merchant copies: the snippet tag, and a Checkout Session that carries the referral.

export function SnippetTag(props: { publicUrl: string; publicId: string }) {
  return (
    <pre class="code">
      <code>{`<script src="${props.publicUrl}/refcut.js" data-program="${props.publicId}" async></script>`}</code>
    </pre>
  );
}

export const CHECKOUT_SUBSCRIPTION = `// Your server (Node, stripe-node): the referral the snippet stored in the refcut_ref cookie
const referral = req.cookies.refcut_ref;
const session = await stripe.checkout.sessions.create({
  mode: 'subscription',
  line_items: [{ price: 'price_…', quantity: 1 }],
  success_url: 'https://your-site.com/thanks',
  ...(referral && {
    client_reference_id: referral,                 // the first purchase
    metadata: { referral },                        // the session itself
    subscription_data: { metadata: { referral } }, // every renewal invoice
  }),
});`;

export const CHECKOUT_PAYMENT = `// One-off payments (mode: 'payment'): the PaymentIntent carries it for refunds and disputes
const session = await stripe.checkout.sessions.create({
  mode: 'payment',
  line_items: [{ price: 'price_…', quantity: 1 }],
  success_url: 'https://your-site.com/thanks',
  ...(referral && {
    client_reference_id: referral,
    metadata: { referral },
    payment_intent_data: { metadata: { referral } },
  }),
});`;

export function CheckoutSnippet() {
  return (
    <>
      <p>
        When your server creates the Checkout Session, put the visitor's referral (the click id in the <code>refcut_ref</code> cookie, or a partner code) in{' '}
        <code>client_reference_id</code>, <code>metadata.referral</code>, and <code>subscription_data.metadata.referral</code> for subscriptions or{' '}
        <code>payment_intent_data.metadata.referral</code> for one-off payments.
      </p>
      <pre class="code">
        <code>{CHECKOUT_SUBSCRIPTION}</code>
      </pre>
      <pre class="code">
        <code>{CHECKOUT_PAYMENT}</code>
      </pre>
    </>
  );
}
