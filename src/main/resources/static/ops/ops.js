// The operations console: plain JavaScript, no build step. It calls the hub's API with the operator's
// HTTP Basic credentials, kept in this tab's sessionStorage only. Every value from the API is put on the
// page as text (never as HTML), so nothing a client sent can run here.
'use strict';

const state = { auth: sessionStorage.getItem('hubAuth'), user: sessionStorage.getItem('hubUser'), cursors: {} };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const status = (s) => el('span', { class: 'status ' + (s || '') }, s || '');
const when = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '');
const money = (a) => (a && a.value ? a.value + ' ' + a.currency : '');

function notice(text) {
  $('notice').textContent = text;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { $('notice').textContent = ''; }, 4000);
}

async function api(method, path, body) {
  const headers = { Authorization: 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (res.status === 401) { signOut('Your credentials were refused; sign in again.'); throw new Error('unauthorized'); }
  if (!res.ok) {
    const problem = json || {};
    const details = (problem.errors || []).map((e) => e.field + ': ' + e.message).join('; ');
    throw new Error((problem.detail || problem.title || ('HTTP ' + res.status)) + (details ? ' (' + details + ')' : ''));
  }
  return json;
}

// ------------------------------------------------------------------ sign in / out

async function signIn(event) {
  event.preventDefault();
  const user = $('username').value.trim();
  state.auth = btoa(unescape(encodeURIComponent(user + ':' + $('password').value)));
  state.user = user;
  $('sign-in-error').textContent = '';
  try {
    const res = await fetch('/api/v1/ops/summary', { headers: { Authorization: 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' }, credentials: 'omit' });
    if (res.status === 401) throw new Error('Wrong operator name or secret.');
    if (res.status === 403) throw new Error('These are a client\'s credentials; the console is for operators.');
    if (!res.ok) throw new Error('The hub answered HTTP ' + res.status + '.');
  } catch (e) {
    state.auth = null;
    $('sign-in-error').textContent = e.message;
    return;
  }
  sessionStorage.setItem('hubAuth', state.auth);
  sessionStorage.setItem('hubUser', user);
  $('password').value = '';
  show();
}

function signOut(message) {
  state.auth = null;
  sessionStorage.removeItem('hubAuth');
  sessionStorage.removeItem('hubUser');
  $('console').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = typeof message === 'string' ? message : '';
}

function show() {
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = state.user;
  refreshFigures();
  loadReview(false);
}

// ------------------------------------------------------------------ figures and provider health

async function refreshFigures() {
  const s = await api('GET', '/api/v1/ops/summary');
  const figures = $('figures');
  figures.replaceChildren();
  const fig = (label, n, alert, onclick) => el('div', { class: 'figure' + (alert && n > 0 ? ' alert' : ''), id: 'figure-' + label.replace(/\W+/g, '-').toLowerCase(), onclick },
    el('b', {}, n), el('span', {}, label));
  figures.append(fig('Needs review', s.needsReview, true, () => tab('review')));
  figures.append(fig('Dead callbacks', s.callbacks.DEAD, true, () => tab('callbacks')));
  figures.append(fig('Callback backlog', s.callbacks.PENDING));
  for (const st of ['PENDING', 'SUCCEEDED', 'FAILED', 'REVERSED']) figures.append(fig(st.toLowerCase(), s.payments.byStatus[st]));
  figures.append(fig('All payments', s.payments.total));
  const rows = s.providers.map((p) => el('tr', {},
    el('td', {}, p.provider), el('td', {}, status(p.circuit)),
    el('td', {}, p.failureRate === null ? 'not enough calls' : p.failureRate.toFixed(1) + ' %'),
    el('td', {}, p.recentFailures + ' of ' + p.recentCalls), el('td', {}, p.notPermittedCalls),
    el('td', {}, p.queued + (p.held > 0 ? ' (and ' + p.held + ' held)' : ''))));
  $('providers').replaceChildren(el('h2', {}, 'Providers'),
    el('table', { class: 'list', id: 'providers-table' },
      el('tr', {}, el('th', {}, 'provider'), el('th', {}, 'circuit'), el('th', {}, 'recent failure rate'),
        el('th', {}, 'recent failures'), el('th', {}, 'calls refused while open'), el('th', {}, 'waiting on this hub')), rows));
}

// ------------------------------------------------------------------ payment lists

function paymentRows(table, payments, append) {
  if (!append) {
    table.replaceChildren(el('tr', {}, ['created', 'payment', 'client', 'operation', 'provider', 'amount', 'status', 'reason']
      .map((h) => el('th', {}, h))));
  }
  if (!append && payments.length === 0) table.append(el('tr', {}, el('td', { class: 'empty', colspan: 8 }, 'Nothing here.')));
  for (const p of payments) {
    table.append(el('tr', { class: 'clickable payment-row', 'data-payment-id': p.paymentId, onclick: () => openPayment(p.paymentId) },
      el('td', {}, when(p.createdAt)), el('td', { class: 'mono' }, p.paymentId.slice(0, 8), el('br'), p.messageId),
      el('td', {}, p.clientId || ''), el('td', {}, p.operation), el('td', {}, p.provider), el('td', {}, money(p.amount)),
      el('td', {}, status(p.status)), el('td', {}, p.reasonCode ? p.reasonCode + ': ' : '', p.statusReason || '')));
  }
}

async function loadList(name, query, append) {
  const q = new URLSearchParams(query);
  q.set('limit', '25');
  if (append && state.cursors[name]) q.set('cursor', state.cursors[name]);
  const page = await api('GET', '/api/v1/payments?' + q);
  paymentRows($(name + '-table'), page.payments, append);
  state.cursors[name] = page.nextCursor;
  $(name + '-more').hidden = !page.nextCursor;
}

const loadReview = (append) => loadList('review', { status: 'NEEDS_REVIEW' }, append);

function searchQuery() {
  const form = new FormData($('search-form'));
  const q = {};
  for (const [k, v] of form.entries()) if (String(v).trim()) q[k] = String(v).trim();
  return q;
}

async function search(event, append) {
  if (event) event.preventDefault();
  $('search-error').textContent = '';
  try {
    await loadList('search', searchQuery(), append);
  } catch (e) {
    $('search-error').textContent = e.message;
  }
}

// ------------------------------------------------------------------ dead callbacks

async function loadCallbacks(append) {
  const q = new URLSearchParams({ status: 'DEAD', limit: '25' });
  if (append && state.cursors.callbacks) q.set('cursor', state.cursors.callbacks);
  const page = await api('GET', '/api/v1/callbacks?' + q);
  const table = $('callbacks-table');
  if (!append) {
    table.replaceChildren(el('tr', {}, ['created', 'payment', 'client', 'event status', 'attempts', 'last answer', 'url', '']
      .map((h) => el('th', {}, h))));
    if (page.callbacks.length === 0) table.append(el('tr', {}, el('td', { class: 'empty', colspan: 8 }, 'No dead callbacks.')));
  }
  for (const c of page.callbacks) {
    table.append(el('tr', { class: 'callback-row', 'data-event-id': c.eventId },
      el('td', {}, when(c.createdAt)),
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => openPayment(c.paymentId) }, c.paymentId.slice(0, 8))),
      el('td', {}, c.clientId), el('td', {}, status(c.paymentStatus)), el('td', {}, c.attempts),
      el('td', {}, c.lastStatusCode ? 'HTTP ' + c.lastStatusCode : (c.lastError || '')), el('td', { class: 'mono' }, c.url),
      el('td', {}, redeliverButton(c.paymentId, c.eventId, c.paymentStatus))));
  }
  state.cursors.callbacks = page.nextCursor;
  $('callbacks-more').hidden = !page.nextCursor;
}

function redeliverButton(paymentId, eventId, eventStatus) {
  return el('button', { type: 'button', class: 'small redeliver', onclick: async (e) => {
    const button = e.target;
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Confirm redelivery';
      return;
    }
    button.disabled = true;
    try {
      await api('POST', '/api/v1/payments/' + encodeURIComponent(paymentId) + '/events/' + encodeURIComponent(eventId) + '/redeliver');
      button.textContent = 'Queued';
      notice('Callback ' + eventId.slice(0, 8) + ' (' + eventStatus + ') queued again, marked as a redelivery.');
      refreshFigures();
    } catch (err) {
      button.disabled = false;
      notice(err.message);
    }
  } }, 'Redeliver');
}

