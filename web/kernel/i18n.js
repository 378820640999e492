// i18n.js — the two languages of every page: the current language (Chinese by default; the
// choice is remembered in localStorage, so all pages share it), the switch, `t`, number and
// distance formats, and the words every page shares. Each page keeps its own strings, both
// languages side by side, in its folder's strings.js, which registers them with `addStrings`
// before the page starts.

/** Every string by key, [Chinese, English]: the shared words below, then the page's own. */
const STRINGS = {
  'lang.switch': ['English', '中文'],
  'map.label': ['地图', 'Map'],
  'level.fallback': ['第{n}级', 'Level {n}'],
  'unit.m': ['{n} 米', '{n} m'],
  'unit.km': ['{n} 公里', '{n} km'],

  // The links between the pages.
  'map.link': ['综合指挥地图', 'Command map'],
  'stats.link': ['统计分析', 'Statistics'],
  'worker.link': ['网格员', 'Grid worker'],
  'planner.link': ['网格划分', 'Grid planning'],
  'admin.link': ['用户与审计', 'Users & audit'],

  'role.grid_chief': ['网格长', 'Grid chief'],
  'role.full_time': ['专职网格员', 'Full-time grid worker'],
  'role.liaison': ['微网格联络员', 'Micro-grid liaison'],
  'role.volunteer': ['网格志愿者', 'Volunteer'],
  'role.department_staff': ['下沉部门人员', 'Department staff'],

  // Accounts' roles (the roles table's titles, for those who may not read /api/roles) and
  // the user menu every page shows (session.js).
  'account.role.grid_worker': ['网格员', 'Grid worker'],
  'account.role.grid_chief': ['网格长', 'Grid chief'],
  'account.role.dispatcher': ['指挥中心坐席', 'Dispatcher'],
  'account.role.department': ['部门人员', 'Department staff'],
  'account.role.planner': ['规划员', 'Planner'],
  'account.role.leader': ['领导', 'Leader'],
  'account.role.analytics': ['视频分析', 'Video analytics'],
  'account.role.admin': ['管理员', 'Administrator'],
  'account.everywhere': ['全域', 'Everywhere'],
  'session.menu': ['账号', 'Account'],
  'session.username': ['用户名', 'Username'],
  'session.roles': ['角色与网格', 'Roles and grids'],
  'session.department': ['部门', 'Department'],
  'session.noRoles': ['尚未授予任何角色', 'No role granted yet'],
  'session.password': ['修改密码', 'Change password'],
  'session.logout': ['退出登录', 'Log out'],
  'session.pw.current': ['当前密码', 'Current password'],
  'session.pw.new': ['新密码(至少 10 个字符)', 'New password (at least 10 characters)'],
  'session.pw.repeat': ['再次输入新密码', 'New password again'],
  'session.pw.save': ['保存', 'Save'],
  'session.pw.cancel': ['取消', 'Cancel'],
  'session.pw.close': ['关闭', 'Close'],
  'session.pw.saving': ['正在保存…', 'Saving…'],
  'session.pw.short': ['新密码至少需要 10 个字符。', 'The new password needs at least 10 characters.'],
  'session.pw.mismatch': ['两次输入的新密码不一致。', 'The two new passwords differ.'],
  'session.pw.wrong': ['当前密码不正确。', 'The current password is wrong.'],
  'session.pw.failed': ['修改失败:{msg}', 'Could not change it: {msg}'],
  'session.pw.done': ['密码已修改;其他设备上的登录均已退出。', 'Password changed; the sessions on other devices have ended.'],
  'session.noAccess': ['当前账号({name})无权使用本页面。', 'Your account ({name}) may not use this page.'],
  'session.noAccessHint': ['可以前往:', 'You may go to:'],
  'session.failed': ['无法确认登录状态:{msg}', 'Cannot tell who is signed in: {msg}'],

  // Video linkage, as the command map and the phone both show it (linkageParts.js).
  'linkage.alert.open': ['待响应', 'Open'],
  'linkage.alert.answered': ['已响应', 'Answered'],
  'linkage.alert.unanswered': ['无人响应', 'Unanswered'],
  'linkage.call.ringing': ['呼叫中', 'Ringing'],
  'linkage.call.accepted': ['赶赴中', 'En route'],
  'linkage.call.on_scene': ['已到场', 'On scene'],
  'linkage.call.declined': ['已拒绝', 'Declined'],
  'linkage.call.timed_out': ['超时未接', 'Timed out'],
  'linkage.secondsLeft': ['{n} 秒', '{n} s'],
  'linkage.eta': ['约 {n} 分钟', 'about {n} min'],
  'linkage.etaSoon': ['1 分钟内', 'under 1 min'],
};

/** Registers a page's strings (`{ key: [Chinese, English] }`); called once by its strings.js. */
export function addStrings(table) {
  Object.assign(STRINGS, table);
}

const STORAGE_KEY = 'gridlink.lang';
const listeners = [];
let lang = readStoredLang();

function readStoredLang() {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** The current language: 'zh' or 'en'. */
export function currentLang() {
  return lang;
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key, params = {}) {
  const entry = STRINGS[key];
  const text = entry ? entry[lang === 'en' ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** A level's name from the `/api/levels` record, in the current language. */
export function levelName(level) {
  if (!level) return '';
  const name = lang === 'en' ? level.name_en : level.name_zh;
  if (!name) return t('level.fallback', { n: level.level });
  return lang === 'en' ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

/** A distance in metres as "850 米" or "1.24 公里". */
export function formatDistance(metres) {
  if (metres < 1000) return t('unit.m', { n: Math.round(metres) });
  return t('unit.km', { n: (metres / 1000).toFixed(metres < 10000 ? 2 : 1) });
}

/** An integer with the locale's grouping. */
export function formatCount(n) {
  return Number(n).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN');
}

/** Switches language, remembers it, relabels the static page and tells the views. */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
  applyToDocument();
  for (const fn of listeners) fn(lang);
}

/** Makes `button` switch between Chinese and English, labelled with the language it offers. */
export function wireLanguageSwitch(button) {
  const label = () => {
    button.textContent = t('lang.switch');
    button.lang = lang === 'en' ? 'zh-CN' : 'en';
  };
  label();
  button.addEventListener('click', () => setLang(lang === 'en' ? 'zh' : 'en'));
  onLangChange(label);
}

/** Calls `fn` after every language change. */
export function onLangChange(fn) {
  listeners.push(fn);
}

/**
 * Fills elements marked `data-i18n` (the page's `<title>` too), `data-i18n-placeholder` and
 * `data-i18n-aria-label`.
 */
export function applyToDocument() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
