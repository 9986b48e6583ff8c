/*! Refcut tracking snippet. Install: <script src="https://YOUR-REFCUT-HOST/refcut.js" data-program="prg_…" async></script>
 *  Reference: docs/tracking.md. No dependencies; sets one first-party cookie (refcut_ref) on your domain. */
(function (window, document) {
  'use strict';
  if (window.refcut && window.refcut.version) return; // loaded twice: keep the first instance

  var COOKIE = 'refcut_ref';
  // Companion cookie with the window's end (epoch seconds): the server-side helper uses it to re-issue
  // refcut_ref as an HTTP cookie with the same expiry, escaping browsers' caps on script-set cookies.
  var EXPIRY_COOKIE = 'refcut_exp';
  var CLICK_ID = /^clk_[A-Za-z0-9]{8,64}$/;
  var CODE = /^[a-z0-9-]{3,40}$/;
  var PAYMENT_LINK_HOSTS = ['buy.stripe.com'];

  var script = document.currentScript || document.querySelector('script[data-program]');
  var config = window.refcutConfig || {};
  var attr = function (name) {
    return script && script.getAttribute ? script.getAttribute(name) : null;
  };
  var programId = config.programId || attr('data-program');
  var apiBase = String(config.apiBase || attr('data-api') || (script && script.src ? new URL(script.src).origin : '')).replace(/\/+$/, '');
  var cookieDomain = config.cookieDomain || attr('data-cookie-domain') || '';
  var waitForConsent = typeof config.consent === 'function' || attr('data-consent') === 'required';
  var extraHosts = config.paymentLinkHosts || (attr('data-payment-link-hosts') || '').split(/[\s,]+/).filter(Boolean);

  function readCookie(name) {
    var parts = String(document.cookie || '').split(/;\s*/);
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (eq > 0 && parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return null;
  }

  function writeCookie(name, value, expires) {
    var maxAge = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000));
    var c = name + '=' + encodeURIComponent(value) + '; Max-Age=' + maxAge + '; Expires=' + expires.toUTCString() + '; Path=/; SameSite=Lax';
    if (cookieDomain) c += '; Domain=' + cookieDomain;
    if (window.location.protocol === 'https:') c += '; Secure';
    document.cookie = c;
  }

  function storedReferral() {
    var v = readCookie(COOKIE);
    return v && CLICK_ID.test(v) ? v : null;
  }

  var readyCallbacks = [];
  var settled = false;
  var tracking = false;

  var refcut = {
    version: 1,
    /** The click id this visitor is attributed to, or null. */
    referral: storedReferral(),
    /** Same as `refcut.referral`, as a function (read it when you create a Checkout Session). */
    getReferral: function () {
      return refcut.referral;
    },
    /** Calls back (and resolves) once the referral is known: after the click is recorded, or at once. */
    ready: function (callback) {
      return new Promise(function (resolve) {
        var done = function () {
          if (typeof callback === 'function') callback(refcut.referral);
          resolve(refcut.referral);
        };
        if (settled) done();
        else readyCallbacks.push(done);
      });
    },
    /** Allow storing now (call it from your consent banner); resolves like `ready`. Runs tracking once. */
    grantConsent: function () {
      track();
      return refcut.ready();
    },
    /**
     * Put the referral where Stripe reads it: `client_reference_id` on Payment Links, the
     * `client-reference-id` attribute of pricing tables and buy buttons, and hidden inputs marked
     * `data-refcut-referral` (for forms that post to your own Checkout endpoint).
     */
    decorate: function (root) {
      var r = refcut.referral;
      var scope = root || document;
      if (!r || !scope.querySelectorAll) return 0;
      var changed = 0;
      var hosts = PAYMENT_LINK_HOSTS.concat(extraHosts);
      var links = scope.querySelectorAll('a[href]');
      for (var i = 0; i < links.length; i++) {
        var href = links[i].getAttribute('href');
        var url;
        try {
          url = new URL(href, window.location.href);
        } catch (e) {
          continue;
        }
        if (hosts.indexOf(url.hostname) === -1) continue;
        url.searchParams.set('client_reference_id', r);
        links[i].setAttribute('href', url.toString());
        changed++;
      }
      var widgets = scope.querySelectorAll('stripe-pricing-table, stripe-buy-button');
      for (var j = 0; j < widgets.length; j++) {
        widgets[j].setAttribute('client-reference-id', r);
        changed++;
      }
      var inputs = scope.querySelectorAll('input[data-refcut-referral]');
      for (var k = 0; k < inputs.length; k++) {
        inputs[k].value = r;
        changed++;
      }
      return changed;
    },
  };
  window.refcut = refcut;

  function settle() {
    settled = true;
    refcut.decorate();
    var callbacks = readyCallbacks.splice(0);
    for (var i = 0; i < callbacks.length; i++) callbacks[i]();
  }

  /** First click keeps an existing referral; last click replaces it. */
  function adopt(answer) {
    var current = storedReferral();
    if (answer.attributionModel === 'first_click' && current && current !== answer.clickId) {
      refcut.referral = current;
      return;
    }
    // Rewriting the same value would turn an HTTP cookie set by your server into a capped script cookie.
    if (current !== answer.clickId) {
      var expires = new Date(answer.expiresAt);
      writeCookie(COOKIE, answer.clickId, expires);
      writeCookie(EXPIRY_COOKIE, String(Math.floor(expires.getTime() / 1000)), expires);
    }
    refcut.referral = answer.clickId;
  }

  function track() {
    if (tracking) return;
    tracking = true;
    settled = false; // ready() now waits for this run
    var params = new URLSearchParams(window.location.search);
    var referral = params.get('referral');
    var code = (params.get('via') || params.get('ref') || '').toLowerCase();
    var body = { programId: programId, url: window.location.href, referrer: document.referrer || undefined };
    if (referral && CLICK_ID.test(referral)) body.referral = referral;
    else if (CODE.test(code)) body.code = code;
    else return settle();
    if (!programId || typeof window.fetch !== 'function') return settle();
    window
      .fetch(apiBase + '/api/v1/track/click', {
        method: 'POST',
        // text/plain keeps this a "simple" cross-origin request: no preflight round trip.
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify(body),
        credentials: 'omit',
        keepalive: true,
      })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (answer) {
        if (answer && answer.clickId && CLICK_ID.test(answer.clickId)) adopt(answer);
      })
      .catch(function () {
        /* offline or blocked: keep whatever referral was stored before */
      })
      .then(settle);
  }

  if (!waitForConsent) {
    track();
  } else if (typeof config.consent === 'function') {
    var answer;
    try {
      answer = config.consent();
    } catch (e) {
      answer = false;
    }
    Promise.resolve(answer).then(
      function (ok) {
        if (ok) track();
        else settle();
      },
      function () {
        settle();
      }
    );
  } else {
    settle();
  }

  // Links and widgets rendered after this script ran get the referral too.
  if (document.readyState === 'loading' && document.addEventListener) {
    document.addEventListener('DOMContentLoaded', function () {
      refcut.decorate();
    });
  }
})(window, document);