// ------------------------------------------------------------------ one payment

async function openPayment(id) {
  const [p, t] = await Promise.all([api('GET', '/api/v1/payments/' + encodeURIComponent(id)),
    api('GET', '/api/v1/payments/' + encodeURIComponent(id) + '/events')]);
  state.payment = p;
  $('payment').hidden = false;
  $('payment-id').textContent = p.paymentId;
  const rows = [['status', status(p.status)], ['reason', (p.reasonCode ? p.reasonCode + ': ' : '') + (p.statusReason || '')],
    ['message id', p.messageId], ['client', p.clientId || ''], ['operation', p.operation], ['provider', p.provider],
    ['amount', money(p.amount)], ['our reference', p.providerReference], ['created', when(p.createdAt)], ['updated', when(p.updatedAt)]];
  if (p.result) rows.push(['result', el('pre', {}, JSON.stringify(p.result, null, 1))]);
  $('payment-view').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-field': k }, v)]));
  $('resolve').hidden = p.status !== 'NEEDS_REVIEW';
  $('resolve-confirm').hidden = true;
  $('resolve-error').textContent = '';
  $('resolve-reason').value = '';
  const timeline = $('timeline');
  timeline.replaceChildren(el('tr', {}, ['#', 'at', 'what', 'by', 'status', 'detail'].map((h) => el('th', {}, h))));
  for (const e of t.events) {
    timeline.append(el('tr', { class: 'event-row' }, el('td', {}, e.sequence), el('td', {}, when(e.at)), el('td', {}, e.type),
      el('td', {}, e.actor || ''), el('td', {}, e.statusTo ? [status(e.statusFrom), ' → ', status(e.statusTo)] : ''),
      el('td', {}, e.detail ? el('pre', {}, JSON.stringify(e.detail, null, 1)) : '')));
  }
  const callbacks = $('payment-callbacks');
  callbacks.replaceChildren(el('tr', {}, ['event', 'status', 'attempts', 'last answer', ''].map((h) => el('th', {}, h))));
  if (t.callbacks.length === 0) callbacks.append(el('tr', {}, el('td', { class: 'empty', colspan: 5 }, 'No callbacks.')));
  for (const c of t.callbacks) {
    callbacks.append(el('tr', {}, el('td', { class: 'mono' }, c.eventId), el('td', {}, status(c.status)), el('td', {}, c.attempts),
      el('td', {}, c.lastStatusCode ? 'HTTP ' + c.lastStatusCode : (c.lastError || '')),
      el('td', {}, c.status === 'PENDING' ? '' : redeliverButton(p.paymentId, c.eventId, c.status))));
  }
  $('payment').scrollIntoView({ block: 'start' });
}

