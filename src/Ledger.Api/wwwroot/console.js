'use strict';
// Ledger support console. Read-only. location.hash is the single source of truth for what is on screen,
// so a pasted link (#/households/HH00000001?version=3) shows a colleague exactly the same thing.
// Everything from the API is inserted as text nodes (never innerHTML): names and reasons are user input.

const $ = (id) => document.getElementById(id);
const STATUS_LABELS = { member: 'Member', notYetJoined: 'Not yet joined', left: 'Left' };
const NARROW = window.matchMedia('(max-width: 760px)');

const state = { route: null, loadedKey: null, events: [], results: [], view: null, etag: null };
let viewCtl = null, historyCtl = null, searchCtl = null, applyTimer = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}

// ---- API ------------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(problem) { super(problem.title || 'Request failed'); this.problem = problem; }
}

async function api(path, signal) {
  // The API needs a bearer token (support role): pasted once, kept for this browser tab only.
  const token = sessionStorage.getItem('ledger.token');
  const headers = { Accept: 'application/json, application/problem+json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, signal }).catch((e) => {
    throw e.name === 'AbortError' ? e : new ApiError({ title: 'The API did not answer.', detail: `${path}: ${e.message}` });
  });
  const isJson = /json/i.test(res.headers.get('Content-Type') || '');
  const body = isJson ? await res.json().catch(() => null) : null;
  signal?.throwIfAborted(); // an abort while reading the body is not a malformed answer
  if (!res.ok) {
    // Not every failure is a problem document: a proxy's HTML 502, or an empty 404 from status-code pages.
    const problem = body && typeof body === 'object' ? body
      : { title: res.statusText || 'Request failed', detail: `${path} answered without problem details.` };
    throw new ApiError({ status: res.status, ...problem });
  }
  if (!isJson || body == null) throw new ApiError({ title: 'Unexpected answer.', detail: `${path} did not answer JSON.` });
  return { body, etag: res.headers.get('ETag') };
}

const clearErrors = () => $('alert').replaceChildren();

function showError(err) {
  if (err?.name === 'AbortError') return; // superseded by a newer request, not a failure
  if (!(err instanceof ApiError)) console.error(err);
  const p = err instanceof ApiError ? err.problem : { title: 'The console hit an unexpected error.', detail: String(err?.message ?? err) };
  // The view and the history usually fail together (an unknown household): say it once.
  const signature = JSON.stringify([p.title, p.detail, p.errors]);
  if ([...$('alert').children].some((c) => c.dataset.signature === signature)) return;
  const meta = [p.status, p.code].filter(Boolean).join(' · ');
  const box = el('div', { class: 'problem', 'data-signature': signature },
    el('strong', {}, p.title || 'Error'), meta ? el('span', { class: 'muted' }, ` (${meta})`) : null,
    p.detail ? el('p', {}, p.detail) : null);
  if (p.errors && typeof p.errors === 'object') box.append(el('ul', {}, Object.entries(p.errors).map(([field, messages]) =>
    el('li', {}, el('code', {}, field), ': ', [].concat(messages).join(' ')))));
  const dismiss = () => { box.remove(); $('main').focus({ preventScroll: true }); };
  box.append(el('button', { type: 'button', class: 'link', onclick: dismiss }, 'Dismiss'));
  $('alert').append(box);
}

// ---- Routing ----------------------------------------------------------------------------------------
// Household numbers are matched exactly by the list endpoint, so normalise the case people type.
const normaliseKey = (key) => (/^hh\d+$/i.test(key) ? key.toUpperCase() : key);

function parseHash() {
  const m = /^#\/households\/([^?]+)(?:\?(.*))?$/.exec(location.hash);
  if (!m) return null;
  let key;
  try { key = decodeURIComponent(m[1]); } catch { return null; }
  const q = new URLSearchParams(m[2] ?? '');
  const version = Number.parseInt(q.get('version') ?? '', 10);
  return { key: normaliseKey(key), version: version > 0 ? version : null, on: q.get('on') ?? '', knownAt: q.get('knownAt') ?? '' };
}

