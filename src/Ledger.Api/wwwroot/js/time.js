// Dates and instants in the insurer's time zone (the ledger's Ledger:TimeZone), whatever the browser's zone is.

let zone = 'Asia/Shanghai';
export const setZone = (z) => { if (z) zone = z; };
export const getZone = () => zone;

const partsFormatter = () => new Intl.DateTimeFormat('en-CA', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

function wallClock(ms) {
  const p = Object.fromEntries(partsFormatter().formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

/** An ISO instant as "2025-03-21 10:14:09" in the insurer's zone. */
export function formatInstant(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso ?? '';
  const w = wallClock(ms);
  return `${w.date} ${w.time}`;
}

/** The insurer's calendar date of an instant. */
export const dateOfInstant = (iso) => wallClock(Date.parse(iso)).date;

/** Date and time inputs' values for an instant, in the insurer's zone. */
export function toZonedInputs(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? { date: '', time: '' } : wallClock(ms);
}

/**
 * The UTC instant of a wall-clock date and time in the insurer's zone. The zone's offset is found by asking what
 * wall clock a first guess gives, twice, which settles across a daylight-saving change.
 */
export function fromZonedInputs(date, time) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return '';
  const [h = '00', m = '00', s = '00'] = (time || '23:59:59').split(':');
  const wanted = Date.parse(`${date}T${h.padStart(2, '0')}:${m.padStart(2, '0')}:${(s || '00').slice(0, 2).padStart(2, '0')}Z`);
  if (Number.isNaN(wanted)) return '';
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess);
    const seen = Date.parse(`${w.date}T${w.time}Z`);
    guess += wanted - seen;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

const DAY = 86400000;
export const dayNumber = (d) => Math.round(Date.parse(`${d}T00:00:00Z`) / DAY);
export const fromDayNumber = (n) => new Date(n * DAY).toISOString().slice(0, 10);
export const addDays = (d, n) => fromDayNumber(dayNumber(d) + n);
export const daysBetween = (a, b) => dayNumber(b) - dayNumber(a);

/** Whole years from a birth date to a date (the ledger's age). */
export function ageOn(birth, on) {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
