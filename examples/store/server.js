'use strict';
// Example merchant store: the whole Refcut integration a merchant copies into their own site.
//   1. the tracking snippet on every page (it stores the referral in a first-party cookie);
//   2. a server route that creates a Stripe Checkout Session carrying the referral in
//      client_reference_id, metadata.referral, and subscription_data.metadata.referral (renewals)
//      or payment_intent_data.metadata.referral (refunds and disputes of one-off payments);
//   3. Stripe's Embedded Checkout, mounted with @stripe/stripe-js.
// Run after `npm ci` in the repository root: `node examples/store/server.js` (see README.md here).
const path = require('node:path');
const express = require('express');
const Stripe = require('stripe');
// The same helper published as @refcut/server (sdk/ in this repository): keeps the referral cookie
// as an HTTP cookie, so Safari's 7-day cap on script cookies does not shorten the referral window.
const { refcutReferral } = require('../../sdk');

/** What the store sells. Inline prices (`price_data`) need no setup in the Stripe dashboard. */
const PRODUCTS = {
  pro: { mode: 'subscription', name: 'Acme Analytics Pro', description: 'Monthly plan: dashboards, alerts, 10 sites', amount: 4900, currency: 'usd', interval: 'month' },
  lifetime: { mode: 'payment', name: 'Acme Analytics lifetime license', description: 'Pay once, use forever', amount: 24900, currency: 'usd' },
};

/** Stripe accepts up to 200 letters, digits, `-` and `_` in client_reference_id and drops anything else. */
const REFERRAL = /^[A-Za-z0-9_-]{1,200}$/;

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const price = (p) => `$${(p.amount / 100).toFixed(2)}${p.interval ? ` / ${p.interval}` : ''}`;

/** A Stripe client for the merchant's own account; `apiBase` points it at a local fake in tests. */
function stripeClient(secretKey, apiBase) {
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: 1,
    ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === 'http:' ? 80 : 443)), protocol: base.protocol.replace(':', '') } : {}),
  });
}

/** The Checkout Session parameters for one product and (maybe) a referral value. */
function checkoutSessionParams(product, referral, origin) {
  const params = {
    mode: product.mode,
    ui_mode: 'embedded_page',
    line_items: [
      {
        price_data: {
          currency: product.currency,
          unit_amount: product.amount,
          product_data: { name: product.name },
          ...(product.interval ? { recurring: { interval: product.interval } } : {}),
        },
        quantity: 1,
      },
    ],
    return_url: `${origin}/return?session_id={CHECKOUT_SESSION_ID}`,
  };
  // One-off buyers get a Customer too, so a later purchase by the same person is recognised.
  if (product.mode === 'payment') params.customer_creation = 'always';
  if (referral) {
    params.client_reference_id = referral; // the first purchase
    params.metadata = { referral }; // the first purchase (the session)
    if (product.mode === 'subscription') params.subscription_data = { metadata: { referral } }; // every renewal invoice
    else params.payment_intent_data = { metadata: { referral } }; // refunds and disputes of this payment
  }
  return params;
}

function page({ title, body, refcutUrl, programId, publishableKey }) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Acme Analytics</title>
  <link rel="stylesheet" href="/static/store.css">
  <!-- Refcut tracking snippet: on every page, with your program id (Refcut → Settings). -->
  <script src="${escapeHtml(refcutUrl)}/refcut.js" data-program="${escapeHtml(programId)}" async></script>
  <script type="module" src="/static/store.js"></script>
</head>
<body>
  <main id="store" data-publishable-key="${escapeHtml(publishableKey)}">
${body}
  </main>