function askResolve(event) {
  event.preventDefault();
  const reason = $('resolve-reason').value.trim();
  if (!reason) { $('resolve-error').textContent = 'Say what the provider confirmed.'; return; }
  $('resolve-confirm-text').textContent = 'Mark payment ' + state.payment.paymentId + ' ' + $('resolve-status').value
    + '? The client is called back and this cannot be undone.';
  $('resolve-confirm').hidden = false;
}

async function resolve() {
  $('resolve-yes').disabled = true;
  try {
    const p = await api('POST', '/api/v1/payments/' + encodeURIComponent(state.payment.paymentId) + '/resolution',
      { status: $('resolve-status').value, reason: $('resolve-reason').value.trim() });
    notice('Payment ' + p.paymentId.slice(0, 8) + ' is now ' + p.status + '.');
    await openPayment(p.paymentId);
    refreshFigures();
    loadReview(false);
  } catch (e) {
    $('resolve-error').textContent = e.message;
  } finally {
    $('resolve-yes').disabled = false;
  }
}

// ------------------------------------------------------------------ tabs and wiring

function tab(name) {
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of ['review', 'search', 'callbacks']) $('tab-' + t).hidden = t !== name;
  if (name === 'review') loadReview(false);
  if (name === 'callbacks') loadCallbacks(false);
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
  $('review-refresh').addEventListener('click', () => { loadReview(false); refreshFigures(); });
  $('review-more').addEventListener('click', () => loadReview(true));
  $('search-form').addEventListener('submit', (e) => search(e, false));
  $('search-more').addEventListener('click', () => search(null, true));
  $('callbacks-refresh').addEventListener('click', () => { loadCallbacks(false); refreshFigures(); });
  $('callbacks-more').addEventListener('click', () => loadCallbacks(true));
  $('payment-close').addEventListener('click', () => { $('payment').hidden = true; });
  $('resolve-form').addEventListener('submit', askResolve);
  $('resolve-yes').addEventListener('click', resolve);
  $('resolve-no').addEventListener('click', () => { $('resolve-confirm').hidden = true; });
  if (state.auth) show();
});
