// The operations console: plain JavaScript, no build step; charts by uPlot (lib/uplot/, served from its
// webjar in the hub's jar). It calls the hub's API with the operator's HTTP Basic credentials, kept in this
// tab's sessionStorage only. Every value from the API is put on the page as text (never as HTML), so nothing
// a client or a provider sent can run here.
'use strict';

const state = { auth: sessionStorage.getItem('hubAuth'), user: sessionStorage.getItem('hubUser'), cursors: {}, charts: [] };
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
const short = (id) => (id ? String(id).slice(0, 8) : '');
const json = (v) => JSON.stringify(v, null, 1);

// a table: its header row, then one row per item (or a row saying there is none)
function fill(table, headers, rows, emptyText) {
  table.replaceChildren(el('tr', {}, headers.map((h) => el('th', {}, h))));
  if (rows.length === 0) table.append(el('tr', {}, el('td', { class: 'empty', colspan: headers.length }, emptyText)));
  for (const r of rows) table.append(r);
}

// what a JSON value is, one click away: a disclosure with the document inside
function jsonToggle(value, label) {
  return el('details', { class: 'json' }, el('summary', {}, label || 'JSON'), el('pre', {}, json(value)));
}

// an action started by a click: what goes wrong is said in the notice, never lost in the console
const safely = (action, ...args) => action(...args).catch((e) => notice(e.message, true));

function notice(text, error) {
  $('notice').textContent = text;
  $('notice').classList.toggle('error-notice', !!error);
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { $('notice').textContent = ''; }, error ? 15000 : 4000);
}

async function call(method, path, body, accept) {
  const headers = { Authorization: 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest', Accept: accept || 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) { signOut('Your credentials were refused; sign in again.'); throw new Error('unauthorized'); }
  return res;
}

async function api(method, path, body) {
  const res = await call(method, path, body);
  const text = await res.text();
  let doc = null;
  try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = null; }
  if (!res.ok) {
    const problem = doc || {};
    const details = (problem.errors || []).map((e) => e.field + ': ' + e.message).join('; ');
    throw new Error((problem.detail || problem.title || ('HTTP ' + res.status)) + (details ? ' (' + details + ')' : ''));
  }
  return doc;
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
  tab(location.hash.slice(1) || 'overview');
}

// ------------------------------------------------------------------ figures and provider health

async function refreshFigures() {
  const s = await api('GET', '/api/v1/ops/summary');
  const fig = (label, n, alert, onclick) => el('div', { class: 'figure' + (alert && n > 0 ? ' alert' : '') + (onclick ? ' clickable' : ''),
    id: 'figure-' + label.replace(/\W+/g, '-').toLowerCase(), onclick }, el('b', {}, n), el('span', {}, label));
  const figures = [fig('Needs review', s.needsReview, true, () => tab('review')),
    fig('Dead callbacks', s.callbacks.DEAD, true, () => tab('callbacks')), fig('Callback backlog', s.callbacks.PENDING)];
  for (const st of ['PENDING', 'SUCCEEDED', 'FAILED', 'REVERSED']) figures.push(fig(st.toLowerCase(), s.payments.byStatus[st]));
  figures.push(fig('All payments', s.payments.total));
  $('figures').replaceChildren(...figures);
  fill($('providers-table'), ['provider', 'circuit', 'recent failure rate', 'recent failures', 'calls refused while open', 'waiting on this hub'],
    s.providers.map((p) => el('tr', {},
      el('td', {}, p.provider), el('td', {}, status(p.circuit)),
      el('td', {}, p.failureRate === null ? 'not enough calls yet' : p.failureRate.toFixed(1) + ' %'),
      el('td', {}, p.recentFailures + ' of ' + p.recentCalls), el('td', {}, p.notPermittedCalls),
      el('td', {}, p.queued + (p.held > 0 ? ' (and ' + p.held + ' held)' : '')))), 'No provider is enabled.');
}

