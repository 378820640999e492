// tasks.js — "my grid's open incidents": the open incidents of the worker's grids and those
// assigned to them, most urgent first; tapping one opens its detail with the timeline and
// the steps a worker takes in the field.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { dateTime, named, timeLeft, timeLimit } from './format.js';
import { PhotoField } from './photos.js';
import { mayStep } from '../kernel/session.js';

/** Every status in which an incident is still open. */
const OPEN = 'reported,accepted,dispatched,handling,handled,verified,returned,escalated,extension_requested';

/**
 * The steps a grid worker takes in the field, in the order offered, with what each asks:
 * `note` is 'required' where the service refuses an empty one. Dispatcher-only steps
 * (accept, dispatch, verify, close, approve or deny an extension, reopen, reject, archive)
 * are left to the command centre's page; of these, only those the account's permissions
 * allow are offered.
 */
const FIELD_STEPS = {
  start_handling: { note: 'optional' },
  report_handled: { note: 'required', noteLabel: 'worker.step.noteFeedback', photos: true },
  request_extension: { note: 'optional', days: true },
  escalate: { note: 'optional', photos: true },
  return: { note: 'required', noteLabel: 'worker.step.noteReason' },
};

/** A colour chip: blue, yellow or red. */
export function colourChip(colour) {
  if (!colour) return null;
  return h('span', { class: `w-chip w-chip-${colour}`, 'data-colour': colour }, t(`worker.colour.${colour}`));
}

/** The task list and the incident detail, in one section of the page; `user` is who is signed in. */
export class Tasks {
  constructor(element, user) {
    this.element = element;
    this.user = user;
    this.me = null;
    this.openId = null;
  }

  /** Shows the list for `me` (or a hint when nobody is picked). */
  async show(me) {
    this.me = me;
    this.openId = null;
    if (!me) {
      this.element.replaceChildren(h('p', { class: 'w-hint w-pad' }, t('worker.me.unknown')));
      return;
    }
    this.element.replaceChildren(h('p', { class: 'w-hint w-pad' }, t('worker.loading')));
    try {
      const items = await this.load(me);
      if (this.openId === null && this.me === me) this.renderList(items);
    } catch (err) {
      this.element.replaceChildren(h('p', { class: 'w-error w-pad' }, t('worker.failed', { msg: err.message })));
    }
  }

  /** Redraws what is shown, after a language change. */
  refresh() {
    if (this.openId !== null) this.open(this.openId);
    else this.show(this.me);
  }

  async load(me) {
    const pages = await Promise.all([
      api.incidents({ assignee: me.id, status: OPEN, limit: 200 }),
      ...me.grids.map((g) => api.incidents({ grid: g.code, status: OPEN, limit: 200 })),
    ]);
    const byId = new Map();
    for (const page of pages) for (const incident of page.incidents) byId.set(incident.id, incident);
    return [...byId.values()].sort((a, b) => a.deadline.localeCompare(b.deadline));
  }

  renderList(items) {
    const mine = items.filter((i) => i.assignee && i.assignee.id === this.me.id);
    const others = items.filter((i) => !(i.assignee && i.assignee.id === this.me.id));
    const gridNames = this.me.grids.map((g) => g.name).join('、');
    this.element.replaceChildren(...[
      h('div', { class: 'w-list-head w-pad' },
        h('h2', { class: 'w-h2' }, t('worker.tasks.title')),
        h('button', { type: 'button', class: 'w-button w-small', id: 'tasks-refresh', onclick: () => this.show(this.me) },
          t('worker.tasks.refresh'))),
      h('p', { class: 'w-hint w-pad' }, gridNames || t('worker.me.noGrid')),
      mine.length ? h('h3', { class: 'w-h3 w-pad' }, `${t('worker.tasks.assigned')} (${mine.length})`) : null,
      mine.length ? this.list(mine, 'tasks-mine') : null,
      others.length ? h('h3', { class: 'w-h3 w-pad' }, `${t('worker.tasks.title')} (${others.length})`) : null,
      others.length ? this.list(others, 'tasks-grid') : null,
      items.length ? null : h('p', { class: 'w-empty' }, t('worker.tasks.empty')),
    ].filter(Boolean));
  }

