// Ledger support console: read-only, over the ledger's HTTP API. Plain ES modules, no build step.
// The address is the state: /console/households/HH00000001?on=2025-04-10&knownAt=2025-03-21T02:00:00Z&version=12
// opens exactly that view, so a link pasted by a colleague (or another tool) shows the same thing.
import { t, setLanguage, language, translatePage } from './js/i18n.js';
import * as time from './js/time.js';
import { $, el } from './js/dom.js';
import { renderMembers, renderPolicies, renderClaims, renderTimeline } from './js/view.js';
import { renderEvents, diffViews, renderBitemporal, claimsFromHistory } from './js/history.js';
import { namesFromHistory, describeEvent } from './js/words.js';

const TOKEN = 'ledger.token';
const state = { settings: { developmentSignIn: false, timeZone: 'Asia/Shanghai', today: null }, route: { key: null },
  events: [], eventsKey: null, view: null, prev: null, results: [], seq: 0, searchSeq: 0, signInProblem: null };

// ---- Tokens and the API ------------------------------------------------------------------------------------
class AuthProblem extends Error {
  constructor(kind, what) { super(kind); this.kind = kind; this.what = what; }
}
class ApiError extends Error {
  constructor(status, problem) { super(problem?.title ?? 'error'); this.status = status; this.problem = problem ?? {}; }
}

const token = () => sessionStorage.getItem(TOKEN);

/** The claims of a JWT (not verified: only the ledger can do that), or null when it is not one. */
function tokenClaims(jwt) {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) return null;
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch { return null; }
}
const rolesOf = (claims) => [].concat(claims?.role ?? claims?.roles ?? []).join(', ');
const expired = (claims) => claims?.exp != null && claims.exp * 1000 <= Date.now();