// ------------------------------------------------------------------ charts (GET /api/v1/ops/stats)

const PALETTE = ['#1f6feb', '#2e7d32', '#b26a00', '#6a3db8', '#c62828', '#00838f', '#5d6b7e'];

async function loadStats() {
  const [span, bucket] = $('stats-period').value.split('/');
  const hours = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 }[span];
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600 * 1000);
  const q = new URLSearchParams({ bucket, from: from.toISOString(), to: to.toISOString() });
  const stats = await api('GET', '/api/v1/ops/stats?' + q);
  drawCharts(stats);
}

function drawCharts(stats) {
  for (const c of state.charts) c.destroy();
  state.charts = [];
  const providers = Object.keys(stats.providers);
  $('stats-empty').hidden = providers.length > 0;
  const xs = stats.buckets.map((b) => Date.parse(b) / 1000);
  const chart = (id, column, unit, range) => {
    const target = $(id);
    target.replaceChildren();
    target.dataset.providers = providers.join(',');
    const series = [{}].concat(providers.map((p, i) => ({
      label: p, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: column !== 'payments',
      // a rate or a time exists only where payments were: each one a point, however few; counts a line
      points: { show: column !== 'payments' || xs.length < 60, size: 5 },
      value: (u, v) => (v === null || v === undefined ? '–' : v + unit),
    })));
    const data = [xs].concat(providers.map((p) => stats.providers[p][column]));
    const opts = {
      width: Math.max(260, target.clientWidth || 320), height: 200, series,
      scales: { x: { time: true }, y: range ? { range } : {} },
      axes: [{ stroke: '#5d6b7e', grid: { stroke: '#eef1f4' } }, { stroke: '#5d6b7e', grid: { stroke: '#eef1f4' }, size: 50 }],
      legend: { live: true },
    };
    state.charts.push(new uPlot(opts, data, target));
  };
  chart('chart-volume', 'payments', '', null);
  chart('chart-success', 'successRate', ' %', [0, 100]);
  chart('chart-latency', 'latencyP95Ms', ' ms', null);
}

function resizeCharts() {
  for (const c of state.charts) {
    const width = Math.max(260, c.root.parentElement.clientWidth);
    if (Math.abs(c.width - width) > 4) c.setSize({ width, height: c.height });
  }
}

// ------------------------------------------------------------------ payment lists

function paymentRows(table, payments, append) {
  const headers = ['created', 'payment', 'client', 'operation', 'provider', 'amount', 'status', 'reason'];
  const rows = payments.map((p) => el('tr', { class: 'clickable payment-row', 'data-payment-id': p.paymentId, onclick: () => safely(openPayment, p.paymentId) },
    el('td', { class: 'when' }, when(p.createdAt)), el('td', { class: 'mono' }, short(p.paymentId), el('br'), p.messageId),
    el('td', {}, p.clientId || ''), el('td', {}, p.operation), el('td', {}, p.provider), el('td', { class: 'nowrap' }, money(p.amount)),
    el('td', {}, status(p.status)), el('td', { class: 'reason' }, p.reasonCode ? p.reasonCode + ': ' : '', p.statusReason || '')));
  if (append) table.append(...rows);
  else fill(table, headers, rows, 'Nothing here.');
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

// the whole search as CSV (the hub makes it: GET /api/v1/payments?format=csv), saved as a file
async function exportCsv() {
  $('search-error').textContent = '';
  try {
    const q = new URLSearchParams(searchQuery());
    q.set('format', 'csv');
    const res = await call('GET', '/api/v1/payments?' + q, undefined, 'text/csv');
    if (!res.ok) throw new Error('The hub answered HTTP ' + res.status + '.');
    const name = (/filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '') || [])[1] || 'payments.csv';
    const link = el('a', { href: URL.createObjectURL(await res.blob()), download: name, id: 'csv-link', hidden: '' });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    notice('Exported ' + name + (res.headers.get('X-Truncated') ? ' (the first 10,000 payments)' : '') + '.');
  } catch (e) {
    $('search-error').textContent = e.message;
  }
}

