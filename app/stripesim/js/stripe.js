/*
 * Stand-in Stripe.js for the offline Stripe simulator.
 *
 * Same calls and result shapes as Stripe.js v3 for the "finalize payments on
 * the server" flow: Stripe(pk), elements({mode:'payment', amount, currency,
 * paymentMethodCreation:'manual', customerSessionClientSecret}),
 * elements.create('payment', {layout}), element.mount/on/update/collapse,
 * elements.submit(), stripe.createConfirmationToken({elements, params}),
 * stripe.handleNextAction({clientSecret}) and stripe.retrievePaymentIntent().
 *
 * It renders a plain card form in the page (no iframe), talks only to the
 * simulator that served it (its API base comes from this script's own src)
 * and shows a simulated 3-D Secure challenge.
 */
/* Part 3 of 3: Elements, Stripe(pk) and the 3-D Secure challenge. */

// ---------- Elements ----------

function Elements(stripe, options) {
  this._stripe = stripe;
  this._options = Object.assign({ mode: 'payment', currency: 'usd' }, options || {});
  this._payment = null;
  this._submitted = false;
}

Elements.prototype.create = function (type, options) {
  if (type !== 'payment') {
    throw new Error('IntegrationError: the Stripe simulator only provides the "payment" element, not "' + type + '".');
  }
  if (this._payment) throw new Error('IntegrationError: Can only create one Element of type payment.');
  this._payment = new PaymentElement(this, options);
  return this._payment;
};
Elements.prototype.getElement = function (type) { return type === 'payment' ? this._payment : null; };
Elements.prototype.update = function (options) {
  var o = options || {};
  ['amount', 'currency', 'mode', 'setupFutureUsage', 'captureMethod', 'appearance'].forEach(function (k) {
    if (k in o) this._options[k] = o[k];
  }, this);
  if (this._payment) this._payment._syncAmount();
  return this;
};
Elements.prototype.fetchUpdates = function () { return Promise.resolve({}); };
Elements.prototype.submit = function () {
  var pe = this._payment;
  if (!pe || !pe._root) {
    return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error',
      message: 'elements.submit() requires a mounted Payment Element.' } });
  }
  if (pe._collapsed && !pe._savedPM()) {
    var kept = pe._values();
    pe._collapsed = false;
    pe._render();
    pe._restore(kept);
  }
  var err = pe._validate();
  if (err) {
    pe._showError(err.message);
    this._submitted = false;
    return Promise.resolve({ error: err });
  }
  pe._showError('');
  this._submitted = true;
  return Promise.resolve({ selectedPaymentMethod: pe._savedPM() ? 'card' : pe._method() });
};

// ---------- Stripe ----------

function StripeSim(pk, options) {
  if (!pk || !/^pk_/.test(pk)) {
    throw new Error('IntegrationError: Invalid value for Stripe(): apiKey should be a publishable key (pk_…).');
  }
  this._pk = pk;
  this._simulated = true;
  setLocale(options && options.locale);
}

StripeSim.prototype.elements = function (options) { return new Elements(this, options); };

StripeSim.prototype.createConfirmationToken = function (options) {
  var elements = options && options.elements;
  var params = (options && options.params) || {};
  if (!elements || !elements._payment) {
    return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error',
      message: 'createConfirmationToken requires elements with a mounted Payment Element.' } });
  }
  if (!elements._submitted) {
    return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error',
      message: 'elements.submit() must be called before stripe.createConfirmationToken().' } });
  }
  var pe = elements._payment;
  var err = pe._validate();
  if (err) return Promise.resolve({ error: err });
  var body = { return_url: params.return_url, shipping: params.shipping };
  var pmData = params.payment_method_data || {};
  var saved = pe._savedPM();
  var method = pe._method();
  // What Elements was given, as Stripe.js sends it: the simulator checks
  // the currency against the PaymentIntent at confirm.
  body.client_context = { currency: elements._options.currency, mode: elements._options.mode,
    amount: elements._options.amount };
  if (!saved && method !== 'card') {
    var bd = JSON.parse(JSON.stringify(pmData.billing_details || {}));
    body.payment_method_data = { type: method, billing_details: bd, metadata: pmData.metadata };
    if (method === 'ideal') {
      body.payment_method_data.ideal = { bank: pe._inputs.idealBank.value };
    } else {
      bd.name = bd.name || pe._inputs.sepaName.value.trim();
      bd.email = bd.email || pe._inputs.sepaEmail.value.trim();
      body.payment_method_data.sepa_debit = { iban: pe._inputs.iban.value.replace(/\s/g, '').toUpperCase() };
    }
  } else if (saved) {
    body.payment_method = saved.id;
    body.customer_session_client_secret = elements._options.customerSessionClientSecret;
  } else {
    var exp = digits(pe._inputs.exp.value);
    var billing = JSON.parse(JSON.stringify(pmData.billing_details || {}));
    billing.address = billing.address || {};
    billing.address.postal_code = billing.address.postal_code || pe._inputs.postal.value.trim();
    body.payment_method_data = {
      type: 'card',
      card: { number: digits(pe._inputs.number.value), exp_month: +exp.slice(0, 2),
        exp_year: 2000 + (+exp.slice(2, 4)), cvc: digits(pe._inputs.cvc.value) },
      billing_details: billing,
      allow_redisplay: pmData.allow_redisplay,
      metadata: pmData.metadata
    };
    if (pe._saveBox && pe._saveBox.checked) {
      body.setup_future_usage = pe._features().payment_method_save_usage || 'off_session';
      body.payment_method_data.allow_redisplay =
        pe._features().payment_method_save_allow_redisplay_override || 'always';
    } else if (elements._options.setupFutureUsage) {
      body.setup_future_usage = elements._options.setupFutureUsage;
    }
  }
  return request('POST', '/confirmation_tokens', this._pk, body).then(function (res) {
    if (res.error) {
      pe._showError(res.error.message);
      return { error: res.error };
    }
    return { confirmationToken: res.body };
  });
};

