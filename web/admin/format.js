// format.js — how the admin page writes times and roles: instants in China time, a
// "from / to" input (China time) as the instant the service is asked about, and a role's
// title from `/api/roles` in the current language.

import { currentLang } from '../kernel/i18n.js';
import { roleTitle } from '../kernel/session.js';

/** An instant as "2026-12-08 09:40:12" in China time; empty for none. */
export function chinaTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** A `datetime-local` value read as China time, as RFC 3339 ("2026-12-08T09:40:00+08:00"); undefined for none. */
export function instantOf(value) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value || '');
  return m ? `${m[1]}T${m[2]}:00+08:00` : undefined;
}

/** The roles of `/api/roles` by name, titled in the current language. */
export class RoleTitles {
  constructor(roles) {
    this.roles = roles;
    this.byName = new Map(roles.map((r) => [r.name, r]));
  }

  /** A role's title; the kernel's string (or its name) for a role not listed. */
  title(name) {
    const role = this.byName.get(name);
    if (!role) return roleTitle(name);
    return (currentLang() === 'en' ? role.title_en : role.title_zh) || name;
  }
}