  list(incidents, id) {
    return h('ul', { class: 'w-tasks', id }, incidents.map((incident) => h('li', {},
      h('button', {
        type: 'button', class: 'w-task', 'data-case-number': incident.case_number,
        onclick: () => this.open(incident.id),
      },
      h('span', { class: 'w-task-top' },
        colourChip(incident.colour),
        h('span', { class: 'w-case' }, incident.case_number),
        h('span', { class: `w-left${incident.colour === 'red' ? ' is-over' : ''}` }, timeLeft(incident.deadline))),
      h('span', { class: 'w-task-cat' }, named(incident.category_name, incident.category)),
      h('span', { class: 'w-task-sub' },
        [t(`worker.status.${incident.status}`), incident.description].filter(Boolean).join(' · '))))));
  }

  /** Opens one incident: its facts, the field steps allowed now and its timeline. */
  async open(id, message = '') {
    this.openId = id;
    this.element.replaceChildren(h('p', { class: 'w-hint w-pad' }, t('worker.loading')));
    try {
      const [incident, { events }] = await Promise.all([api.incident(id), api.incidentEvents(id)]);
      if (this.openId === id) this.renderDetail(incident, events, message);
    } catch (err) {
      this.element.replaceChildren(this.backButton(), h('p', { class: 'w-error w-pad' }, t('worker.failed', { msg: err.message })));
    }
  }

  backButton() {
    return h('button', { type: 'button', class: 'w-back', id: 'detail-back', onclick: () => this.show(this.me) },
      '‹ ', t('worker.detail.back'));
  }

  renderDetail(incident, events, message) {
    const grid = incident.responsible.grid;
    const fact = (label, value) => (value ? [h('dt', {}, t(label)), h('dd', {}, value)] : null);
    this.element.replaceChildren(h('article', { class: 'w-detail', id: 'incident-detail', 'data-case-number': incident.case_number },
      this.backButton(),
      h('div', { class: 'w-detail-head w-pad' },
        colourChip(incident.colour),
        h('span', { class: 'w-case' }, incident.case_number),
        h('span', { class: `w-left${incident.colour === 'red' ? ' is-over' : ''}` },
          incident.status === 'closed' ? '' : timeLeft(incident.deadline))),
      h('h2', { class: 'w-h2 w-pad' }, `${named(incident.class_name)} · ${named(incident.category_name, incident.category)}`),
      message ? h('p', { class: 'w-ok w-pad', role: 'status', id: 'step-message' }, message) : null,
      incident.pending_extension ? h('p', { class: 'w-hint w-pad' }, t('worker.detail.extension', { n: timeLimit(incident.pending_extension) })) : null,
      h('dl', { class: 'w-facts w-pad' },
        fact('worker.detail.status', h('span', { id: 'detail-status', 'data-status': incident.status }, t(`worker.status.${incident.status}`))),
        fact('worker.detail.deadline', dateTime(incident.deadline)),
        fact('worker.detail.grid', grid ? grid.name || String(grid.id) : t('worker.detail.county')),
        fact('worker.detail.assignee', incident.assignee ? incident.assignee.name || String(incident.assignee.id) : ''),
        fact('worker.detail.reporter', incident.reporter),
        fact('worker.detail.reportedAt', dateTime(incident.reported_at)),
        fact('worker.detail.description', incident.description)),
      incident.photos.length ? h('div', { class: 'w-thumbs w-pad' }, incident.photos.map((p) => h('a', { href: p.url, target: '_blank', class: 'w-thumb' },
        h('img', { src: p.thumbnail_url, alt: t('worker.detail.photos') })))) : null,
      this.actions(incident),
      h('h3', { class: 'w-h3 w-pad' }, t('worker.detail.timeline')),
      h('ol', { class: 'w-timeline', id: 'timeline' }, events.map((e) => h('li', { 'data-action': e.action || 'filed' },
        h('div', { class: 'w-event-head' },
          h('strong', {}, t(`worker.action.${e.action || 'filed'}`)),
          h('span', {}, dateTime(e.at))),
        h('div', { class: 'w-event-sub' }, [e.actor_name || this.actorName(e.actor), t(`worker.status.${e.to}`)].filter(Boolean).join(' · ')),
        e.note ? h('p', { class: 'w-event-note' }, e.note) : null,
        e.photos.length ? h('div', { class: 'w-thumbs' }, e.photos.map((pid) => h('a', { href: `/api/photos/${pid}`, target: '_blank', class: 'w-thumb' },
          h('img', { src: `/api/photos/${pid}/thumbnail`, alt: t('worker.detail.photos') })))) : null)))));
  }

