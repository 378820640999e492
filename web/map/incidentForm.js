// incidentForm.js — filing an incident where the dispatcher clicked: duty class and
// sub-category (with its time limit), description, photos, priority, source and reporter;
// then what the service made of it: case number, grid, assignee, deadline, colour, and the
// likely duplicates nearby, each of which the new incident can be rejected as a copy of.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatDistance, t } from '../kernel/i18n.js';
import { fact, section } from './panel.js';
import {
  PhotoPicker, categoryLabel, colourChip, field, formatLimit, formatTime, named, statusTag,
} from './incidentParts.js';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const SOURCES = ['dispatcher', 'hotline_12345', 'camera', 'walk_in', 'worker_app'];

/** The filing form, shown in the details panel; `mayStep(action)` says whether the user may reject. */
export class IncidentForm {
  constructor(panel, feed, categories, { onOpen, mayStep }) {
    this.kind = 'incident-form';
    this.panel = panel;
    this.feed = feed;
    this.categories = categories;
    this.onOpen = onOpen;
    this.mayStep = mayStep;
  }

  /** Opens an empty form for a point; locates it to show its grid. */
  async open(lon, lat) {
    this.point = { lon, lat };
    this.chain = null;
    this.values = { class: '', sub: '', description: '', priority: 'normal', source: 'dispatcher', reporter: '' };
    this.photos = new PhotoPicker(() => this.refresh());
    this.busy = false;
    this.error = null;
    this.result = null;
    this.show();
    try {
      this.chain = (await api.locate(lon, lat)).chain;
    } catch (error) {
      this.error = error.message;
    }
    this.refresh();
  }

  show() {
    this.panel.host(this);
    this.panel.selection.point([this.point.lat, this.point.lon]);
  }

  refresh() {
    if (this.panel.shows(this)) this.panel.render();
  }

  render() {
    return this.result ? this.resultView() : this.formView();
  }

  formView() {
    const v = this.values;
    const set = (name, rerender = false) => (event) => {
      v[name] = event.target.value;
      if (name === 'class') v.sub = '';
      if (rerender) this.refresh();
    };
    const finest = this.chain && this.chain.length ? this.chain[this.chain.length - 1] : null;
    const where = `${this.point.lon.toFixed(5)}, ${this.point.lat.toFixed(5)}`;
    const klass = this.categories.classes.find((c) => c.code === v.class);
    const sub = klass && klass.sub_categories.find((s) => s.code === v.sub);
    const options = (values, prefix, value) => values.map((x) => h('option', { value: x, selected: x === value }, t(`${prefix}.${x}`)));
    return [
      this.panel.header('incident.kind', t('incident.formTitle'), where),
      h('form', {
        class: 'incident-form',
        onsubmit: (event) => {
          event.preventDefault();
          this.submit();
        },
      },
      field(t('incident.where'), h('div', { class: 'form-where' },
        this.chain === null ? t('panel.loading')
          : finest ? this.chain.map((g) => g.name).join(' › ') : t('panel.outside'))),
      field(t('incident.class'), h('select', { name: 'class', required: true, onchange: set('class', true) },
        h('option', { value: '' }, t('incident.choose')),
        this.categories.classes.map((c) => h('option', { value: c.code, selected: c.code === v.class }, named(c))))),
      field(t('incident.sub'), h('select', { name: 'sub', required: true, disabled: !klass, onchange: set('sub', true) },
        h('option', { value: '' }, t('incident.choose')),
        (klass ? klass.sub_categories : []).map((s) => h('option', { value: s.code, selected: s.code === v.sub }, named(s)))),
      sub ? t('incident.timeLimit', { limit: formatLimit(sub.time_limit) }) : null),
      field(t('incident.description'), h('textarea', { name: 'description', rows: 3, maxlength: 2000, oninput: set('description') }, v.description)),
      field(t('incident.photos'), this.photos.render()),
      h('div', { class: 'form-row' },
        field(t('incident.priority'), h('select', { name: 'priority', onchange: set('priority') }, options(PRIORITIES, 'incident.priority', v.priority))),
        field(t('incident.source'), h('select', { name: 'source', onchange: set('source') }, options(SOURCES, 'incident.source', v.source)))),
      field(t('incident.reporter'), h('input', {
        name: 'reporter', value: v.reporter, placeholder: t('incident.reporterPlaceholder'), oninput: set('reporter'),
      })),
      this.error ? h('p', { class: 'form-error', role: 'alert' }, t('incident.failed', { msg: this.error })) : null,
      h('div', { class: 'form-buttons' },
        h('button', { type: 'submit', class: 'primary', disabled: this.busy || this.photos.uploading > 0 },
          this.busy ? t('incident.submitting') : t('incident.submit')),
        h('button', { type: 'button', onclick: () => this.panel.close() }, t('incident.cancel')))),
    ];
  }

