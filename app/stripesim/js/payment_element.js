/* Stand-in Stripe.js, part 2 of 3: the Payment Element (card form, saved
 * cards of a CustomerSession, validation, change events). */

// ---------- Payment Element ----------

function PaymentElement(elements, options) {
  this._elements = elements;
  this._options = options || {};
  this._handlers = {};
  this._root = null;
  this._saved = [];
  this._session = null;
  this._selected = 'new';
  var layout = this._options.layout || {};
  this._collapsed = typeof layout === 'object' && !!layout.defaultCollapsed;
}

PaymentElement.prototype.on = function (type, handler) {
  (this._handlers[type] = this._handlers[type] || []).push(handler);
  return this;
};
PaymentElement.prototype.once = function (type, handler) {
  var self = this;
  function wrap(e) { self.off(type, wrap); handler(e); }
  return this.on(type, wrap);
};
PaymentElement.prototype.off = function (type, handler) {
  var list = this._handlers[type] || [];
  this._handlers[type] = handler ? list.filter(function (h) { return h !== handler; }) : [];
  return this;
};
PaymentElement.prototype._emit = function (type, event) {
  (this._handlers[type] || []).slice().forEach(function (h) {
    try { h(event); } catch (e) { setTimeout(function () { throw e; }); }
  });
};

PaymentElement.prototype.mount = function (target) {
  var node = typeof target === 'string' ? document.querySelector(target) : target;
  if (!node) throw new Error('IntegrationError: The selector you specified (' + target + ') applies to no DOM elements.');
  injectStyle();
  this._container = node;
  this._root = el('div', { className: 'sim-pe', 'data-sim-payment-element': '' });
  var appearance = this._elements._options.appearance;
  if (appearance && appearance.variables) {
    var v = appearance.variables;
    if (v.colorPrimary) this._root.style.setProperty('--sim-primary', v.colorPrimary);
    if (v.colorText) this._root.style.setProperty('--sim-text', v.colorText);
    if (v.colorBackground) this._root.style.setProperty('--sim-bg', v.colorBackground);
    if (v.borderRadius) this._root.style.setProperty('--sim-radius', v.borderRadius);
    if (v.fontFamily) this._root.style.setProperty('--sim-font', v.fontFamily);
  }
  this._syncAmount();
  node.innerHTML = '';
  node.appendChild(this._root);
  var self = this;
  var secret = this._elements._options.customerSessionClientSecret;
  var loaded = secret
    ? request('GET', '/elements/sessions', this._elements._stripe._pk, { customer_session_client_secret: secret })
    : Promise.resolve({ body: { customer: null } });
  loaded.then(function (res) {
    if (!self._root) return;
    var customer = res.body && res.body.customer;
    self._session = customer ? customer.customer_session : null;
    self._saved = customer ? customer.payment_methods : [];
    if (self._saved.length) self._selected = self._saved[0].id;
    self._render();
    self._emit('ready', { elementType: 'payment' });
    if (self._saved.length) self._changed();
  });
  return this;
};

PaymentElement.prototype._features = function () {
  var pe = this._session && this._session.components && this._session.components.payment_element;
  return (pe && pe.features) || {};
};

// _syncAmount shows the amount and currency Elements was given (and
// updated with); the token carries the currency, which the simulator
// checks against the PaymentIntent at confirm, as Stripe does.
PaymentElement.prototype._syncAmount = function () {
  if (!this._root) return;
  var o = this._elements._options;
  this._root.setAttribute('data-amount', String(o.amount));
  this._root.setAttribute('data-currency', String(o.currency || ''));
  if (this._amountNode) {
    this._amountNode.textContent = o.amount == null ? '' : t('sim.amount', { Amount: formatMoney(o.amount, o.currency) });
  }
  if (this._inputs && this._bankMethods().join() !== (this._renderedBanks || []).join()) {
    var kept = this._values();
    if (this._bankMethods().indexOf(this._selected) < 0 && (this._selected === 'ideal' || this._selected === 'sepa_debit')) {
      this._selected = 'new';
    }
    this._render();
    this._restore(kept);
  }
};

