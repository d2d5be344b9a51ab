// checkout.js — Stripe's "finalize payments on the server" flow, in plain JavaScript.
//
// 1. Elements in deferred-amount mode (mode 'payment', the server's amount and currency,
//    paymentMethodCreation 'manual'), with saved methods through a CustomerSession when signed in.
// 2. The Payment Element in the accordion layout.
// 3. A discount code changes the amount: POST /checkout/discount, then elements.update({amount}).
// 4. Pay: elements.submit(), stripe.createConfirmationToken(), POST /checkout/confirm. The server creates
//    and confirms the PaymentIntent; the browser sends only expected_amount (what the button shows), which the
//    server compares with its own total: 409 amount_changed brings the new amount and summary, and the shopper
//    presses Pay again.
// 5. requires_action → stripe.handleNextAction (3-D Secure), then the order page. A reload while the order
//    waits for the bank offers the same (config.pendingAction), or another method on the same PaymentIntent.
//
// It works the same against Stripe.js and the simulator's stand-in: it never asks which one it has.
(function () {
  'use strict';

  var configEl = document.getElementById('checkout-config');
  if (!configEl || typeof Stripe !== 'function') {
    return;
  }
  var config = JSON.parse(configEl.textContent);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : '';

  var form = document.getElementById('payment-form');
  var submitButton = document.getElementById('submit');
  var payAmount = document.getElementById('pay-amount');
  var errorBox = document.getElementById('error-message');
  var summary = document.getElementById('order-summary');
  var discountForm = document.getElementById('discount-form');
  var discountMessage = document.getElementById('discount-message');

  var messages = config.messages || {};
  // Stripe.js speaks the page's language: the Payment Element's labels and its card messages.
  var stripe = Stripe(config.publishableKey, { locale: config.locale || 'auto' });
  var elements = null;
  var amount = config.amount;
  var busy = false; // one confirm at a time: a double click never sends two
  var savedMethod = null; // the saved card picked in the Payment Element, if any

  // --- helpers ---------------------------------------------------------------------------------

  // t is the script's message id (js.*) in the page's language, its {{.Name}} placeholders filled from vars.
  function t(id, vars) {
    var text = messages[id] || id;
    return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, function (all, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : '';
    });
  }

  function showError(message) {
    errorBox.textContent = message || t('js.error_generic');
  }

  function clearErrors() {
    errorBox.textContent = '';
    form.querySelectorAll('[data-error-for]').forEach(function (p) {
      p.textContent = '';
      var field = p.closest('.field');
      if (field) field.classList.remove('field--invalid');
    });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (el) {
      el.removeAttribute('aria-invalid');
    });
  }

  function showFieldErrors(fields) {
    var first = null;
    Object.keys(fields || {}).forEach(function (name) {
      var p = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      var input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (p) {
        p.textContent = fields[name];
        var field = p.closest('.field');
        if (field) field.classList.add('field--invalid');
      }
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        if (!first) first = input;
      }
    });
    if (first) first.focus();
  }

  function setBusy(on) {
    busy = on;
    submitButton.disabled = on;
    submitButton.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function formatAmount(minor) {
    var zeroDecimal = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
    var value = zeroDecimal.indexOf(config.currency) >= 0 ? minor : minor / 100;
    try {
      return new Intl.NumberFormat(config.locale || undefined, { style: 'currency', currency: config.currency.toUpperCase() }).format(value);
    } catch (e) {
      return value.toFixed(2) + ' ' + config.currency.toUpperCase();
    }
  }

  async function postJSON(url, body, method) {
    var res = await fetch(url, {
      method: method || 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    var data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = { error: { message: t('js.error_unexpected_answer') } };
    }
    return { status: res.status, data: data || {} };
  }

  function value(name) {
    var el = form.elements.namedItem(name);
    return el ? el.value.trim() : '';
  }

  // --- Elements ---------------------------------------------------------------------------------

  async function customerSessionSecret() {
    if (!config.customerSession) return null;
    try {
      var res = await postJSON(config.customerSession);
      return res.status === 200 ? res.data.customer_session_client_secret || null : null;
    } catch (e) {
      return null; // checkout goes on without saved methods
    }
  }

  async function mountPaymentElement() {
    var options = {
      mode: 'payment',
      amount: amount,
      currency: config.currency,
      paymentMethodCreation: 'manual',
      appearance: {
        theme: 'stripe',
        variables: { colorPrimary: '#1f6b5a', borderRadius: '8px', fontFamily: 'system-ui, sans-serif' },
      },
    };
    var secret = await customerSessionSecret();
    if (secret) options.customerSessionClientSecret = secret;
    // The PaymentIntent is made later, on the server, with require_cvc_recollection (REQUIRE_CVC_RECOLLECTION):
    // Elements is told the same so that it asks for a saved card's CVC and puts it in the ConfirmationToken.
    if (config.requireCvcRecollection) {
      options.paymentMethodOptions = { card: { require_cvc_recollection: true } };
    }

    elements = stripe.elements(options);
    var paymentElement = elements.create('payment', {
      layout: { type: 'accordion', defaultCollapsed: false, radios: true, spacedAccordionItems: false },
    });
    paymentElement.on('ready', function () {
      submitButton.disabled = false;
    });
    paymentElement.on('change', function (event) {
      // A saved method picked in the element arrives as value.payment_method: say on the button which card
      // will be charged, so a returning shopper knows before paying.
      savedMethod = event.value && event.value.payment_method ? event.value.payment_method : null;
      showPayLabel();
      if (event.complete) errorBox.textContent = '';
    });
    paymentElement.mount('#payment-element');
  }

  // showPayLabel puts the amount on the pay button, and the saved card when one is picked.
  function showPayLabel() {
    var card = savedMethod && savedMethod.card;
    payAmount.textContent = formatAmount(amount) + (card ? ' ' + t('js.pay_with_card', { Brand: brandName(card.brand), Last4: card.last4 }) : '');
    submitButton.dataset.savedMethod = savedMethod ? savedMethod.id : '';
  }

  function brandName(brand) {
    var names = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };
    return names[brand] || t('js.card');
  }

  // --- discount codes ---------------------------------------------------------------------------

  function discountNote(text, isError) {
    discountMessage.textContent = text;
    discountMessage.className = isError ? 'field__error' : 'muted';
  }

  async function changeDiscount(method, code) {
    discountNote('', false);
    var res = await postJSON(config.discountUrl, method === 'DELETE' ? undefined : { code: code }, method);
    if (res.status !== 200) {
      discountNote((res.data.error && res.data.error.message) || t('js.discount_failed'), true);
      return;
    }
    amount = res.data.amount;
    if (elements) elements.update({ amount: amount });
    summary.innerHTML = res.data.summary_html;
    showPayLabel();
    discountNote(res.data.discount ? t('js.discount_applied', { Code: res.data.discount.code }) : t('js.discount_removed'), false);
    if (res.data.discount) discountForm.reset();
  }

  discountForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var code = discountForm.elements.namedItem('code').value.trim();
    if (!code) {
      discountNote(t('js.discount_missing'), true);
      return;
    }
    changeDiscount('POST', code);
  });

  summary.addEventListener('submit', function (event) {
    if (event.target.matches('[data-remove-discount]')) {
      event.preventDefault();
      changeDiscount('DELETE');
    }
  });

  // --- pay ----------------------------------------------------------------------------------------

  async function pay() {
    clearErrors();
    if (!form.reportValidity()) return;
    setBusy(true);
    var leaving = false;
    try {
      var submitted = await elements.submit(); // validates the card and collects wallets
      if (submitted.error) {
        showError(submitted.error.message);
        return;
      }
      var shipping = {
        name: value('shipping[name]'),
        address: {
          line1: value('shipping[address][line1]'),
          line2: value('shipping[address][line2]'),
          city: value('shipping[address][city]'),
          state: value('shipping[address][state]'),
          postal_code: value('shipping[address][postal_code]'),
          country: value('shipping[address][country]'),
        },
      };
      var created = await stripe.createConfirmationToken({
        elements: elements,
        params: { shipping: shipping, return_url: config.returnUrl },
      });
      if (created.error) {
        showError(created.error.message);
        return;
      }
      var res = await postJSON(config.confirmUrl, {
        confirmation_token_id: created.confirmationToken.id,
        email: value('email'),
        shipping: shipping,
        expected_amount: amount, // a precondition: the server charges only its own total
      });
      var data = res.data;
      if (res.status === 409 && data.error && data.error.code === 'amount_changed') {
        // The cart or a price changed since this page was drawn: show the new total and wait for Pay.
        amount = data.amount;
        elements.update({ amount: amount });
        if (data.summary_html) summary.innerHTML = data.summary_html;
        showPayLabel();
        showError(t('js.amount_changed', { Amount: formatAmount(amount) }));
        return;
      }
      if (data.error) {
        showFieldErrors(data.error.fields);
        showError(data.error.message);
        return;
      }
      if (data.status === 'requires_action') {
        var next = await stripe.handleNextAction({ clientSecret: data.client_secret });
        if (next.error) {
          showError(next.error.message);
          return;
        }
      }
      leaving = true; // stay disabled while the browser leaves
      window.location.assign(data.next_url);
    } catch (e) {
      showError(t('js.error_network'));
    } finally {
      if (!leaving) setBusy(false);
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    pay();
  });

  // --- an authentication left open ----------------------------------------------------------------
  // The page was reloaded (or reopened from the order page) while the order waits for the shopper's bank:
  // offer to finish that authentication on the same PaymentIntent; paying with the form below instead confirms
  // the same PaymentIntent with another method.
  if (config.pendingAction) {
    var notice = document.createElement('div');
    notice.className = 'flash flash--info';
    notice.setAttribute('role', 'status');
    notice.id = 'pending-action';
    var text = document.createElement('p');
    text.textContent = t('js.pending_action');
    var finish = document.createElement('button');
    finish.type = 'button';
    finish.className = 'btn btn--primary';
    finish.id = 'finish-authentication';
    finish.textContent = t('js.finish_authentication');
    finish.addEventListener('click', async function () {
      if (busy) return;
      setBusy(true);
      finish.disabled = true;
      var next = await stripe.handleNextAction({ clientSecret: config.pendingAction.clientSecret });
      if (next.error) {
        showError(next.error.message);
        setBusy(false);
        finish.disabled = false;
        return;
      }
      window.location.assign(config.pendingAction.nextUrl);
    });
    notice.appendChild(text);
    notice.appendChild(finish);
    form.parentNode.insertBefore(notice, form);
  }

  mountPaymentElement().catch(function () {
    showError(t('js.error_load'));
  });
})();
