// format.js — how the worker page writes times: time left to a deadline, a date and time in
// China time, a time limit ({"working_days":N} or {"working_hours":N}).

import { currentLang, t } from '../kernel/i18n.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "剩 3 小时" / "超期 2 天": wall-clock time from `now` to `deadline` (ISO text). */
export function timeLeft(deadline, now = Date.now()) {
  const ms = new Date(deadline).getTime() - now;
  const prefix = ms >= 0 ? 'worker.left' : 'worker.over';
  const abs = Math.abs(ms);
  if (abs < HOUR) return t(`${prefix}.minutes`, { n: Math.max(1, Math.floor(abs / MINUTE)) });
  if (abs < 2 * DAY) return t(`${prefix}.hours`, { n: Math.floor(abs / HOUR) });
  return t(`${prefix}.days`, { n: Math.floor(abs / DAY) });
}

/** An instant as a short date and time in China time, e.g. "11-23 14:05". */
export function dateTime(iso) {
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/** A time limit as "2 个工作日". */
export function timeLimit(limit) {
  if (!limit) return '';
  if ('working_days' in limit) return t('worker.time.workingDays', { n: limit.working_days });
  return t('worker.time.workingHours', { n: limit.working_hours });
}

/** A name in the current language from `{"zh","en"}`. */
export function named(names, fallback = '') {
  if (!names) return fallback;
  return (currentLang() === 'en' ? names.en : names.zh) || names.zh || fallback;
}
