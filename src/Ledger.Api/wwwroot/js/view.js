// The household on one date as known at one moment: members, policy cards, the cover timeline, claims.
import { t } from './i18n.js';
import { el, money, copyButton } from './dom.js';
import { policyReason, statusLabel, coverWords, memberAge, rolesOf, claimSteps } from './words.js';
import { dayNumber, fromDayNumber, daysBetween } from './time.js';

const nameMap = (view) => new Map(view.members.map((m) => [m.personId, m.name]));

export function renderMembers(view) {
  const policies = view.policies ?? [];
  const rows = view.members.map((m) => {
    const roles = rolesOf(m.personId, policies);
    const status = m.status === 'left' ? t('members.left', { date: m.leftOn, cause: t(`cause.${m.leaveCause}`) })
      : m.status === 'notYetJoined' ? t('members.notYet', { date: m.joinedOn })
      : m.leftOn && m.leaveCause === 'death' ? `${t('status.member')} · ${t('members.left', { date: m.leftOn, cause: t('cause.death') })}`
      : t('status.member');
    return el('tr', { 'data-person': m.name },
      el('th', { scope: 'row' }, m.name),
      el('td', {}, t(`rel.${m.relationship}`)),
      el('td', {}, memberAge(m, view.on)),
      el('td', {}, el('span', { class: `badge member-${m.status}` }, status)),
      el('td', {}, roles.length ? el('ul', { class: 'roles' }, roles.map((r) => el('li', {}, el('strong', {}, r.product), ' ', r.roles.join('、'))))
        : el('span', { class: 'muted' }, t('members.noRoles'))));
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'members-heading' },
    el('h2', { id: 'members-heading' }, t('members.heading')),
    el('table', { class: 'members' },
      el('thead', {}, el('tr', {}, ['members.name', 'members.relationship', 'members.age', 'members.status', 'members.roles'].map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, rows)));
}

function bar(label, allowance) {
  if (!allowance || allowance.allowed == null) return null;
  const share = allowance.allowed > 0 ? Math.min(1, allowance.used / allowance.allowed) : 0;
  return el('div', { class: 'counter' },
    el('div', { class: 'counter-label' }, el('span', {}, label),
      el('span', { class: 'muted' }, t('policy.counter.text', { used: money(allowance.used), allowed: money(allowance.allowed), remaining: money(allowance.remaining) }))),
    el('div', { class: 'bar', 'aria-hidden': 'true' }, el('div', { class: share >= 1 ? 'fill full' : 'fill', style: { width: `${share * 100}%` } })));
}

function policyCard(p, view, names) {
  const balance = p.premiumBalance > 0 ? t('policy.balance.owed', { amount: money(p.premiumBalance) })
    : p.premiumBalance < 0 ? t('policy.balance.credit', { amount: money(-p.premiumBalance) }) : t('policy.balance.zero');
  const counters = p.counters ?? {};
  const personBars = (counters.persons ?? []).flatMap((c) => {
    const name = names.get(c.personId) ?? '?';
    return p.category === 'criticalIllness'
      ? [bar(t('policy.sumInsured', { name }), c.limit)]
      : [bar(t('policy.personDeductible', { name }), c.deductible), bar(t('policy.personLimit', { name }), c.limit)];
  });
  return el('article', { class: `card policy status-${p.status}`, 'data-product': p.productCode, 'aria-labelledby': `policy-${p.policyId}` },
    el('header', { class: 'card-head' },
      el('h3', { id: `policy-${p.policyId}` }, p.productCode, el('span', { class: 'muted category' }, ` ${t(`cat.${p.category}`)}`)),
      el('span', { class: `badge pstatus-${p.status}` }, statusLabel(p.status))),
    p.productName ? el('p', { class: 'muted small' }, p.productName) : null,
    el('p', { class: 'reason' }, policyReason(p)),
    el('dl', { class: 'facts' },
      el('dt', {}, t('policy.term')), el('dd', {}, `${p.term.start} – ${p.term.end}`),
      el('dt', {}, t('policy.paidThrough')), el('dd', {}, p.paidThrough ?? t('policy.paidThrough.none')),
      el('dt', {}, t('policy.balance')), el('dd', {}, balance),
      el('dt', {}, t('policy.annualPremium')), el('dd', {}, `${money(p.annualPremium)} ${p.currency}`),
      el('dt', {}, t('role.policyholder')), el('dd', {}, names.get(p.policyholderId) ?? '?')),
    p.insured.length ? el('div', {},
      el('h4', {}, t('policy.insured')),
      el('ul', { class: 'insured' }, p.insured.map((i) => el('li', { 'data-person': names.get(i.personId) ?? '' },
        el('strong', {}, names.get(i.personId) ?? '?'),
        el('ul', { class: 'cover' }, coverWords(p, i, view.on).map((line) => el('li', { class: line.ok ? 'ok' : 'no' }, el('span', { 'aria-hidden': 'true' }, line.ok ? '✓ ' : '✗ '), line.text))))))) : null,
    p.vehicles?.length ? el('div', {}, el('h4', {}, t('policy.vehicles')),
      el('ul', { class: 'insured' }, p.vehicles.map((v) => el('li', {}, el('strong', {}, v.plate), ` ${v.coverFrom} – ${v.coverTo} · ${money(v.annualPremium)}`)))) : null,
    el('div', { class: 'counters' }, el('h4', {}, t('policy.counters')),
      bar(t('policy.familyDeductible'), counters.familyDeductible), bar(t('policy.familyLimit'), counters.familyLimit), personBars),
    idsOnDemand(p.policyId));
}

/** Ids stay out of the main view: under a closed "编号" with a copy button, for when someone asks for one. */
const idsOnDemand = (id, ...more) => el('details', { class: 'ids' }, el('summary', {}, t('policy.ids')), more,
  el('p', {}, el('code', {}, id), ' ', copyButton(id, t('policy.copy'), t('policy.copied'))));

export function renderPolicies(view) {
  const names = nameMap(view);
  return el('section', { class: 'panel', 'aria-labelledby': 'policies-heading' },
    el('h2', { id: 'policies-heading' }, t('policies.heading')),
    view.policies.length ? el('div', { class: 'cards' }, view.policies.map((p) => policyCard(p, view, names)))
      : el('p', { class: 'muted' }, t('policies.none')),
    (view.applications ?? []).length ? el('div', { class: 'applications' }, el('h3', {}, t('applications.heading')),
      el('ul', {}, view.applications.map((a) => el('li', {}, el('strong', {}, a.productCode ?? '?'), ` · ${t(`underwriting.${a.underwriting}`)}`,
        a.reasons?.length ? ` · ${a.reasons.join(' ')}` : '')))) : null);
}

function claimCard(c, view, names) {
  const policy = view.policies.find((p) => p.policyId === c.policyId);
  const steps = claimSteps(c, policy);
  return el('article', { class: `card claim cstatus-${c.status}`, 'data-payable': money(c.payable), 'aria-labelledby': `claim-${c.claimId}` },
    el('header', { class: 'card-head' },
      el('h3', { id: `claim-${c.claimId}` }, t('claim.title', { person: names.get(c.personId) ?? '?', product: policy?.productCode ?? '?' })),
      el('span', { class: `badge cstatus-${c.status}` }, t(`cstatus.${c.status}`))),
    el('p', { class: 'muted' }, t('claim.loss', { date: c.lossDate, cause: t(`cause.${c.cause}`), reported: c.reportedOn }),
      c.description ? el('span', {}, ` · ${t('claim.description', { text: c.description })}`) : null),
    el('table', { class: 'steps' },
      el('caption', { class: 'sr-only' }, t('claim.title', { person: names.get(c.personId) ?? '?', product: policy?.productCode ?? '?' })),
      el('tbody', {}, steps.map((s) => el('tr', { class: `step-${s.key}` },
        el('th', { scope: 'row' }, t(`step.${s.key}`)),
        el('td', { class: 'amount' }, `${s.sign} ${money(s.amount)}`.trim()),
        el('td', { class: 'why' }, s.why ?? ''))))),
    c.paid > 0 ? el('p', {}, t('claim.paid', { amount: money(c.paid) })) : null,
    c.recoveryDue > 0 ? el('p', { class: 'warn' }, t('claim.recovery', { amount: money(c.recoveryDue) })) : null,
    idsOnDemand(c.claimId, c.explanation ? el('p', {}, `${t('claim.engine')}: ${c.explanation}`) : null));
}

export function renderClaims(view) {
  const names = nameMap(view);
  return el('section', { class: 'panel', 'aria-labelledby': 'claims-heading' },
    el('h2', { id: 'claims-heading' }, t('claims.heading')),
    view.claims.length ? el('div', { class: 'cards claims' }, view.claims.map((c) => claimCard(c, view, names)))
      : el('p', { class: 'muted' }, t('claims.none')));
}

/**
 * Per policy: the policy's status over its terms, each person's cover with the waiting period, and the claims,
 * on one day axis. A click on a track, or the slider under it, opens the household on that day.
 */
export function renderTimeline(view, claims, onPick) {
  const names = nameMap(view);
  const blocks = view.policies.filter((p) => p.timeline?.length).map((p) => {
    const start = p.timeline[0].from, end = p.timeline.at(-1).to;
    const span = Math.max(1, daysBetween(start, end) + 1);
    const x = (d) => `${Math.max(0, Math.min(1, daysBetween(start, d) / span)) * 100}%`;
    const w = (from, to) => `${Math.max(0.4, (daysBetween(from, to) + 1) / span * 100)}%`;
    const pick = (event) => {
      const track = event.currentTarget.getBoundingClientRect();
      const share = Math.max(0, Math.min(0.9999, (event.clientX - track.left) / track.width));
      onPick(fromDayNumber(dayNumber(start) + Math.floor(share * span)));
    };
    const track = (label, ...segments) => el('div', { class: 'tl-row' },
      el('div', { class: 'tl-label' }, label),
      el('div', { class: 'tl-track', onclick: pick }, segments,
        view.on >= start && view.on <= end ? el('div', { class: 'tl-on', style: { left: x(view.on) }, 'aria-hidden': 'true' }) : null));
    const policyRow = track(t('timeline.policy'),
      p.timeline.map((s) => el('div', { class: `tl-seg pstatus-${s.status}`, style: { left: x(s.from), width: w(s.from, s.to) }, title: `${statusLabel(s.status)} ${s.from} – ${s.to}` })),
      (p.reinstatements ?? []).map((d) => el('div', { class: 'tl-mark reinstated', style: { left: x(d) }, title: t('timeline.reinstated', { date: d }) })));
    const people = p.insured.map((i) => {
      const theirs = claims.filter((c) => c.policyId === p.policyId && c.personId === i.personId);
      return track(names.get(i.personId) ?? '?',
        el('div', { class: 'tl-seg cover', style: { left: x(i.coverFrom), width: w(i.coverFrom, i.coverTo) }, title: `${t('timeline.cover')} ${i.coverFrom} – ${i.coverTo}` }),
        i.illnessCoverFrom > i.coverFrom ? el('div', { class: 'tl-seg waiting', style: { left: x(i.coverFrom), width: w(i.coverFrom, fromDayNumber(dayNumber(i.illnessCoverFrom) - 1)) },
          title: `${t('timeline.waiting')} ${i.coverFrom} – ${fromDayNumber(dayNumber(i.illnessCoverFrom) - 1)}` }) : null,
        // Claims of one day sit side by side, so each can be clicked.
        theirs.map((c, k) => el('button', {
          type: 'button', class: `tl-claim outcome-${c.outcome ?? 'pending'}`, 'data-focus-key': `claim:${c.claimId}`,
          style: { left: x(c.lossDate), marginLeft: `${-8 + 12 * theirs.slice(0, k).filter((o) => o.lossDate === c.lossDate).length}px` },
          'aria-label': t('timeline.claim', { date: c.lossDate, person: names.get(c.personId) ?? '?', outcome: t(`cstatus.${c.outcome ?? 'referred'}`) }),
          title: t('timeline.claim', { date: c.lossDate, person: names.get(c.personId) ?? '?', outcome: t(`cstatus.${c.outcome ?? 'referred'}`) }),
          onclick: (e) => { e.stopPropagation(); onPick(c.lossDate); },
        })));
    });
    const slider = el('input', {
      type: 'range', min: 0, max: span - 1, step: 1, value: Math.max(0, Math.min(span - 1, daysBetween(start, view.on))),
      'aria-label': t('timeline.pick', { product: p.productCode }), 'aria-valuetext': view.on, class: 'tl-slider', 'data-focus-key': `day:${p.policyId}`,
    });
    const shown = el('output', { class: 'muted small' }, t('timeline.on', { on: view.on }));
    slider.addEventListener('input', () => {
      const d = fromDayNumber(dayNumber(start) + Number(slider.value));
      slider.setAttribute('aria-valuetext', d);
      shown.textContent = t('timeline.on', { on: d });
    });
    slider.addEventListener('change', () => onPick(fromDayNumber(dayNumber(start) + Number(slider.value))));
    return el('div', { class: 'tl-block', 'data-product': p.productCode },
      el('h3', {}, p.productCode, el('span', { class: 'muted small' }, ` ${start} – ${end}`)),
      policyRow, people,
      el('div', { class: 'tl-row' }, el('div', { class: 'tl-label' }), el('div', { class: 'tl-axis' }, el('span', {}, start), shown, el('span', {}, end))),
      el('div', { class: 'tl-row' }, el('div', { class: 'tl-label' }), slider));
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'timeline-heading' },
    el('h2', { id: 'timeline-heading' }, t('timeline.heading')),
    el('p', { class: 'muted small' }, t('timeline.help')),
    el('div', { class: 'legend small', 'aria-hidden': 'true' },
      ['active', 'inGrace', 'suspended', 'cancelled'].map((s) => el('span', {}, el('i', { class: `swatch pstatus-${s}` }), statusLabel(s))),
      el('span', {}, el('i', { class: 'swatch cover' }), t('timeline.cover')),
      el('span', {}, el('i', { class: 'swatch waiting' }), t('timeline.waiting'))),
    blocks);
}