  async submit() {
    const v = this.values;
    this.busy = true;
    this.error = null;
    this.refresh();
    try {
      const filed = await api.fileIncident({
        category: v.sub,
        lon: this.point.lon,
        lat: this.point.lat,
        description: v.description.trim(),
        source: v.source,
        reporter: v.reporter.trim() || undefined,
        priority: v.priority,
        photos: this.photos.ids(),
      });
      const { likely_duplicates: duplicates, ...incident } = filed;
      this.feed.put(incident, 'filed');
      this.result = { id: incident.id, duplicates };
    } catch (error) {
      this.error = error.message;
    }
    this.busy = false;
    this.refresh();
  }

  resultView() {
    const incident = this.feed.byId.get(this.result.id);
    const grid = incident.responsible.grid;
    return [
      this.panel.header('incident.filed', incident.case_number, h('span', { class: 'subtitle-text' }, categoryLabel(incident))),
      h('dl', { class: 'facts filed-facts' },
        fact(t('incident.caseNumber'), h('span', { class: 'case-number' }, incident.case_number)),
        fact(t('incident.status'), statusTag(incident.status)),
        fact(t('incident.colour'), colourChip(incident)),
        fact(t('incident.responsible'), grid ? grid.name : t('incident.county')),
        incident.responsible.department ? fact(t('incident.department'), incident.responsible.department) : null,
        fact(t('incident.assignee'), incident.assignee
          ? `${incident.assignee.name || `#${incident.assignee.id}`} ${incident.assignee.phone || ''}`.trim()
          : t('incident.unassigned')),
        fact(t('incident.deadline'), formatTime(incident.deadline))),
      h('div', { class: 'panel-actions' },
        h('button', { type: 'button', class: 'primary open-detail', onclick: () => this.onOpen(incident) }, t('incident.openDetail'))),
      section(t('incident.duplicates'), this.duplicatesView(incident)),
      this.error ? h('p', { class: 'panel-error', role: 'alert' }, t('incident.failed', { msg: this.error })) : null,
    ];
  }

  duplicatesView(incident) {
    const near = this.result.duplicates || [];
    if (!near.length) return h('p', { class: 'panel-none' }, t('incident.noDuplicates'));
    const rejectable = incident.allowed_actions.includes('reject') && this.mayStep('reject');
    return h('ul', { class: 'duplicates' }, near.map((d) => h('li', { class: 'duplicate', 'data-case': d.case_number },
      h('div', { class: 'incident-row-top' },
        colourChip(d), h('span', { class: 'case-number' }, d.case_number), statusTag(d.status),
        h('span', { class: 'distance' }, t('incident.distance', { d: formatDistance(d.distance_m) }))),
      h('div', { class: 'incident-row-category' }, d.description || categoryLabel(d)),
      h('div', { class: 'duplicate-buttons' },
        h('button', { type: 'button', onclick: () => this.onOpen(d) }, t('incident.view')),
        rejectable ? h('button', { type: 'button', onclick: () => this.rejectAsCopyOf(incident, d) }, t('incident.markDuplicate')) : null))));
  }

  async rejectAsCopyOf(incident, original) {
    try {
      const changed = await api.transition(incident.id, {
        action: 'reject',
        note: t('incident.duplicateNote', { case: original.case_number }),
        duplicate_of: original.id,
      });
      this.feed.put(changed);
      this.onOpen(changed);
    } catch (error) {
      this.error = error.message;
      this.refresh();
    }
  }
}