// _bankMethods are the non-card methods offered for the currency, as
// Stripe offers iDEAL and SEPA Debit for EUR only.
PaymentElement.prototype._bankMethods = function () {
  return String(this._elements._options.currency || '').toLowerCase() === 'eur' ? ['ideal', 'sepa_debit'] : [];
};

PaymentElement.prototype._render = function () {
  var self = this;
  var root = this._root;
  root.innerHTML = '';
  root.appendChild(el('div', { className: 'sim-pe-hint', role: 'note' }, [
    el('span', { text: t('sim.hint') })
  ]));
  this._amountNode = el('div', { className: 'sim-pe-amount', 'data-sim-amount': '' });
  root.appendChild(this._amountNode);
  var features = this._features();
  var hasSaved = this._saved.length > 0;
  var banks = this._bankMethods();
  this._renderedBanks = banks;
  var radios = hasSaved || banks.length > 0;

  this._saved.forEach(function (pm) {
    var card = pm.card || {};
    var label = t('sim.saved_card', { Brand: BRAND_NAMES[card.brand] || t('sim.card'), Last4: card.last4,
      Expiry: ('0' + card.exp_month).slice(-2) + '/' + String(card.exp_year).slice(-2) });
    var radio = el('input', { type: 'radio', name: 'sim-payment-choice', value: pm.id, 'aria-label': label });
    radio.checked = self._selected === pm.id;
    radio.addEventListener('change', function () { self._select(pm.id); });
    var head = el('label', { className: 'sim-pe-head' }, [radio, el('span', { className: 'sim-pe-cardicon' }),
      el('span', { className: 'sim-pe-title', text: label })]);
    var item = el('div', { className: 'sim-pe-item sim-pe-saved' + (radio.checked ? ' sim-selected' : ''), 'data-pm': pm.id }, [head]);
    if (features.payment_method_remove === 'enabled') {
      var rm = el('button', { type: 'button', className: 'sim-pe-remove', 'data-pm': pm.id, text: t('sim.remove'),
        'aria-label': t('sim.remove_label', { Card: label }) });
      rm.addEventListener('click', function (e) { e.preventDefault(); self._remove(pm.id); });
      head.appendChild(rm);
    }
    root.appendChild(item);
  });

  // The "Card" accordion item holding the new-card form.
  var newSelected = this._selected === 'new';
  var headChildren = [];
  var newRadio = null;
  if (radios) {
    newRadio = el('input', { type: 'radio', name: 'sim-payment-choice', value: 'new', 'aria-label': hasSaved ? t('sim.new_card') : t('sim.card') });
    newRadio.checked = newSelected;
    newRadio.addEventListener('change', function () { self._select('new'); });
    headChildren.push(newRadio);
  }
  headChildren.push(el('span', { className: 'sim-pe-cardicon' }));
  headChildren.push(el('span', { className: 'sim-pe-title', text: hasSaved ? t('sim.new_card') : t('sim.card') }));
  var head = el(radios ? 'label' : 'button', radios ? { className: 'sim-pe-head' }
    : { type: 'button', className: 'sim-pe-head', 'aria-expanded': String(!this._collapsed) }, headChildren);
  var expanded = radios ? newSelected : !this._collapsed;
  var body = el('div', { className: 'sim-pe-body' });
  body.hidden = !expanded;
  if (!radios) {
    head.addEventListener('click', function () {
      self._collapsed = !self._collapsed;
      body.hidden = self._collapsed;
      head.setAttribute('aria-expanded', String(!self._collapsed));
      self._changed();
    });
  }

  function field(id, name, labelText, attrs) {
    var input = el('input', Object.assign({ id: id, name: name, className: 'sim-pe-input', type: 'text',
      spellcheck: 'false' }, attrs));
    input.addEventListener('input', function () { self._onInput(input); });
    input.addEventListener('focus', function () { self._emit('focus', { elementType: 'payment' }); });
    input.addEventListener('blur', function () { self._emit('blur', { elementType: 'payment' }); });
    return [el('label', { className: 'sim-pe-label', for: id, text: labelText }), input];
  }
  var num = field('sim-cardnumber', 'cardnumber', t('sim.card_number'),
    { autocomplete: 'cc-number', inputmode: 'numeric', placeholder: '1234 1234 1234 1234', maxlength: '23' });
  var exp = field('sim-exp-date', 'exp-date', t('sim.expiry'),
    { autocomplete: 'cc-exp', inputmode: 'numeric', placeholder: t('sim.expiry_placeholder'), maxlength: '7' });
  var cvc = field('sim-cvc', 'cvc', t('sim.cvc'),
    { autocomplete: 'cc-csc', inputmode: 'numeric', placeholder: t('sim.cvc_placeholder'), maxlength: '4' });
  var zip = field('sim-postal', 'postal', t('sim.postal_code'),
    { autocomplete: 'postal-code', placeholder: '12345', maxlength: '10' });
  this._inputs = { number: num[1], exp: exp[1], cvc: cvc[1], postal: zip[1] };
  body.appendChild(num[0]); body.appendChild(num[1]);
  body.appendChild(el('div', { className: 'sim-pe-row' }, [
    el('div', {}, exp), el('div', {}, cvc)
  ]));
  body.appendChild(zip[0]); body.appendChild(zip[1]);
  this._saveBox = null;
  if (features.payment_method_save === 'enabled') {
    this._saveBox = el('input', { type: 'checkbox', id: 'sim-save', name: 'save' });
    this._saveBox.addEventListener('change', function () { self._changed(); });
    body.appendChild(el('div', { className: 'sim-pe-save' }, [this._saveBox,
      el('label', { for: 'sim-save', text: t('sim.save') })]));
  }
  this._errorNode = el('div', { className: 'sim-pe-error', role: 'alert', 'aria-live': 'polite' });
  body.appendChild(this._errorNode);
  root.appendChild(el('div', { className: 'sim-pe-item sim-pe-new' + (newSelected ? ' sim-selected' : '') },
    [head, body]));
  banks.forEach(function (type) { root.appendChild(self._bankItem(type, field)); });
  this._syncAmount();
};