// ------------------------------------------------------------------ dead callbacks

async function loadCallbacks(append) {
  const q = new URLSearchParams({ status: 'DEAD', limit: '25' });
  if (append && state.cursors.callbacks) q.set('cursor', state.cursors.callbacks);
  const page = await api('GET', '/api/v1/callbacks?' + q);
  const rows = page.callbacks.map((c) => el('tr', { class: 'callback-row', 'data-event-id': c.eventId },
    el('td', { class: 'nowrap' }, when(c.createdAt)),
    el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => safely(openPayment, c.paymentId) }, short(c.paymentId))),
    el('td', {}, c.clientId), el('td', {}, status(c.paymentStatus)), el('td', {}, c.attempts),
    el('td', {}, c.lastStatusCode ? 'HTTP ' + c.lastStatusCode : (c.lastError || '')), el('td', { class: 'mono wrap' }, c.url),
    el('td', {}, redeliverButton(c.paymentId, c.eventId, c.paymentStatus))));
  if (append) $('callbacks-table').append(...rows);
  else fill($('callbacks-table'), ['created', 'payment', 'client', 'event status', 'attempts', 'last answer', 'url', ''], rows, 'No dead callbacks.');
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
      notice('Callback ' + short(eventId) + ' (' + eventStatus + ') queued again, marked as a redelivery.');
      refreshFigures();
    } catch (err) {
      button.disabled = false;
      notice(err.message);
    }
  } }, 'Redeliver');
}

// ------------------------------------------------------------------ money in: unmatched webhooks, reconciliations

async function loadWebhooks() {
  const page = await api('GET', '/api/v1/ops/webhooks?limit=100');
  fill($('webhooks-table'), ['received', 'provider', 'outcome', 'event', 'payment', 'what it said'],
    page.webhooks.map((w) => el('tr', { class: 'webhook-row', 'data-webhook-id': w.webhookId },
      el('td', { class: 'nowrap' }, when(w.receivedAt)), el('td', {}, w.provider), el('td', {}, status(w.outcome)),
      el('td', { class: 'mono wrap' }, w.eventKey || ''),
      el('td', {}, w.paymentId ? el('button', { type: 'button', class: 'link', onclick: () => safely(openPayment, w.paymentId) }, short(w.paymentId)) : ''),
      el('td', {}, jsonToggle(w.detail)))), 'No unmatched webhooks.');
}

async function loadReconciliations() {
  const page = await api('GET', '/api/v1/ops/reconciliations?limit=50');
  fill($('reconciliations-table'), ['started', 'provider', 'period', 'by', 'status', 'differences', ''],
    page.runs.map((r) => el('tr', { class: 'reconciliation-row', 'data-run-id': r.runId },
      el('td', { class: 'nowrap' }, when(r.startedAt)), el('td', {}, r.provider),
      el('td', {}, when(r.from), ' – ', when(r.to)), el('td', {}, r.requestedBy || ''), el('td', {}, status(r.status)),
      el('td', {}, (r.differences || []).length === 0 ? 'none'
        : el('ul', { class: 'plain' }, r.differences.map((d) => el('li', {}, status(d.kind), ' ',
          d.paymentId ? el('button', { type: 'button', class: 'link', onclick: () => safely(openPayment, d.paymentId) }, short(d.paymentId))
            : (d.reference || d.transactionReference || ''))))),
      el('td', {}, jsonToggle(r.summary || {}, 'summary')))), 'No reconciliation yet.');
}

