// time.js — the planner's instants: shown in China time, and the "as of" date turned into the
// instant the service is asked about (the start of that day in China, as RFC 3339 in UTC).

import { currentLang } from '../app/i18n.js';

/** An instant as a date and time in China time; empty for none. */
export function chinaTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/** "2026-12-01" → "2026-11-30T16:00:00Z", the start of that day in China; null for none. */
export function asOfInstant(date) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '')) return null;
  return new Date(`${date}T00:00:00+08:00`).toISOString().replace('.000Z', 'Z');
}
