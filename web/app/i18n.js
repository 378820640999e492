// i18n.js — every string the page shows, in Chinese and English side by side, the current
// language (Chinese by default, the choice remembered in localStorage) and number formats.

const STRINGS = {
  'app.title': ['网格化服务管理 · 综合指挥地图', 'Grid governance · command map'],
  'app.loadFailed': ['地图配置加载失败:{msg}', 'Could not load the map settings: {msg}'],
  'lang.switch': ['English', '中文'],
  'map.label': ['地图', 'Map'],

  'search.label': ['搜索网格或摄像机', 'Search grids or cameras'],
  'search.placeholder': ['搜索网格编码、名称或摄像机编码', 'Grid code or name, camera code'],
  'search.grids': ['网格', 'Grids'],
  'search.cameras': ['摄像机', 'Cameras'],
  'search.none': ['没有匹配的网格或摄像机', 'No grid or camera matches'],
  'search.failed': ['搜索失败:{msg}', 'Search failed: {msg}'],

  'layers.title': ['图层与图例', 'Layers and legend'],
  'layers.grids': ['网格边界', 'Grid boundaries'],
  'layers.thematic': ['专题', 'Thematic'],
  'layers.density': ['户籍密度(户/平方公里)', 'Households per km²'],
  'layers.sparseDense': ['稀疏 → 密集', 'sparse → dense'],
  'layers.points': ['点位', 'Points'],
  'layers.cameras': ['视频监控', 'Cameras'],
  'layers.workers': ['网格人员', 'Grid workers'],
  'layers.basemap': ['底图', 'Basemap'],
  'layers.basemapLayer': ['在线底图', 'Basemap tiles'],
  'layers.offDuty': ['不在岗(空心)', 'Off duty (hollow)'],
  'layers.hint': ['点击地图任意位置,查询所属网格与责任人员。', 'Click anywhere on the map to see its grids and who answers for them.'],

  'level.fallback': ['第{n}级', 'Level {n}'],

  'status.online': ['在线', 'Online'],
  'status.offline': ['离线', 'Offline'],
  'status.fault': ['故障', 'Fault'],

  'kind.dome': ['球机', 'Dome'],
  'kind.bullet': ['枪机', 'Bullet'],
  'kind.face_checkpoint': ['人脸卡口', 'Face checkpoint'],
  'kind.vehicle_checkpoint': ['车辆卡口', 'Vehicle checkpoint'],

  'role.grid_chief': ['网格长', 'Grid chief'],
  'role.full_time': ['专职网格员', 'Full-time grid worker'],
  'role.liaison': ['微网格联络员', 'Micro-grid liaison'],
  'role.volunteer': ['网格志愿者', 'Volunteer'],
  'role.department_staff': ['下沉部门人员', 'Department staff'],

  'panel.title': ['查询结果', 'Details'],
  'panel.close': ['关闭', 'Close'],
  'panel.empty': ['点击地图查询网格归属、户数人口和责任人员;点击摄像机查看设备信息。', 'Click the map to see a place\'s grids, households and responsible workers; click a camera to see its details.'],
  'panel.loading': ['正在查询…', 'Loading…'],
  'panel.failed': ['查询失败:{msg}', 'Request failed: {msg}'],
  'panel.point': ['点位', 'Point'],
  'panel.outside': ['该位置不在任何网格内', 'This place is not in any grid'],
  'panel.outsideHint': ['请点击镇域范围内的位置。', 'Click a place inside the town.'],
  'panel.chain': ['网格归属', 'Grid chain'],
  'panel.ledger': ['户数与人口', 'Households and residents'],
  'panel.households': ['户数', 'Households'],
  'panel.residents': ['人口', 'Residents'],
  'panel.camerasCount': ['摄像机', 'Cameras'],
  'panel.workersCount': ['人员', 'Workers'],
  'panel.childrenCount': ['下级网格', 'Sub-grids'],
  'panel.responsible': ['责任人员', 'Responsible workers'],
  'panel.responsibleNone': ['暂无责任人员', 'No responsible workers'],
  'panel.nearest': ['最近在岗人员', 'Nearest on-duty workers'],
  'panel.nearestNone': ['附近没有在岗人员', 'No on-duty workers nearby'],
  'panel.offDuty': ['不在岗', 'Off duty'],
  'panel.call': ['拨打 {name} {phone}', 'Call {name} on {phone}'],
  'panel.grid': ['网格', 'Grid'],
  'panel.camera': ['摄像机', 'Camera'],
  'panel.worker': ['网格人员', 'Grid worker'],
  'panel.code': ['编码', 'Code'],
  'panel.name': ['名称', 'Name'],
  'panel.kind': ['类型', 'Type'],
  'panel.status': ['状态', 'Status'],
  'panel.stream': ['视频流', 'Stream'],
  'panel.role': ['角色', 'Role'],
  'panel.department': ['部门', 'Department'],
  'panel.phone': ['电话', 'Phone'],
  'panel.duty': ['在岗状态', 'Duty'],
  'panel.positionAt': ['位置时间', 'Position at'],
  'panel.onDuty': ['在岗', 'On duty'],

  'unit.m': ['{n} 米', '{n} m'],
  'unit.km': ['{n} 公里', '{n} km'],
};

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

/** Calls `fn` after every language change. */
export function onLangChange(fn) {
  listeners.push(fn);
}

/** Fills elements marked `data-i18n`, `data-i18n-placeholder` and `data-i18n-aria-label`. */
export function applyToDocument() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