function hashFor({ key, version, on, knownAt }) {
  const q = new URLSearchParams();
  if (version) q.set('version', version);
  if (on) q.set('on', on);
  if (knownAt && !version) q.set('knownAt', knownAt); // replay is by version; knownAt would be ignored
  return `#/households/${encodeURIComponent(key)}${q.toString() ? `?${q}` : ''}`;
}

// Opening a household pushes a browser-history entry (Back returns to the previous one); stepping through
// versions or dates replaces it, so Back is not a long walk through every step of a replay.
function navigate(change, push = false) {
  const hash = hashFor({ ...state.route, ...change });
  if (push && hash !== location.hash) { location.hash = hash; return; } // the hashchange listener routes
  history.replaceState(null, '', hash);
  route();
}

function openHousehold(key) {
  navigate({ key: normaliseKey(key), version: null, on: '', knownAt: '' }, true);
  // On a narrow screen the household is below the results; take keyboard and screen-reader users there.
  if (NARROW.matches) $('main').focus();
}

function route() {
  const r = parseHash();
  state.route = r;
  clearErrors();
  renderResults();
  $('empty').hidden = !!r;
  $('household').hidden = !r;
  if (!r) { document.title = 'Ledger · support console'; return; }
  if (r.key !== state.loadedKey) {
    [state.loadedKey, state.events] = [r.key, []];
    renderTimeline();
    loadHistory();
  }
  syncControls();
  updateReplay();
  loadView();
}

// ---- Search ------------------------------------------------------------------------------------------
async function search(text) {
  const t = text.trim();
  if (/^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(t)) { openHousehold(t); return; } // an id, pasted from a log
  searchCtl?.abort();
  searchCtl = new AbortController();
  const q = new URLSearchParams();
  // The API applies the name filter after taking the `limit` newest households, so widen it for names.
  if (/^hh\d+$/i.test(t)) q.set('number', t.toUpperCase());
  else if (t) { q.set('name', t); q.set('limit', '500'); }
  else q.set('limit', '50');
  $('search-status').textContent = 'Searching…';
  try {
    const { body } = await api(`/households?${q}`, searchCtl.signal);
    state.results = Array.isArray(body) ? body : [];
    renderResults();
    const n = state.results.length;
    $('search-status').textContent = (n === 0 ? 'No household matches.' : `${n} household${n === 1 ? '' : 's'}, newest first.`)
      + (q.has('name') ? ' Names are searched among the newest 500 households.' : '');
    if (q.has('number') && n === 1) openHousehold(state.results[0].householdNumber);
  } catch (e) {
    if (e.name !== 'AbortError') $('search-status').textContent = 'Search failed.';
    showError(e);
  }
}

function renderResults() {
  const key = state.route?.key?.toLowerCase();
  const current = (h) => key != null && (key === h.householdNumber?.toLowerCase() || key === String(h.householdId).toLowerCase());
  $('results').replaceChildren(...state.results.map((h) => el('li', {},
    el('button', { type: 'button', class: 'result', 'aria-current': current(h) ? 'true' : null, onclick: () => openHousehold(h.householdNumber) },
      el('span', { class: 'number' }, h.householdNumber),
      el('span', { class: 'holder' }, h.holderName || '—'),
      el('span', { class: 'muted small' }, `${h.members} member${h.members === 1 ? '' : 's'} · opened ${h.openedOn} · v${h.version}`)))));
}

