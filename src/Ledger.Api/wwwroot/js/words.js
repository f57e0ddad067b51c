// The ledger's facts in words: why a policy has its status, whether a person is covered, how a claim was paid,
// what an event did. Pure functions of API answers, so the view and the history say the same thing.
import { t, eventName } from './i18n.js';
import { money, percent } from './dom.js';
import { addDays, ageOn } from './time.js';

/** "suspended since 2025-03-03: the premium of 2,600.00 due 2025-01-01 was not paid; grace ended 2025-03-02". */
export function policyReason(p) {
  const r = p.statusReason ?? {};
  switch (p.status) {
    case 'pending': return t('reason.pending', { since: r.since ?? p.term.start });
    case 'active': return p.paidThrough ? t('reason.active', { paidThrough: p.paidThrough }) : t('reason.active.unpaid');
    case 'inGrace': return t('reason.inGrace', { since: r.since, due: r.dueDate, unpaid: money(r.unpaid), graceEnd: r.graceEnd });
    case 'suspended': return t('reason.suspended', { since: r.since, due: r.dueDate, unpaid: money(r.unpaid), graceEnd: r.graceEnd });
    case 'cancelled': return t('reason.cancelled', { since: r.since, last: r.since ? addDays(r.since, -1) : '' });
    case 'voided': return t('reason.voided', { since: r.since });
    case 'expired': return t('reason.expired', { since: r.since });
    default: return p.status;
  }
}

export const statusLabel = (status) => t(`pstatus.${status}`);

/** The person's cover on the view's date, in words: accidents and illness separately. */
export function coverWords(p, insured, on) {
  const lines = [];
  if (!['active', 'inGrace'].includes(p.status)) {
    lines.push({ ok: false, text: t('cover.policyOut', { status: statusLabel(p.status) }) });
    return lines;
  }
  if (on < insured.coverFrom) return [{ ok: false, text: t('cover.notYet', { from: insured.coverFrom }) }];
  if (on > insured.coverTo) return [{ ok: false, text: t('cover.ended', { to: insured.coverTo, cause: insured.endCause ?? '' }) }];
  lines.push({ ok: insured.covered, text: t(insured.covered ? 'cover.yes' : 'cover.no', { what: t('cover.accident') }) });
  if (insured.illnessCovered) lines.push({ ok: true, text: t('cover.yes', { what: t('cover.illness') }) });
  else if (insured.covered && on < insured.illnessCoverFrom) {
    lines.push({ ok: false, text: t('cover.waiting', { last: addDays(insured.illnessCoverFrom, -1), from: insured.illnessCoverFrom }) });
  } else lines.push({ ok: false, text: t('cover.no', { what: t('cover.illness') }) });
  return lines;
}

export function memberAge(m, on) {
  // The deceased do not grow older: after the death, the age is the age at death.
  if (m.leaveCause === 'death' && m.leftOn && on > m.leftOn) return t('members.ageAtDeath', { age: ageOn(m.dateOfBirth, m.leftOn) });
  return m.age == null ? t('none') : String(m.age);
}

/** The roles a person holds on each policy: 投保人, 被保险人, 受益人. */
export function rolesOf(personId, policies) {
  const result = [];
  for (const p of policies) {
    const roles = [];
    if (p.policyholderId === personId) roles.push(t('role.policyholder'));
    if (p.insured.some((i) => i.personId === personId)) roles.push(t('role.insured'));
    if (p.insured.some((i) => (i.beneficiaries ?? []).some((b) => b.personId === personId))) roles.push(t('role.beneficiary'));
    if (roles.length) result.push({ product: p.productCode, roles });
  }
  return result;
}

/**
 * A claim's payable as the steps from the amount claimed, each with its amount and the rule that applied in words.
 * The arithmetic is the ledger's (docs/claims.md): claimed − not covered − deductible, × coinsurance, capped by the
 * limits, minus the premium unpaid in grace = payable.
 */