async function api(path) {
  const jwt = token();
  if (!jwt) throw new AuthProblem('missing');
  const res = await fetch(path, { headers: { Accept: 'application/json', Authorization: `Bearer ${jwt}` } }).catch(() => null);
  if (!res) throw new ApiError(0, { detail: t('error.unreachable') });
  if (res.status === 401) throw new AuthProblem(expired(tokenClaims(jwt)) ? 'expired' : 'rejected');
  if (res.status === 403) throw new AuthProblem('forbidden', /\/history/.test(path) ? 'history' : 'view');
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function signInProblemText(p) {
  const claims = p.claims ?? tokenClaims(token() ?? '');
  switch (p.kind) {
    case 'missing': return null;
    case 'expired': return t('signin.expired', { at: claims?.exp ? time.formatInstant(new Date(claims.exp * 1000).toISOString()) : '' });
    case 'forbidden': return t('signin.forbidden', { roles: rolesOf(claims) || '—', what: t(`signin.forbidden.what.${p.what}`) });
    case 'malformed': return t('signin.malformed');
    case 'empty': return t('signin.empty');
    case 'dev': return t('signin.devFailed', { detail: p.what });
    default: return t('signin.rejected');
  }
}

function handleError(e) {
  if (e instanceof AuthProblem) {
    // A token the ledger refused is no use: ask for another, staying on the same address.
    e.claims = tokenClaims(token() ?? '');
    if (e.kind !== 'missing') sessionStorage.removeItem(TOKEN);
    state.signInProblem = e.kind === 'missing' ? null : e;
    showSignIn();
    return;
  }
  const p = e instanceof ApiError ? e.problem : { detail: String(e?.message ?? e) };
  const text = e.status === 404 ? t('error.notFound', { key: state.route.key ?? '', detail: p.detail ?? p.title ?? '' })
    : t('error.generic', { detail: p.detail ?? p.title ?? e.status });
  showAlert(text);
  if (e.status === 404) $('household').hidden = true;
}

function showAlert(text) {
  const box = el('div', { class: 'problem' }, el('p', {}, text),
    el('button', { type: 'button', class: 'small', onclick: () => { box.remove(); $('main').focus(); } }, t('error.dismiss')));
  $('alert').replaceChildren(box);
}

// ---- Addresses ----------------------------------------------------------------------------------------------
const normaliseKey = (key) => (/^hh\d+$/i.test(key) ? key.toUpperCase() : key);

function parseRoute() {
  const m = /^\/console\/households\/([^/]+)\/?$/.exec(location.pathname);
  if (!m) return { key: null };
  const q = new URLSearchParams(location.search);
  const version = Number.parseInt(q.get('version') ?? '', 10);
  let key;
  try { key = normaliseKey(decodeURIComponent(m[1])); } catch { return { key: null }; }
  return { key, on: q.get('on') ?? '', knownAt: q.get('knownAt') ?? '', version: version > 0 ? version : null };
}

function urlFor(r) {
  if (!r.key) return '/console/';
  const q = new URLSearchParams();
  if (r.on) q.set('on', r.on);
  if (r.knownAt && !r.version) q.set('knownAt', r.knownAt);
  if (r.version) q.set('version', r.version);
  return `/console/households/${encodeURIComponent(r.key)}${q.size ? `?${q}` : ''}`;
}

/** Opening a household adds a browser-history entry; stepping versions and dates replaces it (Back stays useful). */
function navigate(change, push = false) {
  const url = urlFor({ ...state.route, ...change });
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  route();
}

/** A token handed over in the fragment (#token=...) never reached the server; keep it, then drop it from the address. */
function takeTokenFromFragment() {
  const legacy = /^#\/households\/([^?]+)(?:\?(.*))?$/.exec(location.hash);
  if (legacy) history.replaceState(null, '', `/console/households/${legacy[1]}${legacy[2] ? `?${legacy[2]}` : ''}`);
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  try { sessionStorage.setItem(TOKEN, decodeURIComponent(m[1])); } catch { /* storage refused: stay signed out */ }
  history.replaceState(null, '', location.pathname + location.search);
}

// ---- Screens ------------------------------------------------------------------------------------------------
function showOnly(id) {
  for (const s of ['sign-in', 'home', 'household']) $(s).hidden = s !== id;
}

function showSignIn() {
  showOnly('sign-in');
  $('search-form').hidden = true;
  $('sign-out').hidden = true;
  $('signed-in').textContent = '';
  $('dev-sign-in').hidden = !state.settings.developmentSignIn;
  const problem = state.signInProblem ? signInProblemText(state.signInProblem) : null;
  const note = $('sign-in-problem');
  // No error before the user has done anything: a first visit only explains what to do.
  if (problem) { note.textContent = problem; note.className = 'problem'; note.hidden = false; }
  else if (state.route.key) {
    note.textContent = t('signin.missing', { dev: state.settings.developmentSignIn ? t('signin.missing.dev') : '' });
    note.className = 'note'; note.hidden = false;
  } else note.hidden = true;
}

function showSignedIn() {
  const claims = tokenClaims(token());
  $('signed-in').textContent = t('signin.as', { name: claims?.name ?? claims?.sub ?? '?', roles: rolesOf(claims) });
  $('sign-out').hidden = false;
  $('search-form').hidden = false;
}

async function route() {
  state.route = parseRoute();
  $('alert').replaceChildren();
  if (!token()) { showSignIn(); return; }
  state.signInProblem = null;
  showSignedIn();
  if (!state.route.key) { showOnly('home'); await loadHome(); return; }
  showOnly('household');
  await loadHousehold();
}

// ---- Home and search ----------------------------------------------------------------------------------------
async function loadHome(query = '') {
  const q = new URLSearchParams();
  const text = query.trim();
  if (/^hh\d+$/i.test(text)) q.set('number', text.toUpperCase());
  else if (text) { q.set('name', text); q.set('limit', '500'); } else q.set('limit', '50');
  $('search-status').textContent = t('search.searching');
  $('results').replaceChildren(); // no earlier list may pass for the answer to this search
  const seq = ++state.searchSeq;
  try {
    const results = await api(`/households?${q}`);
    if (seq !== state.searchSeq) return; // a newer search (or the first list, answering late) is not shown over it
    state.results = results;
    renderHome();
    if (q.has('number') && state.results.length === 1) navigate({ key: state.results[0].householdNumber, on: '', knownAt: '', version: null }, true);
  } catch (e) {
    $('search-status').textContent = t('search.failed');
    handleError(e);
  }
}

function renderHome() {
  const n = state.results.length;
  $('search-status').textContent = n ? t('search.count', { n }) : t('search.none');
  $('results').replaceChildren(...state.results.map((h) => el('li', {},
    el('a', { class: 'result', href: urlFor({ key: h.householdNumber }), onclick: (e) => { e.preventDefault(); navigate({ key: h.householdNumber, on: '', knownAt: '', version: null }, true); } },
      el('strong', { class: 'number' }, h.householdNumber), ' ', el('span', {}, h.holderName),
      el('span', { class: 'muted small' }, ` · ${t('households.members', { n: h.members })} · ${t('households.opened', { date: h.openedOn })}`)))));
}

// ---- Household ----------------------------------------------------------------------------------------------
async function loadHousehold() {
  const seq = ++state.seq;
  const r = state.route;
  const base = `/households/${encodeURIComponent(r.key)}`;
  const q = new URLSearchParams();
  if (r.on) q.set('on', r.on);
  if (r.knownAt && !r.version) q.set('knownAt', r.knownAt);
  const path = r.version ? `${base}/history/${r.version}` : `${base}/coverage`;
  $('household').setAttribute('aria-busy', 'true');
  try {
    const history = state.eventsKey === r.key ? Promise.resolve(state.events) : api(`${base}/history`);
    const [events, view] = await Promise.all([history, api(q.size ? `${path}?${q}` : path)]);
    // What a version changed is the view after it against the view before it, on the same date.
    const prev = r.version > 1 ? await api(`${base}/history/${r.version - 1}?on=${view.on}`) : null;
    if (seq !== state.seq) return; // a newer step superseded this one
    Object.assign(state, { events, eventsKey: r.key, view, prev });
    if (!r.version && !r.knownAt && events.length && view.version > events.at(-1).version) state.eventsKey = null; // written meanwhile
    renderHousehold();
  } catch (e) {
    if (seq === state.seq) handleError(e);
  } finally {
    if (seq === state.seq) $('household').removeAttribute('aria-busy');
  }
}

function renderHousehold() {
  // Re-rendering replaces elements: keep the keyboard focus on the control the agent was using.
  const focusKey = document.activeElement?.dataset?.focusKey;
  drawHousehold();
  if (focusKey) document.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
}

function drawHousehold() {
  const { view, events, route: r } = state;
  const holder = view.members.find((m) => m.personId === view.holderId);
  document.title = `${view.householdNumber} · ${t('app.title')}`;
  $('household-heading').textContent = t('view.heading', { number: view.householdNumber, holder: holder?.name ?? '' });
  const known = r.version ? t('view.known.version', { version: r.version })
    : view.knownAt ? t('view.known.at', { at: `${time.formatInstant(view.knownAt)}` }) : t('view.known.now');
  $('household-sub').textContent = t('view.asOf', { on: view.on, known });

  $('on').value = view.on;
  const zoned = r.knownAt ? time.toZonedInputs(r.knownAt) : { date: '', time: '' };
  $('known-date').value = zoned.date;
  $('known-time').value = zoned.time;
  $('zone').textContent = t('moment.zone', { zone: time.getZone() });
  renderMoments(events, r);

  const onPick = (date) => navigate({ on: date });
  const cut = r.version ? events.filter((e) => e.version <= r.version)
    : view.knownAt ? events.filter((e) => Date.parse(e.recordedAt) <= Date.parse(view.knownAt)) : events;
  $('view-body').replaceChildren(renderMembers(view), renderPolicies(view), renderTimeline(view, claimsFromHistory(cut), onPick), renderClaims(view));

  const selected = r.version ?? (view.knownAt ? view.version : null);
  const slider = $('version-slider');
  slider.max = String(Math.max(1, events.length));
  slider.value = String(r.version ?? view.version);
  slider.setAttribute('aria-valuetext', `v${slider.value}`);
  $('prev').disabled = (r.version ?? events.length + 1) <= 1;
  $('next').disabled = !r.version || r.version >= events.length;
  $('live').disabled = !r.version && !r.knownAt;
  $('position').textContent = r.version ? t('history.position', { version: r.version, total: events.length })
    : t('history.position.live', { total: events.length });
  $('changes').replaceChildren(...(r.version ? diffViews(state.prev, view) : [t('history.changed.live')]).map((line) => el('li', {}, line)));
  const select = (version) => navigate({ version, knownAt: '' });
  $('bitemporal').replaceChildren(renderBitemporal(events, selected, select));
  const list = $('events');
  const names = namesFromHistory(events);
  renderEvents(list, events, names, selected, select);
  for (const li of list.children) {
    if (view.knownAt && Date.parse(events[Number(li.dataset.version) - 1]?.recordedAt) > Date.parse(view.knownAt)) li.classList.add('unknown');
  }
  revealSelected(list);
}

/** Scroll the event list, never the page, so the view stays where the agent is looking. */
function revealSelected(list) {
  const row = list.querySelector('li.selected');
  if (!row) return;
  const [box, item] = [list.getBoundingClientRect(), row.getBoundingClientRect()];
  if (item.top < box.top) list.scrollTop -= box.top - item.top;
  else if (item.bottom > box.bottom) list.scrollTop += item.bottom - box.bottom;
}

function renderMoments(events, r) {
  // One entry per recorded instant (a command's events share one): "as known right after it".
  const seen = new Map();
  for (const e of events) seen.set(e.recordedAt, e);
  const names = namesFromHistory(events);
  const options = [el('option', { value: '' }, t('moment.quick.none'))];
  for (const [at, e] of seen) {
    options.push(el('option', { value: at, selected: r.knownAt && Date.parse(r.knownAt) === Date.parse(at) ? true : null },
      t('moment.quick.after', { version: e.version, at: time.formatInstant(at), type: describeEvent(e, names).title })));
  }
  $('moments').replaceChildren(...options);
}

function step(delta) {
  const n = state.events.length;
  if (!n || !state.route.key) return;
  const current = state.route.version;
  // From the latest view, ← shows the latest version with what it changed.
  const target = current == null ? (delta < 0 ? n : null) : Math.max(1, Math.min(n, current + delta));
  if (target != null && target !== current) navigate({ version: target, knownAt: '' });
}

// ---- Start --------------------------------------------------------------------------------------------------
function wire() {
  $('lang').addEventListener('click', () => {
    const next = language() === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem('ledger.lang', next);
    setLanguage(next);
    applyLanguage();
    $('lang').focus();
  });
  $('dev-token').addEventListener('click', async () => {
    const res = await fetch('/console/dev-token', { method: 'POST', headers: { Accept: 'application/json' } }).catch(() => null);
    const body = res?.ok ? await res.json().catch(() => null) : null;
    if (!body?.token) { state.signInProblem = { kind: 'dev', what: res ? `HTTP ${res.status}` : t('error.unreachable') }; showSignIn(); return; }
    sessionStorage.setItem(TOKEN, body.token);
    route();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
    const claims = value ? tokenClaims(value) : null;
    const problem = !value ? 'empty' : !claims ? 'malformed' : null;
    if (problem) { state.signInProblem = { kind: problem }; showSignIn(); $('token-input').focus(); return; }
    if (expired(claims)) {
      state.signInProblem = { kind: 'expired' };
      $('sign-in-problem').hidden = false;
      $('sign-in-problem').className = 'problem';
      $('sign-in-problem').textContent = t('signin.expired', { at: time.formatInstant(new Date(claims.exp * 1000).toISOString()) });
      return;
    }
    sessionStorage.setItem(TOKEN, value);
    $('token-input').value = '';
    route();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(TOKEN); state.signInProblem = null; route(); });
  $('home-link').addEventListener('click', (e) => { e.preventDefault(); navigate({ key: null }, true); });
  $('search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    history.pushState(null, '', '/console/');
    state.route = { key: null };
    showOnly('home');
    await loadHome($('search-input').value);
  });
  $('moment-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const knownAt = $('known-date').value ? time.fromZonedInputs($('known-date').value, $('known-time').value) : '';
    navigate({ on: $('on').value, knownAt, version: null });
  });
  $('now').addEventListener('click', () => navigate({ on: '', knownAt: '', version: null }));
  $('moments').addEventListener('change', () => navigate({ knownAt: $('moments').value, version: null }));
  $('prev').addEventListener('click', () => step(-1));
  $('next').addEventListener('click', () => step(1));
  $('live').addEventListener('click', () => navigate({ version: null, knownAt: '' }));
  let sliding = 0;
  $('version-slider').addEventListener('input', () => {
    clearTimeout(sliding);
    const version = Number($('version-slider').value);
    sliding = setTimeout(() => navigate({ version, knownAt: '' }), 120);
  });
  document.addEventListener('keydown', (e) => {
    if ((e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // Arrows keep their meaning in fields, sliders and lists of choices.
    if (!state.route.key || e.target.closest?.('input, select, textarea, [contenteditable]')) return;
    e.preventDefault();
    step(e.key === 'ArrowLeft' ? -1 : 1);
  });
  window.addEventListener('popstate', route);
}

function applyLanguage() {
  translatePage();
  // The switch is written in the language it switches to.
  $('lang').textContent = t('lang.switch');
  $('lang').lang = language() === 'en' ? 'zh-CN' : 'en';
  if (!$('sign-in').hidden) showSignIn();
  else if (token()) showSignedIn();
  if (!$('home').hidden) renderHome();
  if (!$('household').hidden && state.view) renderHousehold();
}

async function start() {
  const asked = new URLSearchParams(location.search).get('lang');
  setLanguage(asked ?? localStorage.getItem('ledger.lang') ?? 'zh-CN');
  takeTokenFromFragment();
  wire();
  applyLanguage();
  const settings = await fetch('/console/settings').then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (settings) state.settings = settings;
  time.setZone(state.settings.timeZone);
  await route();
  document.body.dataset.ready = 'true';
}

start();
