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

  'dispatch.tabLayers': ['图层', 'Layers'],
  'dispatch.tabIncidents': ['事件', 'Incidents'],
  'dispatch.tabsLabel': ['侧栏', 'Sidebar'],
  'dispatch.fileMode': ['上报事件', 'File incident'],
  'dispatch.fileModeOn': ['请在地图上点击事件位置', 'Click the map where it happened'],
  'dispatch.fileModeCancel': ['取消上报', 'Cancel filing'],
  'dispatch.fileHere': ['在此上报事件', 'File an incident here'],
  'dispatch.layer': ['事件', 'Incidents'],
  'dispatch.layerIncidents': ['事件(红黄蓝)', 'Incidents (red / yellow / blue)'],
  'dispatch.liveLost': ['实时推送已断开,正在重连…', 'Live updates lost, reconnecting…'],

  'incident.kind': ['事件', 'Incident'],
  'incident.listTitle': ['事件列表', 'Incidents'],
  'incident.filterStatus': ['状态', 'Status'],
  'incident.filterColour': ['红黄蓝', 'Colour'],
  'incident.filterCategory': ['类别', 'Category'],
  'incident.filterGrid': ['网格编码', 'Grid code'],
  'incident.filterGridPlaceholder': ['全部网格', 'All grids'],
  'incident.any': ['全部', 'All'],
  'incident.open': ['未结案', 'Open'],
  'incident.loadMore': ['加载更多', 'Load more'],
  'incident.none': ['没有符合条件的事件', 'No incidents match'],
  'incident.count': ['已显示 {n} 件', '{n} shown'],
  'incident.loadFailed': ['加载失败:{msg}', 'Could not load: {msg}'],
  'incident.deadline': ['期限', 'Deadline'],
  'incident.deadlineShort': ['限 {time}', 'due {time}'],

  'incident.colour.blue': ['蓝色(正常)', 'Blue (on time)'],
  'incident.colour.yellow': ['黄色(临期)', 'Yellow (due soon)'],
  'incident.colour.red': ['红色(超期督办)', 'Red (overdue)'],
  'incident.colour.closed': ['已结案', 'Closed'],
  'incident.colourShort.blue': ['蓝', 'Blue'],
  'incident.colourShort.yellow': ['黄', 'Yellow'],
  'incident.colourShort.red': ['红', 'Red'],
  'incident.colourShort.closed': ['结', 'Closed'],

  'incident.status.reported': ['待受理', 'Reported'],
  'incident.status.accepted': ['已受理', 'Accepted'],
  'incident.status.dispatched': ['已派遣', 'Dispatched'],
  'incident.status.handling': ['处置中', 'Handling'],
  'incident.status.handled': ['已反馈', 'Handled'],
  'incident.status.verified': ['已核查', 'Verified'],
  'incident.status.closed': ['已结案', 'Closed'],
  'incident.status.archived': ['已归档', 'Archived'],
  'incident.status.returned': ['已回退', 'Returned'],
  'incident.status.escalated': ['已上报上级', 'Escalated'],
  'incident.status.extension_requested': ['延期申请中', 'Extension requested'],
  'incident.status.rejected': ['已驳回', 'Rejected'],

  'incident.action.accept': ['受理', 'Accept'],
  'incident.action.dispatch': ['派遣', 'Dispatch'],
  'incident.action.start_handling': ['开始处置', 'Start handling'],
  'incident.action.report_handled': ['处置反馈', 'Report handled'],
  'incident.action.verify': ['核查回访', 'Verify'],
  'incident.action.close': ['结案', 'Close'],
  'incident.action.archive': ['归档', 'Archive'],
  'incident.action.return': ['回退', 'Return'],
  'incident.action.escalate': ['上报上级', 'Escalate'],
  'incident.action.request_extension': ['申请延期', 'Request extension'],
  'incident.action.approve_extension': ['批准延期', 'Approve extension'],
  'incident.action.deny_extension': ['驳回延期', 'Deny extension'],
  'incident.action.reopen': ['重新办理', 'Reopen'],
  'incident.action.reject': ['不予受理', 'Reject'],
  'incident.action.filed': ['上报', 'Filed'],

  'incident.priority.low': ['低', 'Low'],
  'incident.priority.normal': ['一般', 'Normal'],
  'incident.priority.high': ['高', 'High'],
  'incident.priority.urgent': ['紧急', 'Urgent'],

  'incident.source.worker_app': ['网格员随手拍', 'Grid worker app'],
  'incident.source.camera': ['视频发现', 'Camera'],
  'incident.source.hotline_12345': ['12345热线', '12345 hotline'],
  'incident.source.walk_in': ['来访', 'Walk-in'],
  'incident.source.dispatcher': ['指挥中心', 'Dispatcher'],

  'incident.limit.working_hours': ['{n} 个工作小时', '{n} working hours'],
  'incident.limit.working_days': ['{n} 个工作日', '{n} working days'],
  'incident.timeLimit': ['办理时限:{limit}', 'Time limit: {limit}'],

  'incident.formTitle': ['上报事件', 'File an incident'],
  'incident.where': ['事发位置', 'Location'],
  'incident.class': ['职责类别', 'Duty class'],
  'incident.sub': ['事件子类', 'Sub-category'],
  'incident.choose': ['请选择', 'Choose'],
  'incident.description': ['事件描述', 'Description'],
  'incident.photos': ['照片', 'Photos'],
  'incident.addPhoto': ['添加照片', 'Add a photo'],
  'incident.uploading': ['正在上传…', 'Uploading…'],
  'incident.removePhoto': ['移除照片', 'Remove photo'],
  'incident.priority': ['优先级', 'Priority'],
  'incident.source': ['来源', 'Source'],
  'incident.reporter': ['报告人', 'Reporter'],
  'incident.reporterPlaceholder': ['姓名或电话(可选)', 'Name or phone (optional)'],
  'incident.submit': ['提交上报', 'File it'],
  'incident.submitting': ['正在提交…', 'Filing…'],
  'incident.cancel': ['取消', 'Cancel'],
  'incident.failed': ['操作失败:{msg}', 'Failed: {msg}'],
  'incident.filed': ['已上报', 'Filed'],
  'incident.caseNumber': ['案件编号', 'Case number'],
  'incident.grid': ['所属网格', 'Grid'],
  'incident.responsible': ['责任网格', 'Responsible grid'],
  'incident.county': ['县级部门', 'County departments'],
  'incident.assignee': ['承办人', 'Assignee'],
  'incident.unassigned': ['未指派', 'Unassigned'],
  'incident.colour': ['红黄蓝', 'Colour'],
  'incident.supervised': ['超期督办', 'Overdue, supervised'],
  'incident.duplicates': ['疑似重复事件', 'Likely duplicates'],
  'incident.noDuplicates': ['附近没有疑似重复事件', 'No likely duplicates nearby'],
  'incident.distance': ['相距 {d}', '{d} away'],
  'incident.markDuplicate': ['作为其重复件驳回', 'Reject as its duplicate'],
  'incident.duplicateNote': ['与 {case} 重复', 'Duplicate of {case}'],
  'incident.openDetail': ['查看详情', 'Open details'],
  'incident.view': ['查看', 'View'],

  'incident.status': ['状态', 'Status'],
  'incident.category': ['类别', 'Category'],
  'incident.reportedAt': ['上报时间', 'Reported'],
  'incident.closedAt': ['结案时间', 'Closed'],
  'incident.pendingExtension': ['申请延期', 'Extension asked'],
  'incident.satisfaction': ['满意度', 'Satisfaction'],
  'incident.duplicateOf': ['重复于', 'Duplicate of'],
  'incident.department': ['承办部门', 'Department'],
  'incident.timeline': ['办理过程', 'Timeline'],
  'incident.timelineEmpty': ['暂无记录', 'Nothing recorded yet'],
  'incident.actions': ['可执行操作', 'Actions'],
  'incident.noActions': ['该事件已办结,不能再操作', 'This incident is final; no action is possible'],
  'incident.note': ['办理意见', 'Note'],
  'incident.noteRequired': ['办理意见(必填)', 'Note (required)'],
  'incident.actor': ['操作人', 'Actor'],
  'incident.actorPlaceholder': ['姓名', 'Name'],
  'incident.unchanged': ['不变', 'Unchanged'],
  'incident.unchangedNamed': ['不变({name})', 'Unchanged ({name})'],
  'incident.extension': ['延期时长', 'Extension'],
  'incident.extensionDays': ['工作日', 'working days'],
  'incident.extensionHours': ['工作小时', 'working hours'],
  'incident.duplicateOfInput': ['重复于(案件编号或编号)', 'Duplicate of (case number or id)'],
  'incident.duplicateNotFound': ['找不到事件 {id}', 'No incident {id}'],
  'incident.confirm': ['确认{action}', 'Confirm: {action}'],
  'incident.busy': ['正在提交…', 'Sending…'],
  'incident.details.assignee': ['指派 {name}', 'assigned to {name}'],
  'incident.details.grid': ['责任网格 {name}', 'responsible: {name}'],
  'incident.details.category': ['归类为 {name}', 'classified as {name}'],
  'incident.details.deadline': ['期限 {time}', 'deadline {time}'],
  'incident.details.extension': ['延期 {limit}', 'extension {limit}'],
  'incident.details.satisfaction': ['满意度 {n}/5', 'satisfaction {n}/5'],
  'incident.details.duplicate': ['重复于 #{id}', 'duplicate of #{id}'],
  'incident.details.separator': [';', '; '],
  'incident.anonymous': ['匿名', 'anonymous'],

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