function intentID(clientSecret) { return String(clientSecret || '').split('_secret_')[0]; }

StripeSim.prototype.retrievePaymentIntent = function (clientSecret) {
  return request('GET', '/payment_intents/' + encodeURIComponent(intentID(clientSecret)), this._pk,
    { client_secret: clientSecret }).then(function (res) {
    return res.error ? { error: res.error } : { paymentIntent: res.body };
  });
};

StripeSim.prototype.handleNextAction = function (options) {
  var self = this;
  var clientSecret = options && options.clientSecret;
  if (!clientSecret) {
    return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error',
      message: 'handleNextAction requires a clientSecret.' } });
  }
  return this.retrievePaymentIntent(clientSecret).then(function (res) {
    if (res.error) return res;
    var pi = res.paymentIntent;
    // Stripe.js: handleNextAction "will throw an error if the PaymentIntent
    // has a different status" than requires_action.
    if (pi.status !== 'requires_action') {
      return { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state',
        message: 'handleNextAction: the PaymentIntent has a status of ' + pi.status +
          '; only a PaymentIntent with status requires_action has a next action.', payment_intent: pi } };
    }
    var na = pi.next_action || {};
    if (na.type === 'redirect_to_url' && na.redirect_to_url) {
      // A bank redirect leaves the page; the bank sends the shopper to return_url.
      // The simulator answers a path on its own origin: resolve it against
      // where this script came from.
      window.location.assign(new URL(na.redirect_to_url.url, new URL(BASE, window.location.href)).href);
      return new Promise(function () {});
    }
    return challenge(pi).then(function (outcome) {
      return request('POST', '/payment_intents/' + encodeURIComponent(pi.id) + '/authenticate', self._pk,
        { client_secret: clientSecret, outcome: outcome });
    }).then(function (r) {
      if (r.error) return { error: r.error };
      var updated = r.body;
      if (updated.status === 'requires_payment_method' && updated.last_payment_error) {
        return { error: Object.assign({}, updated.last_payment_error, { payment_intent: updated }) };
      }
      return { paymentIntent: updated };
    });
  });
};

// challenge shows the simulated 3-D Secure page; resolves 'complete' or 'fail'.
function challenge(pi) {
  injectStyle();
  return new Promise(function (resolve) {
    var done = el('button', { type: 'button', id: 'sim-3ds-complete', text: t('sim.three_ds.complete') });
    var fail = el('button', { type: 'button', id: 'sim-3ds-fail', text: t('sim.three_ds.fail') });
    var overlay = el('div', { id: 'sim-3ds-overlay', role: 'dialog', 'aria-modal': 'true',
      'aria-labelledby': 'sim-3ds-title' }, [
      el('div', { className: 'sim-3ds-box' }, [
        el('h2', { id: 'sim-3ds-title', text: t('sim.three_ds.title') }),
        el('p', { text: t('sim.three_ds.body', { Amount: formatMoney(pi.amount, pi.currency) }) }),
        done, fail
      ])
    ]);
    function finish(outcome) {
      overlay.remove();
      resolve(outcome);
    }
    done.addEventListener('click', function () { finish('complete'); });
    fail.addEventListener('click', function () { finish('fail'); });
    document.body.appendChild(overlay);
    done.focus();
  });
}

function unsupported(name) {
  return function () {
    return Promise.resolve({ error: { type: 'invalid_request_error', code: 'integration_error',
      message: 'stripe.' + name + ' is not provided by the Stripe simulator; finalize payments on the server.' } });
  };
}
['confirmPayment', 'confirmCardPayment', 'confirmSetup', 'createPaymentMethod', 'handleCardAction']
  .forEach(function (n) { StripeSim.prototype[n] = unsupported(n); });

window.Stripe = function (pk, options) { return new StripeSim(pk, options); };
window.Stripe.version = 3;
window.Stripe.simulated = true;