// ---- View panel ----------------------------------------------------------------------------------------
async function loadView() {
  const r = state.route;
  viewCtl?.abort();
  const ctl = (viewCtl = new AbortController());
  const base = `/households/${encodeURIComponent(r.key)}`;
  const q = new URLSearchParams();
  if (r.on) q.set('on', r.on);
  let path = base;
  if (r.version) path = `${base}/history/${r.version}`;
  else if (r.on || r.knownAt) path = `${base}/coverage`;
  if (r.knownAt && !r.version) q.set('knownAt', r.knownAt);
  if (q.toString()) path += `?${q}`;
  $('view-panel').setAttribute('aria-busy', 'true');
  try {
    const { body, etag } = await api(path, ctl.signal);
    renderView(body, etag);
    // The live view can be newer than the timeline (someone wrote meanwhile): keep the two in step.
    const last = state.events.at(-1);
    if (!r.version && !r.knownAt && last && body.version > last.version) loadHistory();
  } catch (e) {
    if (e.name !== 'AbortError') renderViewUnavailable();
    showError(e);
  } finally {
    if (viewCtl === ctl) $('view-panel').removeAttribute('aria-busy');
  }
}

function renderView(view, etag) {
  const r = state.route;
  Object.assign(state, { view, etag });
  // Without `on` the server uses its business calendar's today, which may differ from this browser's.
  if (!r.on && view.on) $('on').value = view.on;
  document.title = `${view.householdNumber} · Ledger support`;
  $('view-heading').textContent = `${view.householdNumber}: ${r.version ? `as it stood after version ${r.version}`
    : view.knownAt ? `as known at ${view.knownAt}` : 'as known now'}, on ${view.on}`;
  const members = Array.isArray(view.members) ? view.members : [];
  const holder = members.find((m) => m.personId === view.holderId);
  facts($('summary'), [
    ['Household id', view.householdId], ['Version', etag ? `${view.version} (ETag ${etag})` : view.version],
    ['On', view.on], ['Known at', view.knownAt ?? 'now'], ['Opened on', view.openedOn], ['Holder', holder?.name],
  ]);
  const parts = [el('h3', {}, 'Members'), membersTable(view, members)];
  // Later API versions add arrays such as policies and claims; show any of them without knowing their shape.
  for (const [name, value] of Object.entries(view)) {
    if (name === 'members' || !Array.isArray(value)) continue;
    parts.push(el('h3', {}, humanise(name)), value.length ? genericTable(humanise(name), value) : el('p', { class: 'muted' }, 'None.'));
  }
  $('view-body').replaceChildren(...parts);
}

function renderViewUnavailable() {
  // A stale view under a new heading would tell support staff the wrong coverage; show nothing instead.
  state.view = null;
  $('view-heading').textContent = `${state.route.key}: no view`;
  $('summary').replaceChildren();
  $('view-body').replaceChildren(el('p', { class: 'muted' }, 'No view to show: the request failed (see the message above).'));
}

function membersTable(view, members) {
  if (!members.length) return el('p', { class: 'muted' }, 'No members.');
  const showIds = $('show-ids').checked;
  return table('Members', ['Name', 'Relationship', 'Date of birth', 'Age', 'ID number', 'Joined on', 'Left on', 'Leave cause', 'Status'],
    members.map((m) => [
      el('span', { title: `Person ${m.personId}` }, m.name, m.personId === view.holderId ? el('span', { class: 'tag' }, 'holder') : null),
      m.relationship, m.dateOfBirth, m.age, showIds ? m.idNumber : mask(m.idNumber),
      m.joinedOn, m.leftOn, m.leaveCause, statusBadge(m.status),
    ]));
}

// ID numbers are personal data; show only the tail unless the agent asks, e.g. to compare with a caller's.
const mask = (id) => (id ? `•••• ${String(id).slice(-4)}` : null);

function statusBadge(status) {
  const known = Object.hasOwn(STATUS_LABELS, status);
  return el('span', { class: known ? `badge badge-${status}` : 'badge' }, known ? STATUS_LABELS[status] : status);
}

function facts(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '—')]));
}

function table(caption, headers, rows) {
  return el('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' },
    el('table', {},
      el('caption', { class: 'sr-only' }, caption),
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c ?? '—')))))));
}

