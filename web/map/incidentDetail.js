// incidentDetail.js — one incident in the details panel: its fields and photos, the
// timeline from `/events` (who, when, from → to, note, photos), and a button for each
// action the incident allows now and the user's permissions allow; an action opens the
// inputs it takes (a note always, plus an assignee, a category, an extension, a
// satisfaction score or the case it duplicates), and a refusal shows the service's own
// message. Who acted is whoever is signed in: the service records it. Live changes redraw it.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { fact, section } from './panel.js';
import {
  PhotoPicker, categoryLabel, colourChip, field, formatLimit, formatTime, named, statusTag, thumbnails,
} from './incidentParts.js';

const NOTE_REQUIRED = ['return', 'report_handled'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/**
 * The detail view; `workers` is `/api/workers`, for assignee choices and names;
 * `mayStep(action)` whether the user may take a step; `actorName(username)` how the
 * timeline names who acted.
 */
export class IncidentDetail {
  constructor(panel, feed, categories, workers, { onLocate, mayStep, actorName }) {
    this.kind = 'incident';
    this.panel = panel;
    this.feed = feed;
    this.categories = categories;
    this.workers = workers;
    this.workerById = new Map(workers.map((w) => [w.id, w]));
    this.onLocate = onLocate;
    this.mayStep = mayStep;
    this.actorName = actorName;
    this.id = null;
    feed.onChange((incident) => {
      if (incident && incident.id === this.id && this.panel.shows(this)) this.loadEvents();
    });
  }

  /** Shows incident `id` (fetched fresh, with its timeline). */
  async open(id) {
    this.id = id;
    this.events = null;
    this.action = null;
    this.error = null;
    this.panel.host(this);
    const known = this.feed.byId.get(id);
    if (known) this.onLocate(known);
    try {
      const incident = this.feed.put(await api.incident(id), 'loaded');
      if (!known) this.onLocate(incident);
    } catch (error) {
      this.error = error.message;
    }
    await this.loadEvents();
  }

  async loadEvents() {
    const id = this.id;
    try {
      const { events } = await api.incidentEvents(id);
      if (id !== this.id) return;
      this.events = events;
    } catch (error) {
      this.error = error.message;
    }
    this.refresh();
  }

  refresh() {
    if (this.panel.shows(this)) this.panel.render();
  }

  render() {
    const incident = this.feed.byId.get(this.id);
    if (!incident) {
      return [this.error
        ? h('p', { class: 'panel-error', role: 'alert' }, t('panel.failed', { msg: this.error }))
        : h('p', { class: 'panel-loading' }, t('panel.loading'))];
    }
    return [
      this.panel.header('incident.kind', incident.case_number, h('span', { class: 'subtitle-text' }, categoryLabel(incident))),
      this.facts(incident),
      incident.photos.length ? section(t('incident.photos'), thumbnails(incident.photos)) : null,
      section(t('incident.actions'), this.actions(incident)),
      section(t('incident.timeline'), this.timeline()),
    ];
  }

  facts(i) {
    const grid = i.responsible.grid;
    const assignee = i.assignee ? `${i.assignee.name || `#${i.assignee.id}`} ${i.assignee.phone || ''}`.trim() : t('incident.unassigned');
    return h('dl', { class: 'facts incident-facts' },
      fact(t('incident.status'), h('span', { class: 'status-line' }, colourChip(i), statusTag(i.status),
        i.supervised ? h('span', { class: 'supervised' }, t('incident.supervised')) : null)),
      fact(t('incident.deadline'), formatTime(i.deadline)),
      fact(t('incident.category'), categoryLabel(i)),
      fact(t('incident.grid'), i.chain.length ? i.chain.map((g) => g.name).join(' › ') : t('panel.outside')),
      fact(t('incident.responsible'), grid ? grid.name : t('incident.county')),
      i.responsible.department ? fact(t('incident.department'), i.responsible.department) : null,
      fact(t('incident.assignee'), assignee),
      fact(t('incident.priority'), t(`incident.priority.${i.priority}`)),
      fact(t('incident.source'), t(`incident.source.${i.source}`)),
      i.reporter ? fact(t('incident.reporter'), i.reporter) : null,
      fact(t('incident.reportedAt'), formatTime(i.reported_at)),
      i.pending_extension ? fact(t('incident.pendingExtension'), formatLimit(i.pending_extension)) : null,
      i.closed_at ? fact(t('incident.closedAt'), formatTime(i.closed_at)) : null,
      i.satisfaction ? fact(t('incident.satisfaction'), `${i.satisfaction} / 5`) : null,
      i.duplicate_of ? fact(t('incident.duplicateOf'), `#${i.duplicate_of}`) : null,
      i.description ? fact(t('incident.description'), h('span', { class: 'description' }, i.description)) : null);
  }

  actions(incident) {
    const allowed = incident.allowed_actions.filter((action) => this.mayStep(action));
    if (!incident.allowed_actions.length) return h('p', { class: 'panel-none' }, t('incident.noActions'));
    if (!allowed.length) return h('p', { class: 'panel-none no-steps' }, t('incident.noActionsYours'));
    return [
      h('div', { class: 'action-buttons' }, allowed.map((action) => h('button', {
        type: 'button',
        class: this.action && this.action.name === action ? 'action on' : 'action',
        'data-action': action,
        'aria-expanded': this.action && this.action.name === action ? 'true' : 'false',
        onclick: () => this.choose(action),
      }, t(`incident.action.${action}`)))),
      this.action ? this.actionForm(incident) : null,
    ];
  }

  choose(action) {
    this.action = this.action && this.action.name === action ? null : {
      name: action,
      values: { note: '', assignee: '', category: '', priority: '', amount: '1', unit: 'working_days', satisfaction: '', duplicate: '' },
      photos: new PhotoPicker(() => this.refresh()),
      busy: false,
      error: null,
    };
    this.refresh();
  }

  actionForm(incident) {
    const { name, values: v, photos, busy, error } = this.action;
    const set = (key) => (event) => { v[key] = event.target.value; };
    const inputs = {
      accept: () => [
        field(t('incident.sub'), this.categories.select({ name: 'category', onchange: set('category') }, v.category, [['', t('incident.unchanged')]])),
        field(t('incident.priority'), h('select', { name: 'priority', onchange: set('priority') },
          h('option', { value: '' }, t('incident.unchanged')),
          PRIORITIES.map((p) => h('option', { value: p, selected: p === v.priority }, t(`incident.priority.${p}`))))),
        this.assigneeField(incident, v, set),
      ],
      dispatch: () => [this.assigneeField(incident, v, set)],
      request_extension: () => [field(t('incident.extension'), h('span', { class: 'form-inline' },
        h('input', { name: 'amount', type: 'number', min: 1, max: 365, value: v.amount, required: true, oninput: set('amount') }),
        h('select', { name: 'unit', onchange: set('unit') },
          h('option', { value: 'working_days', selected: v.unit === 'working_days' }, t('incident.extensionDays')),
          h('option', { value: 'working_hours', selected: v.unit === 'working_hours' }, t('incident.extensionHours')))))],
      close: () => [field(t('incident.satisfaction'), h('select', { name: 'satisfaction', required: true, onchange: set('satisfaction') },
        h('option', { value: '' }, t('incident.choose')),
        [5, 4, 3, 2, 1].map((n) => h('option', { value: n, selected: String(n) === v.satisfaction }, `${n} / 5`))))],
      reject: () => [field(t('incident.duplicateOfInput'), h('input', { name: 'duplicate_of', value: v.duplicate, spellcheck: 'false', oninput: set('duplicate') }))],
    }[name];
    return h('form', {
      class: 'action-form',
      'data-action': name,
      onsubmit: (event) => {
        event.preventDefault();
        this.send(incident);
      },
    },
    inputs ? inputs() : null,
    field(NOTE_REQUIRED.includes(name) ? t('incident.noteRequired') : t('incident.note'),
      h('textarea', { name: 'note', rows: 2, required: NOTE_REQUIRED.includes(name), oninput: set('note') }, v.note)),
    field(t('incident.photos'), photos.render()),
    error ? h('p', { class: 'form-error', role: 'alert' }, error) : null,
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary', disabled: busy || photos.uploading > 0 },
        busy ? t('incident.busy') : t('incident.confirm', { action: t(`incident.action.${name}`) })),
      h('button', { type: 'button', onclick: () => this.choose(name) }, t('incident.cancel'))));
  }

  // The workers of the incident's grids, finest grid first.
  assigneeField(incident, v, set) {
    const ids = [...incident.chain.map((g) => g.id)].reverse();
    if (incident.responsible.grid && !ids.includes(incident.responsible.grid.id)) ids.unshift(incident.responsible.grid.id);
    const rank = (w) => Math.min(...w.grid_ids.map((g) => (ids.includes(g) ? ids.indexOf(g) : ids.length)));
    const candidates = this.workers.filter((w) => rank(w) < ids.length).sort((a, b) => rank(a) - rank(b) || a.id - b.id);
    const gridName = new Map(incident.chain.map((g) => [g.id, g.name]));
    const label = (w) => [w.name, t(`role.${w.role}`), w.department || gridName.get(w.grid_ids.find((g) => gridName.has(g))) || '']
      .filter(Boolean).join(' · ');
    return field(t('incident.assignee'), h('select', { name: 'assignee', onchange: set('assignee') },
      h('option', { value: '' }, incident.assignee
        ? t('incident.unchangedNamed', { name: incident.assignee.name || `#${incident.assignee.id}` })
        : t('incident.unchanged')),
      candidates.map((w) => h('option', { value: w.id, selected: String(w.id) === v.assignee }, label(w)))));
  }

  async send(incident) {
    const a = this.action;
    a.busy = true;
    a.error = null;
    this.refresh();
    try {
      const step = await this.stepOf(a);
      const changed = await api.transition(incident.id, step);
      this.action = null;
      // The feed tells this view (and the list and the map) to reload the timeline.
      this.feed.put(changed);
      this.refresh();
    } catch (error) {
      a.busy = false;
      a.error = t('incident.failed', { msg: error.message });
      // A conflict may mean someone else moved it: show it as it is now.
      if (error.status === 409) api.incident(incident.id).then((i) => this.feed.put(i), () => {});
      this.refresh();
    }
  }

  // The request body of the chosen action, from its inputs.
  async stepOf({ name, values: v, photos }) {
    const step = { action: name, note: v.note.trim(), photos: photos.ids() };
    if (['accept', 'dispatch'].includes(name) && v.assignee) step.assignee = Number(v.assignee);
    if (name === 'accept' && v.category) step.category = v.category;
    if (name === 'accept' && v.priority) step.priority = v.priority;
    if (name === 'request_extension') step.extension = { [v.unit]: Number(v.amount) };
    if (name === 'close' && v.satisfaction) step.satisfaction = Number(v.satisfaction);
    if (name === 'reject' && v.duplicate.trim()) {
      const text = v.duplicate.trim();
      const other = await api.incident(text).catch(() => {
        throw new Error(t('incident.duplicateNotFound', { id: text }));
      });
      step.duplicate_of = other.id;
    }
    return step;
  }

  timeline() {
    if (!this.events) return h('p', { class: 'panel-loading' }, t('panel.loading'));
    if (!this.events.length) return h('p', { class: 'panel-none' }, t('incident.timelineEmpty'));
    return h('ol', { class: 'timeline' }, [...this.events].reverse().map((e) => h('li', {
      class: 'timeline-event', 'data-seq': e.seq, 'data-action': e.action || 'filed',
    },
    h('div', { class: 'timeline-head' },
      h('span', { class: 'timeline-action' }, t(`incident.action.${e.action || 'filed'}`)),
      h('span', { class: 'timeline-actor' }, e.actor === 'anonymous' ? t('incident.anonymous') : e.actor_name || this.actorName(e.actor)),
      h('time', { class: 'timeline-time', datetime: e.at }, formatTime(e.at))),
    h('div', { class: 'timeline-move' },
      e.from ? [statusTag(e.from), h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→')] : null,
      statusTag(e.to)),
    this.detailsLine(e.details),
    e.note ? h('p', { class: 'timeline-note' }, e.note) : null,
    thumbnails(e.photos))));
  }

  detailsLine(d) {
    const parts = [];
    if (d.assignee) parts.push(t('incident.details.assignee', { name: (this.workerById.get(d.assignee) || {}).name || `#${d.assignee}` }));
    if (d.responsible && d.responsible.grid) parts.push(t('incident.details.grid', { name: this.gridName(d.responsible.grid) }));
    if (d.category) parts.push(t('incident.details.category', { name: this.subName(d.category) }));
    if (d.extension) parts.push(t('incident.details.extension', { limit: formatLimit(d.extension) }));
    if (d.deadline) parts.push(t('incident.details.deadline', { time: formatTime(d.deadline) }));
    if (d.satisfaction) parts.push(t('incident.details.satisfaction', { n: d.satisfaction }));
    if (d.duplicate_of) parts.push(t('incident.details.duplicate', { id: d.duplicate_of }));
    return parts.length ? h('div', { class: 'timeline-details' }, parts.join(t('incident.details.separator'))) : null;
  }

  gridName(id) {
    const incident = this.feed.byId.get(this.id);
    const inChain = incident && incident.chain.find((g) => g.id === id);
    if (inChain) return inChain.name;
    const grid = incident && incident.responsible.grid;
    return grid && grid.id === id ? grid.name : `#${id}`;
  }

  subName(code) {
    const found = this.categories.subs.get(code);
    return found ? named(found.sub) : code;
  }
}
