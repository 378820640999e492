// time.js — the planner's instants: shown in China time, and the "as of" date and time (China
// time) turned into the instant the service is asked about, as RFC 3339 in UTC.

import { currentLang } from '../kernel/i18n.js';

/** An instant as a date and time in China time; empty for none. */
export function chinaTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/**
 * A China date and time from the "as of" input as RFC 3339 in UTC: "2026-12-01T08:30" →
 * "2026-12-01T00:30:00Z"; a date alone means the start of that day; null for none.
 */
export function asOfInstant(value) {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?$/.exec(value || '');
  if (!m) return null;
  return new Date(`${m[1]}T${m[2] || '00:00'}:00+08:00`).toISOString().replace('.000Z', 'Z');
}