export function claimSteps(claim, policy) {
  const b = claim.breakdown;
  if (!b) return [];
  const steps = [{ key: 'claimed', amount: b.claimed, sign: '' }];
  if (claim.outcome === 'rejected') {
    steps.push({ key: 'notCovered', amount: b.notCovered, sign: '−', why: t(`rule.${claim.rejectionCode}`) });
    steps.push({ key: 'payable', amount: 0, sign: '=' });
    return steps;
  }
  if (b.notCovered > 0) steps.push({ key: 'notCovered', amount: b.notCovered, sign: '−', why: t('why.notCovered.fixed', { eligible: money(b.eligible) }) });
  const c = policy?.conditions ?? {};
  let deductibleWhy = t('why.deductible.none');
  if (c.familyDeductible != null) {
    deductibleWhy = t('why.deductible.family', { allowed: money(c.familyDeductible), before: money(b.familyDeductibleUsedBefore), applied: money(b.deductible) });
  } else if (c.personDeductible != null) {
    deductibleWhy = t('why.deductible.person', { allowed: money(c.personDeductible), before: money(b.personDeductibleUsedBefore), applied: money(b.deductible) });
  }
  steps.push({ key: 'deductible', amount: b.deductible, sign: '−', why: deductibleWhy });
  const base = b.eligible - b.deductible;
  steps.push({ key: 'coinsurance', amount: Math.max(0, base - b.afterCoinsurance), sign: '−',
    why: t('why.coinsurance', { base: money(base), pct: percent(b.coinsurance), after: money(b.afterCoinsurance) }) });
  const limitWhy = b.limitReduction > 0
    ? t('why.limits.cut', { left: money(b.benefit), cut: money(b.limitReduction) })
    : b.personLimitRemaining != null ? t('why.limits.ok', { person: money(b.personLimitRemaining) }) : t('why.limits.none');
  steps.push({ key: 'limits', amount: b.limitReduction, sign: '−', why: limitWhy });
  steps.push({ key: 'premium', amount: b.premiumDeducted, sign: '−',
    why: b.premiumDeducted > 0 ? t('why.premium', { amount: money(b.premiumDeducted) }) : t('why.premium.none') });
  if (claim.outcome === 'referred') {
    steps.push({ key: 'referred', amount: b.benefit - b.premiumDeducted, sign: '=', why: t('why.referred', { threshold: money(b.referralThreshold) }) });
  } else steps.push({ key: 'payable', amount: b.payable, sign: '=' });
  return steps;
}

/** Names of people, policies and claims as the history recorded them, for saying what an event was about. */
export function namesFromHistory(events) {
  const people = new Map(), policies = new Map(), claims = new Map();
  for (const e of events) {
    const d = e.data ?? {};
    if (e.type === 'MemberJoined') people.set(d.personId, d.name);
    if (e.type === 'MemberDetailsCorrected' && d.name) people.set(d.personId, d.name);
    if (e.type === 'PolicyIssued') policies.set(d.policyId, d.productCode);
    if (e.type === 'UnderwritingDecided' && d.proposal?.productCode) policies.set(d.policyId, d.proposal.productCode);
    if (e.type === 'ClaimSubmitted') claims.set(d.claimId, d);
  }
  return { people, policies, claims };
}

// Events stored before enum values were spelt in camelCase say "Accepted", later ones "accepted" (docs/events.md).
const camel = (value) => (typeof value === 'string' && value.length > 0 ? value[0].toLowerCase() + value.slice(1) : value);

/** What one event said, in a line: "缴纳保费 · MED-FAMILY 943.56". */
export function describeEvent(e, names) {
  const d = e.data ?? {};
  const person = (id) => names.people.get(id) ?? '?';
  const product = (id) => names.policies.get(id) ?? '?';
  const claim = (id) => { const c = names.claims.get(id); return c ? `${person(c.personId)} ${c.lossDate}` : '?'; };
  let detail = '';
  switch (e.type) {
    case 'HouseholdOpened': detail = d.householdNumber ?? ''; break;
    case 'MemberJoined': detail = `${d.name} (${t(`rel.${d.relationship}`)})`; break;
    case 'MemberLeft': detail = `${person(d.personId)}: ${t(`cause.${d.cause}`)}`; break;
    case 'MemberDetailsCorrected': detail = `${person(d.personId)}: ${Object.keys(d).filter((k) => !['personId', 'effectiveDate'].includes(k) && d[k] != null).map((k) => `${t(`field.${k}`)} ${d[k]}`).join(', ')}`; break;
    case 'PolicyIssued': detail = `${d.productCode} ${d.termStart} – ${d.termEnd}`; break;
    case 'UnderwritingDecided': detail = `${product(d.policyId)}: ${t(`underwriting.${camel(d.outcome)}`)}${d.reasons?.length ? ` (${d.reasons[0]})` : ''}`; break;
    case 'PremiumDue': case 'PremiumPaid': detail = `${product(d.policyId)} ${money(d.amount)}`; break;
    case 'InsuredAdded': case 'InsuredRemoved': detail = `${product(d.policyId)} ${person(d.personId)}`; break;
    case 'ClaimSubmitted': detail = `${person(d.personId)} ${d.lossDate} ${money(d.amount)} (${product(d.policyId)})`; break;
    case 'ClaimAdjudicated': case 'ClaimReferred': case 'ClaimReviewed': case 'ClaimReadjudicated':
      detail = `${claim(d.claimId)}: ${t(`cstatus.${camel(d.adjudication?.outcome)}`)}${d.adjudication?.outcome === 'approved' ? ` ${money(d.adjudication.payable)}` : ''}`; break;
    case 'ClaimPaid': case 'ClaimWithdrawn': detail = `${claim(d.claimId)}${d.amount != null ? ` ${money(d.amount)}` : ''}`; break;
    default: if (d.policyId) detail = product(d.policyId); else if (d.personId) detail = person(d.personId);
  }
  return { title: eventName(e.type), detail };
}

/** Corrections stand out in the bitemporal picture: they change what the ledger said before. */
export const isCorrection = (e) => ['MemberDetailsCorrected', 'ClaimReadjudicated'].includes(e.type);
