// Small DOM helpers. Everything from the API goes in as text nodes, never as HTML: names and reasons are user input.
import { language } from './i18n.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const svg = tag.startsWith('svg:');
  const node = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k === 'style') Object.assign(node.style, v); // CSSOM, allowed by the page's content security policy
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c != null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

const moneyFormat = () => new Intl.NumberFormat(language() === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 2600 → "2,600.00". */
export const money = (amount) => (amount == null ? '—' : moneyFormat().format(Number(amount)));

export const percent = (share) => `${Math.round(Number(share) * 1000) / 10}%`;

/** A "copy" button for ids, which stay out of the main view. */
export function copyButton(text, label, doneLabel) {
  const button = el('button', { type: 'button', class: 'small' }, label);
  button.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(text); button.textContent = doneLabel; } catch { /* no clipboard: the id is shown beside */ }
  });
  return button;
}