async function reconcile(event) {
  event.preventDefault();
  $('reconcile-error').textContent = '';
  const form = new FormData($('reconcile-form'));
  const day = (d, end) => new Date(Date.parse(d + 'T00:00:00Z') + (end ? 86400000 : 0)).toISOString();
  try {
    const run = await api('POST', '/api/v1/ops/reconciliations',
      { provider: form.get('provider').trim(), from: day(form.get('from')), to: day(form.get('to'), true) });
    notice('Reconciled ' + run.provider + ': ' + (run.differences || []).length + ' difference(s).');
    loadReconciliations();
  } catch (e) {
    $('reconcile-error').textContent = e.message;
  }
}

// ------------------------------------------------------------------ batches, data requests, operator calls

const counts = (c) => Object.entries(c || {}).map(([k, v]) => k + ' ' + v).join(', ');
const totals = (t) => Object.entries(t || {}).map(([k, v]) => v + ' ' + k).join(', ');

async function loadBatches() {
  const page = await api('GET', '/api/v1/batches?limit=50');
  fill($('batches-table'), ['created', 'batch', 'client', 'provider', 'status', 'items', 'total', 'paid'],
    page.batches.map((b) => el('tr', { class: 'clickable batch-row', 'data-batch-id': b.batchId, onclick: () => safely(openBatch, b.batchId) },
      el('td', { class: 'nowrap' }, when(b.createdAt)), el('td', { class: 'mono' }, short(b.batchId), el('br'), b.messageId),
      el('td', {}, b.clientId || ''), el('td', {}, b.provider), el('td', {}, status(b.status)),
      el('td', {}, b.itemCount + (b.counts ? ' (' + counts(b.counts) + ')' : '')), el('td', { class: 'nowrap' }, totals(b.total)),
      el('td', { class: 'nowrap' }, totals(b.paid)))), 'No batches.');
}

async function openBatch(id) {
  const b = await api('GET', '/api/v1/batches/' + encodeURIComponent(id));
  $('batch').hidden = false;
  $('batch-id').textContent = b.batchId;
  fill($('batch-items'), ['item', 'payment', 'amount', 'status', 'reason'],
    (b.items || []).map((i) => el('tr', { class: 'clickable batch-item-row', onclick: () => safely(openPayment, i.paymentId) },
      el('td', {}, i.itemId), el('td', { class: 'mono' }, short(i.paymentId)), el('td', { class: 'nowrap' }, money(i.amount)),
      el('td', {}, status(i.status)), el('td', {}, i.reasonCode || ''))), 'No items.');
}

async function loadDataRequests() {
  const page = await api('GET', '/api/v1/data-requests?limit=50');
  fill($('data-requests-table'), ['created', 'request', 'client', 'kind', 'provider', 'status', 'reason', 'result'],
    page.dataRequests.map((r) => el('tr', { class: 'clickable data-request-row', 'data-request-id': r.dataRequestId, onclick: () => safely(openDataRequest, r.dataRequestId) },
      el('td', { class: 'nowrap' }, when(r.createdAt)), el('td', { class: 'mono' }, short(r.dataRequestId), el('br'), r.requestId),
      el('td', {}, r.clientId || ''), el('td', {}, r.kind), el('td', {}, r.provider), el('td', {}, status(r.status)),
      el('td', { class: 'reason' }, r.reasonCode ? r.reasonCode + ': ' : '', r.statusReason || ''),
      el('td', {}, r.resultInfo ? r.resultInfo.pages + ' page(s)' + (r.resultInfo.items !== undefined ? ', ' + r.resultInfo.items + ' item(s)' : '') : ''))),
    'No data requests.');
}

async function openDataRequest(id) {
  const t = await api('GET', '/api/v1/data-requests/' + encodeURIComponent(id) + '/events');
  $('data-request').hidden = false;
  $('data-request-id').textContent = id;
  renderSteps($('data-request-timeline'), t.events || []);
}

