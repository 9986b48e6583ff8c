// The store page's script: open Stripe's Embedded Checkout for the chosen product. The referral rides
// along twice: in the refcut_ref cookie this store's server reads, and as refcut.referral in the body.
import { loadStripe } from '/vendor/stripe-js.mjs';

const root = document.getElementById('store');
const publishableKey = root?.dataset.publishableKey;
let checkout;

async function referral() {
  // The snippet loads async; ready() resolves once a landing click has been recorded (or at once).
  if (!window.refcut) return null;
  return window.refcut.ready();
}

async function open(product, button) {
  button.disabled = true;
  try {
    const stripe = await loadStripe(publishableKey);
    if (checkout) checkout.destroy();
    checkout = await stripe.createEmbeddedCheckoutPage({
      fetchClientSecret: async () => {
        const res = await fetch('/checkout-session', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ product, referral: await referral() }),
        });
        const answer = await res.json();
        if (!res.ok) throw new Error(answer.error);
        return answer.clientSecret;
      },
    });
    checkout.mount('#checkout');
    document.getElementById('checkout').scrollIntoView({ behavior: 'smooth' });
  } catch (err) {
    alert(`Checkout could not open: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

for (const button of document.querySelectorAll('button[data-product]')) {
  button.addEventListener('click', () => open(button.dataset.product, button));
}

// Show the referral the snippet stored (the page was rendered before the snippet ran).
referral().then((r) => {
  const line = document.getElementById('referral');
  if (r && line) line.innerHTML = `Referral: <code>${r.replace(/[^A-Za-z0-9_-]/g, '')}</code>`;
});