// _bankItem renders the accordion item of iDEAL (a bank redirect) or SEPA
// Debit (a delayed-notification method) with the fields Stripe collects.
PaymentElement.prototype._bankItem = function (type, field) {
  var self = this;
  var selected = this._selected === type;
  var title = type === 'ideal' ? 'iDEAL' : 'SEPA Debit';
  var radio = el('input', { type: 'radio', name: 'sim-payment-choice', value: type, 'aria-label': title });
  radio.checked = selected;
  radio.addEventListener('change', function () { self._select(type); });
  var head = el('label', { className: 'sim-pe-head' }, [radio, el('span', { className: 'sim-pe-cardicon' }),
    el('span', { className: 'sim-pe-title', text: title })]);
  var body = el('div', { className: 'sim-pe-body' });
  body.hidden = !selected;
  if (type === 'ideal') {
    var bank = el('select', { id: 'sim-ideal-bank', name: 'ideal-bank', className: 'sim-pe-input' },
      ['', 'abn_amro', 'asn_bank', 'ing', 'rabobank', 'sns_bank'].map(function (b) {
        return el('option', { value: b, text: b ? b.replace('_', ' ').toUpperCase() : 'Select bank' });
      }));
    bank.addEventListener('change', function () { self._changed(); });
    this._inputs.idealBank = bank;
    body.appendChild(el('label', { className: 'sim-pe-label', for: 'sim-ideal-bank', text: 'iDEAL bank' }));
    body.appendChild(bank);
    body.appendChild(el('p', { className: 'sim-pe-note', text: 'You will be redirected to your bank to authorize the payment.' }));
  } else {
    var name = field('sim-sepa-name', 'sepa-name', 'Full name', { autocomplete: 'name' });
    var email = field('sim-sepa-email', 'sepa-email', 'Email', { autocomplete: 'email', type: 'email' });
    var iban = field('sim-sepa-iban', 'iban', 'IBAN', { placeholder: 'DE00 0000 0000 0000 0000 00', maxlength: '42' });
    this._inputs.sepaName = name[1]; this._inputs.sepaEmail = email[1]; this._inputs.iban = iban[1];
    [name, email, iban].forEach(function (f) { body.appendChild(f[0]); body.appendChild(f[1]); });
    body.appendChild(el('p', { className: 'sim-pe-note', text: 'By providing your IBAN you authorise the merchant to debit your account (SEPA mandate). The payment is confirmed a few days later.' }));
  }
  return el('div', { className: 'sim-pe-item sim-pe-' + type + (selected ? ' sim-selected' : ''), 'data-method': type },
    [head, body]);
};