async function loadOperatorCalls() {
  const [history, declared] = await Promise.all([api('GET', '/api/v1/ops/operator-calls?limit=100'),
    api('GET', '/api/v1/providers/operator-calls')]);
  fill($('operator-calls-table'), ['at', 'operator', 'provider', 'call', 'outcome', 'input'],
    history.calls.map((c) => el('tr', { class: 'operator-call-row' },
      el('td', { class: 'nowrap' }, when(c.requestedAt)), el('td', {}, c.operator), el('td', {}, c.provider),
      el('td', { class: 'mono' }, c.method + ' ' + c.call), el('td', {}, status(c.outcome), c.reason ? ' ' + c.reason : ''),
      el('td', {}, jsonToggle(c.input, 'input')))), 'No operator calls yet.');
  fill($('declared-calls-table'), ['provider', 'call', 'what it does', 'input'],
    declared.calls.map((c) => el('tr', {}, el('td', {}, c.provider), el('td', { class: 'mono wrap' }, c.method + ' ' + c.path),
      el('td', {}, c.description || ''), el('td', { class: 'mono wrap' },
        Object.entries(c.input || {}).map(([k, f]) => k + (f.required ? '*' : '')).join(', ')))), 'None.');
}

// ------------------------------------------------------------------ one payment and its timeline as steps

// what an event of the timeline is, for a person: its kind (request, answer, status change, callback, ...)
// and one line saying what happened; the event's JSON stays one click away
function describe(e) {
  const d = e.detail || {};
  const t = e.type;
  if (t === 'PROVIDER_REQUEST') return ['request', 'Request to ' + (d.provider || 'the provider') + ': ' + (d.method || '') + ' ' + (d.path || '')];
  if (t === 'PROVIDER_RESPONSE') return ['answer', 'Answer from ' + (d.provider || e.actor || 'the provider') + ': HTTP ' + (d.httpStatus || '–')
    + (d.durationMs !== undefined ? ' in ' + d.durationMs + ' ms' : '')];
  if (e.statusTo && !e.statusFrom) return ['accepted', 'Accepted: the message of ' + (e.actor || 'the client') + ', ' + e.statusTo];
  if (e.statusTo) return ['status', null];
  if (t.startsWith('CALLBACK')) return ['callback', t === 'CALLBACK_QUEUED' ? 'Callback queued for the client'
    + (d.status ? ' (' + d.status + ')' : '') : humanise(t) + (d.statusCode ? ': HTTP ' + d.statusCode : '') + (d.error ? ': ' + d.error : '')];
  if (t.endsWith('_OUTCOME')) return ['outcome', humanise(t.replace('_OUTCOME', '')) + ' outcome: ' + (d.outcome || '')
    + (d.providerStatus ? ' ' + d.providerStatus : '') + (d.reason ? ' (' + d.reason + ')' : '')];
  if (t.startsWith('WEBHOOK')) return ['webhook', humanise(t)];
  return ['other', humanise(t) + (d.reason ? ': ' + d.reason : '')];
}

const humanise = (type) => type.charAt(0) + type.slice(1).toLowerCase().replace(/_/g, ' ');

function renderSteps(list, events) {
  list.replaceChildren(...events.map((e) => {
    const [kind, text] = describe(e);
    const line = kind === 'status'
      ? el('span', { class: 'what' }, status(e.statusFrom), ' → ', status(e.statusTo), e.detail && e.detail.reason ? ' ' + e.detail.reason : '')
      : el('span', { class: 'what' }, text);
    return el('li', { class: 'step step-' + kind, 'data-kind': kind, 'data-type': e.type },
      el('span', { class: 'kind' }, kind), line,
      el('span', { class: 'meta' }, when(e.at), e.actor ? ' · ' + e.actor : '', ' · #' + e.sequence),
      e.detail ? jsonToggle(e, 'JSON') : null);
  }));
  if (events.length === 0) list.append(el('li', { class: 'empty' }, 'No events.'));
}