function genericTable(caption, items) {
  const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
  const cols = [...new Set(items.flatMap((it) => (isObj(it) ? Object.keys(it) : ['value'])))];
  const cell = (v) => (v == null ? null : typeof v === 'object' ? JSON.stringify(v) : v);
  return table(caption, cols.map(humanise), items.map((it) => cols.map((c) => cell(isObj(it) ? it[c] : it))));
}

// camelCase API names to headings: dateOfBirth -> "Date of birth".
const humanise = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase());

// ---- View controls ---------------------------------------------------------------------------------------
// datetime-local has no zone: the agent types local time, the API wants a UTC instant.
const toUtcIso = (local) => { const d = new Date(local); return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z'); };

function toLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  // Shift by the zone offset so toISOString prints local wall-clock time, as the input expects.
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
}

function syncControls() {
  const r = state.route;
  $('on').value = r.on;
  $('known-at').value = r.knownAt ? toLocalInput(r.knownAt) : '';
  $('known-at').disabled = !!r.version;
  updateKnownAtHint();
}

function updateKnownAtHint() {
  const input = $('known-at');
  const iso = input.value ? toUtcIso(input.value) : '';
  $('known-at-hint').textContent = input.disabled ? 'Not used while replaying a version.' : iso ? `= ${iso}` : 'Empty: as known now.';
}

function applyControls() {
  clearTimeout(applyTimer);
  const change = { on: $('on').value };
  if (!$('known-at').disabled) change.knownAt = $('known-at').value ? toUtcIso($('known-at').value) : '';
  navigate(change);
}

// ---- History timeline and replay --------------------------------------------------------------------------
async function loadHistory() {
  historyCtl?.abort();
  historyCtl = new AbortController();
  $('history-status').textContent = 'Loading…';
  try {
    const { body } = await api(`/households/${encodeURIComponent(state.loadedKey)}/history`, historyCtl.signal);
    state.events = (Array.isArray(body) ? body : []).slice().sort((a, b) => a.version - b.version);
    $('history-status').textContent = `${state.events.length} event${state.events.length === 1 ? '' : 's'}.`;
    renderTimeline();
  } catch (e) {
    if (e.name !== 'AbortError') $('history-status').textContent = 'History could not be loaded.';
    showError(e);
  }
}

function renderTimeline() {
  $('history-body').replaceChildren(...state.events.map((e) => el('tr', { 'data-version': e.version, onclick: () => navigate({ version: e.version }) },
    el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': `Version ${e.version}: ${e.type}` }, `v${e.version}`)),
    el('td', {}, e.type), el('td', {}, e.effectiveDate), instantCell(e.recordedAt), el('td', {}, e.actor), el('td', {}, e.reason))));
  updateReplay();
}

function instantCell(iso) {
  const d = new Date(iso);
  return el('td', {}, el('time', { datetime: iso, title: Number.isNaN(d.getTime()) ? null : `Local: ${d.toLocaleString()}` }, iso));
}

function updateReplay() {
  const r = state.route;
  if (!r) return;
  const ev = state.events;
  const i = ev.findIndex((e) => e.version === r.version);
  let selected = null;
  for (const tr of $('history-body').rows) {
    const on = Number(tr.dataset.version) === r.version;
    tr.classList.toggle('selected', on);
    const button = tr.querySelector('button');
    if (on) { button.setAttribute('aria-current', 'step'); selected = tr; } else button.removeAttribute('aria-current');
  }
  $('first').disabled = $('prev').disabled = !ev.length || i === 0;
  $('next').disabled = i < 0 || i === ev.length - 1;
  $('live').disabled = !r.version;
  $('position').textContent = r.version ? `Version ${r.version} of ${ev.length || '…'}` : `Live view${ev.length ? ` (${ev.length} versions)` : ''}`;
  renderEventDetail(i >= 0 ? ev[i] : null);
  if (selected) revealRow(selected);
}

