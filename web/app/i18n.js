// i18n.js — every string the page shows, in Chinese and English side by side, the current
// language (Chinese by default, the choice remembered in localStorage) and number formats.

const STRINGS = {
  'app.title': ['网格化服务管理 · 综合指挥地图', 'Grid governance · command map'],
  'app.loadFailed': ['地图配置加载失败:{msg}', 'Could not load the map settings: {msg}'],
  'lang.switch': ['English', '中文'],
  'map.label': ['地图', 'Map'],

  // The grid worker's phone page (web/worker/).
  'worker.link': ['网格员', 'Grid worker'],
  'worker.title': ['网格员工作台', 'Grid worker'],
  'worker.tabs.tasks': ['事件', 'Incidents'],
  'worker.tabs.report': ['上报', 'Report'],
  'worker.tabs.me': ['我', 'Me'],
  'worker.loading': ['正在加载…', 'Loading…'],
  'worker.failed': ['加载失败:{msg}', 'Could not load: {msg}'],
  'worker.me.title': ['我是谁', 'Who am I'],
  'worker.me.hint': ['暂无账号:请在名单中找到并选择自己,本机会记住。', 'No accounts yet: find and pick yourself in the list; this phone remembers.'],
  'worker.me.search': ['输入姓名、电话或网格名称', 'Name, phone or grid name'],
  'worker.me.none': ['没有匹配的人员', 'No one matches'],
  'worker.me.more': ['另有 {n} 人,请输入更多文字缩小范围', '{n} more: type more to narrow the list'],
  'worker.me.change': ['更换', 'Change'],
  'worker.me.pickFirst': ['请先在"我"中选择自己。', 'First pick yourself under "Me".'],
  'worker.me.pick': ['选择自己', 'Pick yourself'],
  'worker.me.noGrid': ['未分配网格', 'No grid assigned'],
  'worker.tasks.title': ['本网格未办结事件', "My grid's open incidents"],
  'worker.tasks.assigned': ['指派给我', 'Assigned to me'],
  'worker.tasks.empty': ['没有未办结事件', 'No open incidents'],
  'worker.tasks.refresh': ['刷新', 'Refresh'],
  'worker.left.minutes': ['剩 {n} 分钟', '{n} min left'],
  'worker.left.hours': ['剩 {n} 小时', '{n} h left'],
  'worker.left.days': ['剩 {n} 天', '{n} d left'],
  'worker.over.minutes': ['超期 {n} 分钟', '{n} min overdue'],
  'worker.over.hours': ['超期 {n} 小时', '{n} h overdue'],
  'worker.over.days': ['超期 {n} 天', '{n} d overdue'],
  'worker.colour.blue': ['蓝', 'Blue'],
  'worker.colour.yellow': ['黄', 'Yellow'],
  'worker.colour.red': ['红', 'Red'],
  'worker.status.reported': ['待受理', 'Reported'],
  'worker.status.accepted': ['已受理', 'Accepted'],
  'worker.status.dispatched': ['已派遣', 'Dispatched'],
  'worker.status.handling': ['处置中', 'Handling'],
  'worker.status.handled': ['已反馈', 'Handled'],
  'worker.status.verified': ['已核查', 'Verified'],
  'worker.status.closed': ['已结案', 'Closed'],
  'worker.status.archived': ['已归档', 'Archived'],
  'worker.status.returned': ['已回退', 'Returned'],
  'worker.status.escalated': ['已上报上级', 'Escalated'],
  'worker.status.extension_requested': ['延期申请中', 'Extension requested'],
  'worker.status.rejected': ['已退件', 'Rejected'],
  'worker.action.filed': ['上报', 'Reported'],
  'worker.action.accept': ['受理', 'Accept'],
  'worker.action.dispatch': ['派遣', 'Dispatch'],
  'worker.action.start_handling': ['开始处置', 'Start handling'],
  'worker.action.report_handled': ['处置反馈', 'Mark handled'],
  'worker.action.verify': ['核查', 'Verify'],
  'worker.action.close': ['结案', 'Close'],
  'worker.action.archive': ['归档', 'Archive'],
  'worker.action.return': ['回退', 'Return'],
  'worker.action.escalate': ['上报上级', 'Escalate'],
  'worker.action.request_extension': ['申请延期', 'Request extension'],
  'worker.action.approve_extension': ['批准延期', 'Approve extension'],
  'worker.action.deny_extension': ['驳回延期', 'Deny extension'],
  'worker.action.reopen': ['重新办理', 'Reopen'],
  'worker.action.reject': ['退件', 'Reject'],
  'worker.action.reroute': ['网格调整改派', 'Re-routed by a grid change'],
  'worker.detail.back': ['返回列表', 'Back to the list'],
  'worker.detail.status': ['状态', 'Status'],
  'worker.detail.deadline': ['办理期限', 'Deadline'],
  'worker.detail.grid': ['责任网格', 'Responsible grid'],
  'worker.detail.assignee': ['处置人', 'Assignee'],
  'worker.detail.reporter': ['上报人', 'Reported by'],
  'worker.detail.reportedAt': ['上报时间', 'Reported at'],
  'worker.detail.description': ['事件描述', 'Description'],
  'worker.detail.photos': ['照片', 'Photos'],
  'worker.detail.timeline': ['处置记录', 'Timeline'],
  'worker.detail.actions': ['现场处置', 'Actions'],
  'worker.detail.noActions': ['当前状态下无需网格员操作,等待指挥中心处理。', 'Nothing for a grid worker to do now: the command centre acts next.'],
  'worker.detail.extension': ['申请延期 {n}', 'Extension asked: {n}'],
  'worker.detail.county': ['县级部门', 'County departments'],
  'worker.step.note': ['说明', 'Note'],
  'worker.step.noteFeedback': ['处置情况(必填)', 'What was done (required)'],
  'worker.step.noteReason': ['原因(必填)', 'Reason (required)'],
  'worker.step.noteRequired': ['请填写说明。', 'Please write a note.'],
  'worker.step.days': ['延期工作日', 'Extra working days'],
  'worker.step.submit': ['提交', 'Submit'],
  'worker.step.cancel': ['取消', 'Cancel'],
  'worker.step.done': ['已提交:{action}', 'Done: {action}'],
  'worker.step.failed': ['提交失败:{msg}', 'Could not submit: {msg}'],
  'worker.photo.add': ['拍照', 'Take a photo'],
  'worker.photo.uploading': ['正在上传照片…', 'Uploading the photo…'],
  'worker.photo.failed': ['照片上传失败:{msg}', 'Photo upload failed: {msg}'],
  'worker.photo.remove': ['删除照片', 'Remove photo'],
  'worker.time.workingDays': ['{n} 个工作日', '{n} working days'],
  'worker.time.workingHours': ['{n} 个工作小时', '{n} working hours'],
  'worker.report.title': ['事件上报', 'Report an incident'],
  'worker.report.class': ['职责类别', 'Duty class'],
  'worker.report.sub': ['事件类型', 'Category'],
  'worker.report.choose': ['请选择', 'Choose…'],
  'worker.report.description': ['事件描述', 'Description'],
  'worker.report.descriptionHint': ['发生了什么、在哪里', 'What happened, and where'],
  'worker.report.photos': ['现场照片', 'Photos'],
  'worker.report.location': ['位置', 'Location'],
  'worker.report.locate': ['重新定位', 'Locate me again'],
  'worker.report.locating': ['正在定位…', 'Finding your position…'],
  'worker.report.accuracy': ['定位精度 ±{n}', 'Accuracy ±{n}'],
  'worker.report.locateFailed': ['无法定位({msg}),请在地图上点选位置。', 'No position ({msg}): tap the map to set one.'],
  'worker.report.adjusted': ['已在地图上调整位置', 'Point set on the map'],
  'worker.report.mapHint': ['拖动标记或点击地图可调整位置。', 'Drag the marker or tap the map to adjust the point.'],
  'worker.report.inGrid': ['所属网格:{name}', 'Grid: {name}'],
  'worker.report.outside': ['该位置不在镇域内,请调整。', 'This point is outside the town: adjust it.'],
  'worker.report.needCategory': ['请选择事件类型。', 'Choose a category.'],
  'worker.report.needLocation': ['还没有位置:请定位或在地图上点选。', 'No location yet: locate or tap the map.'],
  'worker.report.submit': ['上报', 'Report'],
  'worker.report.submitting': ['正在上报…', 'Reporting…'],
  'worker.report.failed': ['上报失败:{msg}', 'Could not report: {msg}'],
  'worker.report.done': ['上报成功', 'Reported'],
  'worker.report.caseNumber': ['案件编号', 'Case number'],
  'worker.report.grid': ['责任网格', 'Responsible grid'],
  'worker.report.assignee': ['处置人', 'Assignee'],
  'worker.report.deadline': ['办理期限', 'Deadline'],
  'worker.report.duplicates': ['附近 {n} 件同类事件可能重复,指挥中心会核对。', '{n} similar incidents nearby may be duplicates; the command centre will check.'],
  'worker.report.again': ['继续上报', 'Report another'],
  'worker.report.open': ['查看事件', 'Open the incident'],

  'worker.call.incoming': ['来电:视频联动呼叫', 'Incoming call: video linkage'],
  'worker.call.camera': ['摄像机', 'Camera'],
  'worker.call.note': ['情况', 'What was seen'],
  'worker.call.distance': ['距离', 'Distance'],
  'worker.call.eta': ['预计到达', 'ETA'],
  'worker.call.left': ['剩余 {n} 秒', '{n} s left'],
  'worker.call.accept': ['接受', 'Accept'],
  'worker.call.decline': ['拒绝', 'Decline'],
  'worker.call.enRouteHint': ['请尽快赶到摄像机位置,到达 50 米内自动记为已到场。', 'Head to the camera; within 50 m you are marked on scene.'],
  'worker.call.declined': ['已转给下一位网格员。', 'Passed on to the next grid worker.'],
  'worker.call.timedOut': ['未及时接听,已转给下一位网格员。', 'Not answered in time: passed to the next grid worker.'],
  'worker.call.caseNumber': ['案件编号', 'Case number'],
  'worker.call.openCase': ['查看事件', 'Open the incident'],
  'worker.call.dismiss': ['知道了', 'OK'],
  'worker.call.failed': ['操作失败:{msg}', 'Failed: {msg}'],
  'worker.position.sent': ['位置已上报 {time} · ±{acc}', 'Position sent {time} · ±{acc}'],
  'worker.position.waiting': ['正在获取位置…', 'Getting your position…'],
  'worker.position.failed': ['位置上报失败:{msg}', 'Could not send the position: {msg}'],
  'worker.position.unavailable': ['无法定位:{msg}', 'No position: {msg}'],
  'worker.position.unsupported': ['本机浏览器不支持定位', 'This browser cannot locate'],

  // The statistics page (web/stats/).
  'stats.link': ['统计分析', 'Statistics'],
  'stats.title': ['网格事件统计分析', 'Incident statistics by grid'],
  'stats.map': ['综合指挥地图', 'Command map'],
  'stats.filters': ['筛选条件', 'Filters'],
  'stats.period': ['统计周期', 'Period'],
  'stats.period.day': ['按日', 'By day'],
  'stats.period.week': ['按周', 'By week'],
  'stats.period.month': ['按月', 'By month'],
  'stats.from': ['起始日期', 'From'],
  'stats.to': ['截止日期', 'To'],
  'stats.grouping': ['类别分组', 'Categories'],
  'stats.grouping.duty_class': ['职责类别', 'Duty classes'],
  'stats.grouping.sub_category': ['事件类型', 'Sub-categories'],
  'stats.csv': ['下载 CSV', 'Download CSV'],
  'stats.loading': ['正在统计…', 'Counting…'],
  'stats.failed': ['统计失败:{msg}', 'Could not load the statistics: {msg}'],
  'stats.asOf': ['统计时间 {at}', 'As of {at}'],
  'stats.breadcrumb': ['当前网格', 'Current grid'],
  'stats.drillHint': ['点击下级网格行可逐级查看。', 'Click a sub-grid row to drill down.'],
  'stats.table': ['统计表', 'Figures'],
  'stats.col.grid': ['网格', 'Grid'],
  'stats.col.received': ['受理', 'Received'],
  'stats.col.closed': ['办结', 'Closed'],
  'stats.col.rejected': ['退件', 'Rejected'],
  'stats.col.closureRate': ['办结率', 'Closure rate'],
  'stats.col.openBlue': ['蓝', 'Blue'],
  'stats.col.openYellow': ['黄', 'Yellow'],
  'stats.col.openRed': ['红', 'Red'],
  'stats.col.open': ['未办结', 'Open'],
  'stats.col.overdue': ['超期', 'Overdue'],
  'stats.col.closedLate': ['超期办结', 'Closed late'],
  'stats.col.median': ['办结用时中位数', 'Median time to close'],
  'stats.col.p90': ['办结用时 P90', 'P90 time to close'],
  'stats.col.rated': ['评价数', 'Rated'],
  'stats.col.mean': ['平均评分', 'Mean rating'],
  'stats.col.satisfied': ['满意率', 'Satisfied'],
  'stats.total': ['本级合计', 'This grid, in total'],
  'stats.noChildren': ['没有下级网格', 'No sub-grids'],
  'stats.hours': ['{n} 小时', '{n} h'],
  'stats.chart.receivedClosed': ['各下级网格受理与办结', 'Received and closed by sub-grid'],
  'stats.chart.openByColour': ['各下级网格未办结(红黄蓝)', 'Open by sub-grid (red / yellow / blue)'],
  'stats.chart.byPeriod': ['按周期受理与办结', 'Received and closed by period'],
  'stats.chart.byCategory': ['按类别受理', 'Received by category'],
  'stats.chart.none': ['暂无数据', 'No data'],

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
  'layers.incidents-open': ['未办结事件数', 'Open incidents'],
  'layers.incidents-overdue': ['超期事件数', 'Overdue incidents'],
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
  'panel.nearest': ['最近可调派人员', 'Nearest available workers'],
  'panel.nearestNone': ['附近没有可调派人员', 'No available workers nearby'],
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
  'dispatch.tabLinkage': ['视频联动', 'Video linkage'],

  'linkage.title': ['视频联动', 'Video linkage'],
  'linkage.none': ['暂无报警', 'No alerts yet'],
  'linkage.loadFailed': ['报警加载失败:{msg}', 'Could not load the alerts: {msg}'],
  'linkage.liveLost': ['实时推送已断开,正在重连…', 'Live updates lost, reconnecting…'],
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
  'linkage.noCalls': ['尚未呼叫', 'No one called yet'],
  'linkage.openCamera': ['查看摄像机', 'Show the camera'],
  'linkage.heading': ['朝向', 'Heading'],
  'linkage.fov': ['视场角', 'Field of view'],
  'linkage.degrees': ['{n}°', '{n}°'],
  'linkage.snapshot': ['最近报警截图', 'Latest alert snapshot'],
  'linkage.snapshotAlt': ['报警截图(点击查看原图)', 'Alert snapshot (click for full size)'],
  'linkage.raise': ['报警并呼叫最近网格员', 'Alert & call nearest'],
  'linkage.raiseTitle': ['视频报警', 'Raise an alert'],
  'linkage.note': ['看到的情况', 'What you see'],
  'linkage.notePlaceholder': ['例如:路口有人员聚集', 'e.g. a crowd gathering at the crossing'],
  'linkage.snapshotPick': ['截图(可选)', 'Snapshot (optional)'],
  'linkage.raising': ['正在报警…', 'Raising the alert…'],
  'linkage.failed': ['操作失败:{msg}', 'Failed: {msg}'],
  'linkage.current': ['本摄像机最近报警', "This camera's latest alert"],
  'linkage.candidates': ['可调派网格员(由近到远)', 'Available grid workers, nearest first'],
  'linkage.candidatesNone': ['附近没有可调派的网格员', 'No available grid workers nearby'],
  'linkage.responsibleBadge': ['责任', 'Responsible'],
  'linkage.call': ['呼叫', 'Call'],
  'linkage.calling': ['正在呼叫…', 'Calling…'],

  'layers.tracks': ['今日巡查轨迹', "Today's patrol tracks"],
  'layers.available': ['可调派(绿圈)', 'Available (green ring)'],
  'layers.trackTip': ['{name} · {fixes} 个定位点 · {from}–{to}', '{name} · {fixes} fixes · {from}–{to}'],
  'panel.available': ['可调派', 'Available'],
  'panel.onShift': ['在班', 'On shift'],
  'panel.yes': ['是', 'Yes'],
  'panel.no': ['否', 'No'],
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
  'incident.action.reroute': ['网格调整改派', 'Re-routed by a grid change'],
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