async function openPayment(id) {
  const [p, t] = await Promise.all([api('GET', '/api/v1/payments/' + encodeURIComponent(id)),
    api('GET', '/api/v1/payments/' + encodeURIComponent(id) + '/events')]);
  state.payment = p;
  $('payment').hidden = false;
  $('payment-id').textContent = p.paymentId;
  const rows = [['status', status(p.status)], ['reason', (p.reasonCode ? p.reasonCode + ': ' : '') + (p.statusReason || '')],
    ['message id', p.messageId], ['client', p.clientId || ''], ['operation', p.operation], ['provider', p.provider],
    ['amount', money(p.amount)], ['our reference', p.providerReference], ['created', when(p.createdAt)], ['updated', when(p.updatedAt)]];
  if (p.result) rows.push(['result', jsonToggle(p.result, 'result')]);
  $('payment-view').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-field': k }, v)]));
  $('resolve').hidden = p.status !== 'NEEDS_REVIEW';
  $('resolve-confirm').hidden = true;
  $('resolve-error').textContent = '';
  $('resolve-reason').value = '';
  renderSteps($('timeline'), t.events);
  fill($('payment-callbacks'), ['event', 'status', 'attempts', 'last answer', ''],
    t.callbacks.map((c) => el('tr', {}, el('td', { class: 'mono wrap' }, c.eventId), el('td', {}, status(c.status)), el('td', {}, c.attempts),
      el('td', {}, c.lastStatusCode ? 'HTTP ' + c.lastStatusCode : (c.lastError || '')),
      el('td', {}, c.status === 'PENDING' ? '' : redeliverButton(p.paymentId, c.eventId, c.status)))), 'No callbacks.');
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
    notice('Payment ' + short(p.paymentId) + ' is now ' + p.status + '.');
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

const LOADERS = {
  overview: () => Promise.all([refreshFigures(), loadStats()]),
  review: () => loadReview(false),
  search: () => Promise.resolve(),
  callbacks: () => loadCallbacks(false),
  webhooks: loadWebhooks,
  reconciliations: loadReconciliations,
  batches: loadBatches,
  'data-requests': loadDataRequests,
  'operator-calls': loadOperatorCalls,
};

function tab(name) {
  if (!LOADERS[name]) name = 'overview';
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of Object.keys(LOADERS)) $('tab-' + t).hidden = t !== name;
  if (location.hash.slice(1) !== name) history.replaceState(null, '', '#' + name);
  if (name !== 'overview') refreshFigures().catch((e) => notice(e.message, true));
  LOADERS[name]().catch((e) => notice(e.message, true));
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
  $('stats-period').addEventListener('change', () => loadStats().catch((e) => notice(e.message, true)));
  $('stats-refresh').addEventListener('click', () => LOADERS.overview().catch((e) => notice(e.message, true)));
  $('review-refresh').addEventListener('click', () => { loadReview(false); refreshFigures(); });
  $('review-more').addEventListener('click', () => loadReview(true));
  $('search-form').addEventListener('submit', (e) => search(e, false));
  $('search-more').addEventListener('click', () => search(null, true));
  $('search-csv').addEventListener('click', exportCsv);
  $('callbacks-refresh').addEventListener('click', () => { loadCallbacks(false); refreshFigures(); });
  $('callbacks-more').addEventListener('click', () => loadCallbacks(true));
  for (const name of ['webhooks', 'reconciliations', 'batches', 'data-requests', 'operator-calls']) {
    $(name + '-refresh').addEventListener('click', () => LOADERS[name]().catch((e) => notice(e.message, true)));
  }
  $('reconcile-form').addEventListener('submit', reconcile);
  $('payment-close').addEventListener('click', () => { $('payment').hidden = true; });
  $('resolve-form').addEventListener('submit', askResolve);
  $('resolve-yes').addEventListener('click', resolve);
  $('resolve-no').addEventListener('click', () => { $('resolve-confirm').hidden = true; });
  window.addEventListener('resize', () => { clearTimeout(resizeCharts.timer); resizeCharts.timer = setTimeout(resizeCharts, 150); });
  if (state.auth) show();
});