  // Who took a step, as the timeline names them (a username): the worker's own, by name.
  actorName(actor) {
    return actor === this.user.username ? this.user.display_name || actor : actor;
  }

  actions(incident) {
    const steps = incident.allowed_actions.filter((a) => a in FIELD_STEPS && mayStep(this.user, a));
    const form = h('div', { class: 'w-step-form', hidden: true });
    const buttons = steps.map((action) => h('button', {
      type: 'button', class: `w-button${action === steps[0] ? ' w-primary' : ''}`, 'data-action': action,
      onclick: () => this.stepForm(incident, action, form),
    }, t(`worker.action.${action}`)));
    return h('section', { class: 'w-actions w-pad', id: 'actions' },
      h('h3', { class: 'w-h3' }, t('worker.detail.actions')),
      steps.length ? h('div', { class: 'w-action-buttons' }, buttons) : h('p', { class: 'w-hint' }, t('worker.detail.noActions')),
      form);
  }

  stepForm(incident, action, form) {
    const spec = FIELD_STEPS[action];
    const note = h('textarea', { class: 'w-input', id: 'step-note', rows: 3, 'aria-required': spec.note === 'required' ? 'true' : null });
    const days = spec.days ? h('input', { class: 'w-input', id: 'step-days', type: 'number', min: 1, max: 30, value: 2, inputmode: 'numeric' }) : null;
    const photos = spec.photos ? new PhotoField('step') : null;
    const error = h('p', { class: 'w-error', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'w-button w-primary', id: 'step-submit' }, t('worker.step.submit'));
    const element = h('form', { class: 'w-form', 'data-action': action },
      h('h4', { class: 'w-h3' }, t(`worker.action.${action}`)),
      days ? h('label', { class: 'w-label', for: 'step-days' }, t('worker.step.days')) : null,
      days,
      h('label', { class: 'w-label', for: 'step-note' }, t(spec.noteLabel || 'worker.step.note')),
      note,
      photos ? photos.element : null,
      error,
      h('div', { class: 'w-form-buttons' },
        h('button', { type: 'button', class: 'w-button', onclick: () => { form.hidden = true; } }, t('worker.step.cancel')),
        submit));
    element.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (spec.note === 'required' && !note.value.trim()) {
        error.textContent = t('worker.step.noteRequired');
        note.focus();
        return;
      }
      if (photos && photos.busy()) return;
      // Who took the step is whoever is signed in: the service records it.
      const step = { action, note: note.value.trim() };
      if (photos && photos.ids().length) step.photos = photos.ids();
      if (days) step.extension = { working_days: Math.max(1, Number(days.value) || 1) };
      submit.disabled = true;
      try {
        await api.transition(incident.id, step);
        await this.open(incident.id, t('worker.step.done', { action: t(`worker.action.${action}`) }));
      } catch (err) {
        error.textContent = t('worker.step.failed', { msg: err.message });
        submit.disabled = false;
      }
    });
    form.replaceChildren(element);
    form.hidden = false;
    note.focus();
  }
}