// _method is the type chosen in the element: card, ideal or sepa_debit.
PaymentElement.prototype._method = function () {
  return this._selected === 'ideal' || this._selected === 'sepa_debit' ? this._selected : 'card';
};

PaymentElement.prototype._select = function (choice) {
  var values = this._inputs ? this._values() : null;
  this._selected = choice;
  this._render();
  if (values) this._restore(values);
  this._changed();
};

PaymentElement.prototype._values = function () {
  var i = this._inputs;
  return { number: i.number.value, exp: i.exp.value, cvc: i.cvc.value,
    postal: i.postal.value, save: this._saveBox ? this._saveBox.checked : false,
    idealBank: i.idealBank ? i.idealBank.value : '', sepaName: i.sepaName ? i.sepaName.value : '',
    sepaEmail: i.sepaEmail ? i.sepaEmail.value : '', iban: i.iban ? i.iban.value : '' };
};

PaymentElement.prototype._restore = function (v) {
  this._inputs.number.value = v.number; this._inputs.exp.value = v.exp;
  this._inputs.cvc.value = v.cvc; this._inputs.postal.value = v.postal;
  if (this._saveBox) this._saveBox.checked = v.save;
  var i = this._inputs;
  if (i.idealBank) i.idealBank.value = v.idealBank || '';
  if (i.sepaName) { i.sepaName.value = v.sepaName || ''; i.sepaEmail.value = v.sepaEmail || ''; i.iban.value = v.iban || ''; }
};

PaymentElement.prototype._remove = function (pmID) {
  var self = this;
  var secret = this._elements._options.customerSessionClientSecret;
  request('POST', '/elements/payment_methods/' + encodeURIComponent(pmID) + '/detach',
    this._elements._stripe._pk, { customer_session_client_secret: secret }).then(function (res) {
    if (res.error) { self._showError(res.error.message); return; }
    var values = self._values();
    self._saved = self._saved.filter(function (pm) { return pm.id !== pmID; });
    if (self._selected === pmID) self._selected = self._saved.length ? self._saved[0].id : 'new';
    self._render();
    self._restore(values);
    self._changed();
  });
};

PaymentElement.prototype._onInput = function (input) {
  if (input === this._inputs.number) {
    input.value = formatNumber(digits(input.value));
  } else if (input === this._inputs.exp) {
    var d = digits(input.value).slice(0, 4);
    if (d.length === 1 && d > '1') d = '0' + d;
    input.value = d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2) : d;
  } else if (input === this._inputs.cvc) {
    input.value = digits(input.value).slice(0, 4);
  }
  input.removeAttribute('aria-invalid');
  this._showError('');
  this._elements._submitted = false;
  this._changed();
};

PaymentElement.prototype._showError = function (msg) {
  if (this._errorNode) this._errorNode.textContent = msg || '';
};

PaymentElement.prototype._savedPM = function () {
  var id = this._selected;
  return this._saved.filter(function (pm) { return pm.id === id; })[0] || null;
};

