// dom.js — a tiny element builder, so views build DOM from data without innerHTML (names
// and codes come from the database and are always set as text).

/**
 * Builds an element: `h('p', { class: 'x', onclick: fn }, 'text', child)`.
 * Attributes starting with "on" become listeners; `html` sets trusted markup (our own SVG);
 * null, undefined and false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'html') {
      el.innerHTML = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}
