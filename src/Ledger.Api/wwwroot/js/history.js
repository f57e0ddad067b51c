// The history beside the state: events in words, what a version changed, and the bitemporal picture.
import { t } from './i18n.js';
import { el, money } from './dom.js';
import { describeEvent, isCorrection, statusLabel } from './words.js';
import { formatInstant, dateOfInstant, daysBetween, dayNumber } from './time.js';

/** Is the event recorded after the day it took effect (a late report, a backdated fact)? */
export const isBackdated = (e) => e.effectiveDate != null && daysBetween(e.effectiveDate, dateOfInstant(e.recordedAt)) > 1;

export function renderEvents(list, events, names, selected, onSelect) {
  list.replaceChildren(...events.map((e) => {
    const words = describeEvent(e, names);
    const current = e.version === selected;
    return el('li', { class: current ? 'selected' : null, 'data-version': e.version },
      el('button', { type: 'button', class: 'event', 'aria-current': current ? 'step' : null, 'data-focus-key': `event:${e.version}`, onclick: () => onSelect(e.version) },
        el('span', { class: 'v' }, `v${e.version}`),
        el('span', { class: 'what' }, el('strong', {}, words.title), words.detail ? ` · ${words.detail}` : ''),
        el('span', { class: 'meta muted small' },
          [t('history.effective', { date: e.effectiveDate ?? t('none') }), t('history.recorded', { at: formatInstant(e.recordedAt) }), e.actor, e.reason]
            .filter(Boolean).join(' · '),
          isBackdated(e) ? el('span', { class: 'late-tag' }, ` · ${t('bitemporal.legend.late')}`) : null)));
  }));
}

const byId = (items, key) => new Map((items ?? []).map((x) => [x[key], x]));

/** What changed in the view between two versions, in words. */
export function diffViews(before, after) {
  if (!before) return [t('history.changed.first')];
  const out = [];
  const names = new Map([...before.members, ...after.members].map((m) => [m.personId, m.name]));
  const product = (p) => p?.productCode ?? '?';
  const beforeMembers = byId(before.members, 'personId');
  for (const m of after.members) {
    const was = beforeMembers.get(m.personId);
    if (!was) { out.push(t('diff.memberAdded', { name: m.name, rel: t(`rel.${m.relationship}`) })); continue; }
    const what = ['name', 'dateOfBirth', 'relationship', 'status', 'leftOn'].filter((f) => was[f] !== m[f])
      .map((f) => `${t(`field.${f}`)} ${was[f] ?? t('none')} → ${m[f] ?? t('none')}`);
    if (what.length) out.push(t('diff.memberChanged', { name: m.name, what: what.join('，') }));
  }
  for (const m of before.members) if (!after.members.some((x) => x.personId === m.personId)) out.push(t('diff.memberRemoved', { name: m.name }));

  const beforePolicies = byId(before.policies, 'policyId');
  for (const p of after.policies) {
    const was = beforePolicies.get(p.policyId);
    if (!was) { out.push(t('diff.policyAdded', { product: product(p), status: statusLabel(p.status) })); continue; }
    if (was.status !== p.status) out.push(t('diff.policyStatus', { product: product(p), from: statusLabel(was.status), to: statusLabel(p.status) }));
    if (was.paidThrough !== p.paidThrough) out.push(t('diff.policyField', { product: product(p), field: t('field.paidThrough'), from: was.paidThrough ?? t('none'), to: p.paidThrough ?? t('none') }));
    if (was.premiumBalance !== p.premiumBalance) out.push(t('diff.policyField', { product: product(p), field: t('field.premiumBalance'), from: money(was.premiumBalance), to: money(p.premiumBalance) }));
    const wasInsured = byId(was.insured, 'personId');
    for (const i of p.insured) {
      const w = wasInsured.get(i.personId);
      if (!w) out.push(t('diff.insuredAdded', { product: product(p), name: names.get(i.personId) ?? '?' }));
      else if (w.coverTo !== i.coverTo) out.push(t('diff.insuredChanged', { product: product(p), name: names.get(i.personId) ?? '?', from: w.coverTo, to: i.coverTo }));
    }
  }
  const beforeClaims = byId(before.claims, 'claimId');
  const policyOf = byId(after.policies, 'policyId');
  for (const c of after.claims) {
    const was = beforeClaims.get(c.claimId);
    const person = names.get(c.personId) ?? '?';
    if (!was) {
      out.push(t('diff.claimAdded', { person, date: c.lossDate, amount: `${money(c.amount)} (${product(policyOf.get(c.policyId))})`, status: c.outcome ? t(`cstatus.${c.status}`) : '…' }));
      continue;
    }
    const what = [];
    if (was.status !== c.status) what.push(`${t('field.status')} ${t(`cstatus.${was.status}`)} → ${t(`cstatus.${c.status}`)}`);
    if (was.payable !== c.payable) what.push(`${t('field.payable')} ${money(was.payable)} → ${money(c.payable)}`);
    if (what.length) out.push(t('diff.claimChanged', { person, date: c.lossDate, what: what.join('，') }));
  }
  const beforeApps = new Set((before.applications ?? []).map((a) => a.policyId));
  for (const a of after.applications ?? []) if (!beforeApps.has(a.policyId)) out.push(t('diff.application', { product: a.productCode }));
  return out.length ? out : [t('history.changed.none')];
}