</body>
</html>`;
}

/**
 * The store as an Express app.
 * @param {{ stripeSecretKey?: string, stripePublishableKey?: string, refcutUrl: string, programId: string, stripeApiBase?: string }} options
 */
function createStore(options) {
  const refcutUrl = options.refcutUrl.replace(/\/+$/, '');
  const stripe = options.stripeSecretKey ? stripeClient(options.stripeSecretKey, options.stripeApiBase) : null;
  const shared = { refcutUrl, programId: options.programId, publishableKey: options.stripePublishableKey ?? '' };
  const app = express();
  app.disable('x-powered-by');

  app.use('/static', express.static(path.join(__dirname, 'public'), { index: false }));
  // @stripe/stripe-js is one self-contained ES module: served from node_modules, no bundler needed. The
  // `pure` build fetches Stripe.js from js.stripe.com only when loadStripe() is called, not on import.
  app.get('/vendor/stripe-js.mjs', (_req, res) => res.type('text/javascript').sendFile(require.resolve('@stripe/stripe-js/dist/pure.mjs')));

  // Sets req.refcutReferral from the `refcut_ref` cookie (or a landing with ?referral=clk_…).
  // Use your program's cookie window and attribution model (Refcut → Settings).
  app.use(refcutReferral({ cookieDays: 60, attributionModel: 'last_click' }));

  app.get('/', (req, res) => {
    const cards = Object.entries(PRODUCTS)
      .map(
        ([id, p]) => `    <article class="product">
      <h2>${escapeHtml(p.name)}</h2>
      <p>${escapeHtml(p.description)}</p>
      <p class="price">${escapeHtml(price(p))}</p>
      <button type="button" data-product="${id}"${stripe ? '' : ' disabled'}>${p.mode === 'subscription' ? 'Subscribe' : 'Buy now'}</button>
    </article>`,
      )
      .join('\n');
    const body = `    <h1>Acme Analytics</h1>
    <p class="lead">Privacy-friendly analytics for small teams.</p>
    <p class="referral" id="referral">${req.refcutReferral ? `Referral: <code>${escapeHtml(req.refcutReferral)}</code>` : 'No referral yet: follow a partner link (…/r/&lt;code&gt;) to get one.'}</p>
${stripe ? '' : '    <p class="warning">Set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY (your own test-mode keys) to open Checkout.</p>\n'}    <section class="products">
${cards}
    </section>
    <div id="checkout"></div>`;
    res.type('html').send(page({ title: 'Pricing', body, ...shared }));
  });

  app.post('/checkout-session', express.json({ limit: '10kb' }), async (req, res) => {
    const product = PRODUCTS[String(req.body?.product ?? '')];
    if (!product) return res.status(400).json({ error: 'Unknown product.' });
    if (!stripe) return res.status(503).json({ error: 'Stripe keys are not configured.' });
    // The cookie (set by the snippet or the middleware) is the source; the page may also send
    // refcut.referral, for visitors whose cookie this server has not seen yet.
    const fromPage = typeof req.body?.referral === 'string' && REFERRAL.test(req.body.referral) ? req.body.referral : null;
    const referral = req.refcutReferral ?? fromPage;
    try {
      const session = await stripe.checkout.sessions.create(checkoutSessionParams(product, referral, `${req.protocol}://${req.get('host')}`));
      res.json({ clientSecret: session.client_secret });
    } catch (err) {
      console.error('Checkout Session not created:', err.message);
      res.status(502).json({ error: `Stripe did not create the Checkout Session: ${err.message}` });
    }
  });

  app.get('/return', async (req, res) => {
    const id = String(req.query.session_id ?? '');
    if (!stripe || !/^cs_[A-Za-z0-9_]+$/.test(id)) return res.redirect(303, '/');
    const session = await stripe.checkout.sessions.retrieve(id);
    const done = session.status === 'complete';
    const body = done
      ? `    <h1>Thank you!</h1>\n    <p>A receipt is on its way to ${escapeHtml(session.customer_details?.email ?? 'you')}.</p>\n    <p><a href="/">Back to the store</a></p>`
      : `    <h1>Payment not finished</h1>\n    <p><a href="/">Back to the store</a> to try again.</p>`;
    res.type('html').send(page({ title: done ? 'Thank you' : 'Checkout', body, ...shared }));
  });

  return app;
}

module.exports = { createStore, checkoutSessionParams, PRODUCTS };

if (require.main === module) {
  const env = process.env;
  if (!env.REFCUT_PROGRAM_ID) console.warn('REFCUT_PROGRAM_ID is not set: the snippet cannot record clicks (find your program id in Refcut → Settings).');
  if (/^sk_live_/.test(env.STRIPE_SECRET_KEY ?? '')) console.warn('STRIPE_SECRET_KEY is a live key: this example is meant for test mode.');
  const port = Number(env.PORT ?? 4242);
  const app = createStore({
    stripeSecretKey: env.STRIPE_SECRET_KEY,
    stripePublishableKey: env.STRIPE_PUBLISHABLE_KEY,
    refcutUrl: env.REFCUT_URL ?? 'http://localhost:3000',
    programId: env.REFCUT_PROGRAM_ID ?? 'prg_REPLACE_ME',
    stripeApiBase: env.STRIPE_API_BASE,
  });
  app.listen(port, () => console.log(`Example store on http://localhost:${port} (Refcut at ${env.REFCUT_URL ?? 'http://localhost:3000'})`));
}
