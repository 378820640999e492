// format.js — how the statistics page writes figures: shares as %, hours as h, ratings,
// a dash for "none".

import { currentLang, formatCount, t } from '../kernel/i18n.js';

const NONE = '—';

/** A count with grouping. */
export const count = (n) => formatCount(n ?? 0);

/** A share from 0 to 1 as "95.4%"; a dash for null. */
export function percent(share) {
  if (share === null || share === undefined) return NONE;
  return `${(share * 100).toFixed(1)}%`;
}

/** Hours as "3.5 小时" / "3.5 h"; a dash for null. */
export function hours(h) {
  if (h === null || h === undefined) return NONE;
  return t('stats.hours', { n: h < 10 ? h.toFixed(1) : Math.round(h).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN') });
}

/** A mean rating as "4.62"; a dash for null. */
export function rating(mean) {
  return mean === null || mean === undefined ? NONE : mean.toFixed(2);
}

/** An instant as a date and time in China time. */
export function dateTime(iso) {
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}