/**
 * Effective date (up) against recorded time (across). Events on the diagonal were recorded as they happened;
 * points far below it are backdated facts, corrections are drawn apart.
 */
export function renderBitemporal(events, selected, onSelect) {
  const W = 360, H = 190, L = 54, B = 22, T = 8, R = 8;
  if (!events.length) return el('p', { class: 'muted' }, t('history.loading'));
  const rec = events.map((e) => Date.parse(e.recordedAt));
  const minR = Math.min(...rec), maxR = Math.max(...rec);
  const spanSeconds = (maxR - minR) / 1000;
  const byOrder = spanSeconds < 60;
  const eff = events.map((e) => dayNumber(e.effectiveDate ?? dateOfInstant(e.recordedAt)));
  const minE = Math.min(...eff), maxE = Math.max(...eff);
  const px = (i) => L + (W - L - R) * (byOrder ? (events.length === 1 ? 0.5 : i / (events.length - 1)) : (rec[i] - minR) / Math.max(1, maxR - minR));
  const yOf = (day) => H - B - (H - B - T) * (maxE === minE ? 0.5 : (day - minE) / (maxE - minE));
  const py = (i) => yOf(eff[i]);
  // Where effective date = recorded date: events on it were recorded as they happened, those below it late.
  const diagonal = byOrder ? null : el('svg:line', { class: 'diagonal', x1: L, x2: W - R,
    y1: yOf(dayNumber(dateOfInstant(new Date(minR).toISOString()))), y2: yOf(dayNumber(dateOfInstant(new Date(maxR).toISOString()))) });
  const late = events.filter(isBackdated).length, corr = events.filter(isCorrection).length;
  const fmtDay = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, class: 'bitemporal', role: 'img',
    'aria-label': `${t('bitemporal.heading')}: ${t('bitemporal.summary', { n: events.length, late, corr })}` },
    el('svg:line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    el('svg:line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    diagonal,
    el('svg:text', { x: L - 4, y: T + 8, class: 'tick', 'text-anchor': 'end' }, fmtDay(maxE).slice(0, 7)),
    el('svg:text', { x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end' }, fmtDay(minE).slice(0, 7)),
    el('svg:text', { x: L, y: H - 6, class: 'tick' }, formatInstant(new Date(minR).toISOString()).slice(0, 16)),
    el('svg:text', { x: W - R, y: H - 6, class: 'tick', 'text-anchor': 'end' }, formatInstant(new Date(maxR).toISOString()).slice(0, 16)),
    events.map((e, i) => {
      const kind = isCorrection(e) ? 'correction' : isBackdated(e) ? 'late' : 'normal';
      const shape = kind === 'correction'
        ? el('svg:rect', { x: px(i) - 5, y: py(i) - 5, width: 10, height: 10, transform: `rotate(45 ${px(i)} ${py(i)})`, class: `pt ${kind}` })
        : el('svg:circle', { cx: px(i), cy: py(i), r: kind === 'late' ? 4.5 : 3.5, class: `pt ${kind}` });
      const g = el('svg:g', { class: e.version === selected ? 'selected' : null, onclick: () => onSelect(e.version) },
        el('svg:title', {}, `v${e.version} ${describeEvent(e, { people: new Map(), policies: new Map(), claims: new Map() }).title} · ${t('history.effective', { date: e.effectiveDate ?? '' })} · ${t('history.recorded', { at: formatInstant(e.recordedAt) })}`),
        e.version === selected ? el('svg:circle', { cx: px(i), cy: py(i), r: 8, class: 'ring' }) : null, shape);
      return g;
    }));
  return el('div', {},
    svg,
    el('p', { class: 'small muted' }, t('bitemporal.summary', { n: events.length, late, corr }), byOrder ? ` ${t('bitemporal.byOrder', { s: Math.ceil(spanSeconds) })}` : ''),
    el('p', { class: 'legend small' },
      el('span', {}, el('i', { class: 'dot normal', 'aria-hidden': 'true' }), t('bitemporal.legend.normal')),
      el('span', {}, el('i', { class: 'dot late', 'aria-hidden': 'true' }), t('bitemporal.legend.late')),
      el('span', {}, el('i', { class: 'dot correction', 'aria-hidden': 'true' }), t('bitemporal.legend.correction'))));
}

/** Claims as the history knows them up to a cut (for the timeline: claims after the viewed date are shown too). */
export function claimsFromHistory(events) {
  const claims = new Map();
  for (const e of events) {
    const d = e.data ?? {};
    if (e.type === 'ClaimSubmitted') claims.set(d.claimId, { claimId: d.claimId, policyId: d.policyId, personId: d.personId, lossDate: d.lossDate, outcome: null });
    else if (d.claimId && d.adjudication && claims.has(d.claimId)) claims.get(d.claimId).outcome = d.adjudication.outcome;
    else if (e.type === 'ClaimWithdrawn' && claims.has(d.claimId)) claims.get(d.claimId).outcome = 'withdrawn';
  }
  return [...claims.values()];
}