// _validate checks the form like Stripe.js; null when complete.
PaymentElement.prototype._validate = function () {
  if (this._savedPM()) return null;
  var method = this._method();
  if (method === 'ideal') {
    return this._inputs.idealBank.value ? null : validationError('incomplete', 'Select your bank.');
  }
  if (method === 'sepa_debit') {
    if (!this._inputs.sepaName.value.trim()) return this._fail('sepaName', validationError('incomplete_name', 'Your name is incomplete.'));
    if (!/.+@.+/.test(this._inputs.sepaEmail.value)) return this._fail('sepaEmail', validationError('incomplete_email', 'Your email address is incomplete.'));
    if (this._inputs.iban.value.replace(/\s/g, '').length < 15) return this._fail('iban', validationError('incomplete_iban', 'Your IBAN is incomplete.'));
    return null;
  }
  if (!this._inputs) return validationError('incomplete_number', 'Your card number is incomplete.');
  var num = digits(this._inputs.number.value);
  var want = brandOf(num) === 'amex' ? 15 : 16;
  if (num.length < want && !(num.length >= 14 && luhn(num) && brandOf(num) === 'unknown')) {
    return this._fail('number', validationError('incomplete_number', 'Your card number is incomplete.'));
  }
  if (!luhn(num)) return this._fail('number', validationError('invalid_number', 'Your card number is invalid.'));
  var exp = digits(this._inputs.exp.value);
  if (exp.length < 4) {
    return this._fail('exp', validationError('incomplete_expiry', "Your card's expiration date is incomplete."));
  }
  var month = +exp.slice(0, 2), year = 2000 + (+exp.slice(2, 4));
  var now = new Date();
  if (month < 1 || month > 12) {
    return this._fail('exp', validationError('invalid_expiry_month', "Your card's expiration date is invalid."));
  }
  if (year < now.getFullYear()) {
    return this._fail('exp', validationError('invalid_expiry_year_past', "Your card's expiration year is in the past."));
  }
  if (year === now.getFullYear() && month < now.getMonth() + 1) {
    return this._fail('exp', validationError('invalid_expiry_month_past', "Your card's expiration date is in the past."));
  }
  var cvc = digits(this._inputs.cvc.value);
  if (cvc.length < (brandOf(num) === 'amex' ? 4 : 3)) {
    return this._fail('cvc', validationError('incomplete_cvc', "Your card's security code is incomplete."));
  }
  if (!this._inputs.postal.value.trim()) {
    return this._fail('postal', validationError('incomplete_zip', 'Your postal code is incomplete.'));
  }
  return null;
};

PaymentElement.prototype._fail = function (field, err) {
  if (this._inputs && this._inputs[field]) this._inputs[field].setAttribute('aria-invalid', 'true');
  return err;
};

PaymentElement.prototype._changed = function () {
  var saved = this._savedPM();
  var empty = !saved && (!this._inputs || ['number', 'exp', 'cvc', 'postal'].every(function (k) {
    return !this._inputs[k].value;
  }, this));
  var complete = !!saved || (!!this._inputs && (!this._collapsed || this._method() !== 'card') && quietValid(this));
  var value = { type: saved ? 'card' : this._method() };
  if (saved) {
    value.payment_method = { id: saved.id, type: saved.type, card: saved.card, billing_details: saved.billing_details };
  } else if (this._saveBox) {
    value.savePaymentMethod = this._saveBox.checked;
  }
  this._emit('change', { elementType: 'payment', complete: complete, empty: empty,
    collapsed: !!this._collapsed && !saved, value: value });
};

function quietValid(pe) {
  var err = pe._validate();
  ['number', 'exp', 'cvc', 'postal', 'sepaName', 'sepaEmail', 'iban'].forEach(function (k) {
    if (pe._inputs[k]) pe._inputs[k].removeAttribute('aria-invalid');
  });
  return !err;
}

PaymentElement.prototype.update = function (opts) {
  if (opts && opts.layout && typeof opts.layout === 'object' && 'defaultCollapsed' in opts.layout) {
    this._collapsed = !!opts.layout.defaultCollapsed;
  }
  return this;
};
PaymentElement.prototype.collapse = function () {
  this._collapsed = true;
  if (this._root && this._inputs && !this._saved.length) {
    var kept = this._values();
    this._render();
    this._restore(kept);
  }
  return this;
};
PaymentElement.prototype.focus = function () { if (this._inputs) this._inputs.number.focus(); return this; };
PaymentElement.prototype.blur = function () { if (this._inputs) this._inputs.number.blur(); return this; };
PaymentElement.prototype.clear = function () {
  if (this._inputs) ['number', 'exp', 'cvc', 'postal'].forEach(function (k) { this._inputs[k].value = ''; }, this);
  this._changed();
  return this;
};
PaymentElement.prototype.unmount = function () {
  if (this._container) this._container.innerHTML = '';
  this._root = null; this._inputs = null;
  return this;
};
PaymentElement.prototype.destroy = function () {
  this.unmount();
  this._handlers = {};
  this._elements._payment = null;
};

