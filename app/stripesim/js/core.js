/* Stand-in Stripe.js, part 1 of 3: API base, HTTP and DOM helpers, styles.
 * js.go serves core.js, payment_element.js and stripe.js as one script inside
 * one function scope, so these declarations stay private. */

var script = document.currentScript;
var BASE = script && script.src
  ? script.src.replace(/\/js\/v3\/stripe\.js(\?.*)?$/, '')
  : '/__stripe';
var API = BASE + '/v1';

// LOCALE is the language of Stripe(pk, {locale}) ('auto': the browser's), one of SIM_MESSAGES' (js.go serves
// every locale's sim.* messages before this file); the stand-in speaks it and asks the API in it
// (Accept-Language), as Stripe.js does.
var LOCALE = 'en';

function setLocale(locale) {
  var want = !locale || locale === 'auto' ? (navigator.language || 'en') : String(locale);
  var base = want.toLowerCase().split(/[-_]/)[0];
  LOCALE = SIM_MESSAGES[base] ? base : 'en';
}

// t is a sim.* message in LOCALE with its {{.Name}} placeholders filled from vars; fallback (or the id) when
// the catalog has no such message.
function t(id, vars, fallback) {
  var text = (SIM_MESSAGES[LOCALE] || {})[id] || SIM_MESSAGES.en[id];
  if (!text) return fallback || id;
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, function (all, name) {
    return vars && vars[name] !== undefined ? String(vars[name]) : '';
  });
}


// ---------- helpers ----------

// flatten turns {a:{b:1}, c:[x]} into [['a[b]','1'], ['c[0]','x']].
function flatten(obj, prefix, out) {
  out = out || [];
  Object.keys(obj || {}).forEach(function (k) {
    var v = obj[k];
    var key = prefix ? prefix + '[' + k + ']' : k;
    if (v === undefined || v === null) return;
    if (typeof v === 'object') flatten(v, key, out);
    else out.push([key, String(v)]);
  });
  return out;
}

function encode(obj) {
  return flatten(obj).map(function (p) {
    return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]);
  }).join('&');
}

// request calls the simulator and resolves {body} or {error}.
function request(method, path, key, params) {
  var url = API + path;
  var init = {
    method: method,
    headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/x-www-form-urlencoded',
      'Accept-Language': LOCALE }
  };
  if (method === 'GET') {
    var q = encode(params);
    if (q) url += '?' + q;
  } else {
    init.body = encode(params);
  }
  return fetch(url, init).then(function (res) {
    return res.json().then(function (body) {
      if (!res.ok) return { error: body.error || { type: 'api_error', message: 'Request failed' } };
      return { body: body };
    });
  }).catch(function (err) {
    return { error: { type: 'api_connection_error', message: t('sim.unreachable', { Error: err.message }) } };
  });
}

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === 'text') node.textContent = attrs[k];
    else if (k === 'className') node.className = attrs[k];
    else node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { if (c) node.appendChild(c); });
  return node;
}

function digits(s) { return String(s || '').replace(/\D/g, ''); }

function luhn(num) {
  var sum = 0, dbl = false;
  for (var i = num.length - 1; i >= 0; i--) {
    var d = +num[i];
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d; dbl = !dbl;
  }
  return sum % 10 === 0;
}

function brandOf(num) {
  if (/^4/.test(num)) return 'visa';
  if (/^3[47]/.test(num)) return 'amex';
  if (/^(5[1-5]|2[2-7])/.test(num)) return 'mastercard';
  if (/^(6011|65|64[4-9])/.test(num)) return 'discover';
  return 'unknown';
}

var BRAND_NAMES = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', unknown: 'Card' };

function formatNumber(num) {
  if (brandOf(num) === 'amex') {
    return [num.slice(0, 4), num.slice(4, 10), num.slice(10, 15)].filter(Boolean).join(' ');
  }
  return num.slice(0, 19).replace(/(\d{4})(?=\d)/g, '$1 ');
}

function formatMoney(amount, currency) {
  try {
    return new Intl.NumberFormat(LOCALE, { style: 'currency', currency: (currency || 'usd').toUpperCase() })
      .format(amount / 100);
  } catch (e) {
    return (amount / 100).toFixed(2) + ' ' + String(currency || '').toUpperCase();
  }
}

// validationError is a form error in LOCALE (sim.validation.<code>), message where the catalog has none.
function validationError(code, message) {
  return { type: 'validation_error', code: code, message: t('sim.validation.' + code, null, message) };
}



// injectStyle links the stylesheet served beside this script (a <link>,
// not inline <style>, so a page's Content-Security-Policy can allow it).
function injectStyle() {
  if (document.getElementById('sim-stripe-style')) return;
  document.head.appendChild(el('link', { id: 'sim-stripe-style', rel: 'stylesheet', href: BASE + '/js/v3/stripe.css' }));
}