// Scroll only the timeline's own box: scrollIntoView would also move the page away from the view panel.
function revealRow(row) {
  const wrap = $('history-wrap');
  const [w, b] = [wrap.getBoundingClientRect(), row.getBoundingClientRect()];
  const head = wrap.querySelector('thead').offsetHeight;
  if (b.top < w.top + head) wrap.scrollTop -= w.top + head - b.top;
  else if (b.bottom > w.bottom) wrap.scrollTop += b.bottom - w.bottom;
  // Keyboard users stepping from the timeline keep their focus on the row they are looking at.
  if (document.activeElement?.closest?.('#history-body') && !row.contains(document.activeElement)) {
    row.querySelector('button').focus({ preventScroll: true });
  }
}

function renderEventDetail(e) {
  const box = $('event-detail');
  box.hidden = !e;
  if (!e) { box.replaceChildren(); return; }
  const meta = el('dl', { class: 'facts' });
  facts(meta, [['Effective', e.effectiveDate], ['Recorded at', e.recordedAt], ['Actor', e.actor], ['Reason', e.reason],
    ['Operation', e.operation], ['Sequence', e.sequence], ['Correlation id', e.correlationId], ['Causation id', e.causationId]]);
  box.replaceChildren(el('h3', {}, `Event v${e.version}: ${e.type}`), meta,
    el('pre', { class: 'json', tabindex: '0', 'aria-label': `Data of event version ${e.version}` }, JSON.stringify(e.data, null, 2)));
}

function step(delta) {
  const ev = state.events;
  if (!ev.length) return;
  const i = ev.findIndex((e) => e.version === state.route.version);
  // From the live view, "previous" starts the replay at the latest version.
  const j = i < 0 ? (delta < 0 ? ev.length - 1 : -1) : i + delta;
  if (j >= 0 && j < ev.length) navigate({ version: ev[j].version });
}

// ---- Start -----------------------------------------------------------------------------------------------
async function checkHealth() {
  const res = await fetch('/health/ready', { headers: { Accept: 'application/json' } }).catch(() => null);
  const body = res ? await res.json().catch(() => ({})) : {};
  $('health').textContent = res ? body.status || `HTTP ${res.status}` : 'unreachable';
  $('health').dataset.ok = String(!!res?.ok);
}

function init() {
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search($('search-input').value); });
  $('view-form').addEventListener('submit', (e) => { e.preventDefault(); applyControls(); });
  $('reset-view').addEventListener('click', () => navigate({ version: null, on: '', knownAt: '' }));
  $('show-ids').addEventListener('change', () => { if (state.view) renderView(state.view, state.etag); });
  $('known-at').addEventListener('input', updateKnownAtHint);
  // Apply a picked date without an extra click, but wait: typing a year digit by digit passes through valid dates.
  for (const id of ['on', 'known-at']) {
    $(id).addEventListener('change', () => { clearTimeout(applyTimer); applyTimer = setTimeout(applyControls, 700); });
  }
  $('first').addEventListener('click', () => state.events.length && navigate({ version: state.events[0].version }));
  $('prev').addEventListener('click', () => step(-1));
  $('next').addEventListener('click', () => step(1));
  $('live').addEventListener('click', () => navigate({ version: null }));
  $('reload-history').addEventListener('click', () => { if (state.loadedKey) loadHistory(); });
  document.addEventListener('keydown', (e) => {
    if ((e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // Arrows keep their own meaning in fields and in focused scrollable boxes (a wide table, the JSON).
    if (!state.route || e.target.closest?.('input, select, textarea, [contenteditable], .table-wrap:focus, pre:focus')) return;
    e.preventDefault();
    step(e.key === 'ArrowLeft' ? -1 : 1);
  });
  window.addEventListener('hashchange', route);
  route();
  search('');
  checkHealth();
}

init();

// Token field: `ledger token --role support --name you` prints one.
(function tokenField() {
  const input = document.getElementById('token');
  if (!input) return;
  input.value = sessionStorage.getItem('ledger.token') || '';
  input.addEventListener('change', () => {
    const value = input.value.trim();
    if (value) sessionStorage.setItem('ledger.token', value); else sessionStorage.removeItem('ledger.token');
  });
})();
