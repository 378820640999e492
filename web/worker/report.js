// report.js — "上报" (随手拍): category, description, photos from the camera, the phone's
// position with its accuracy on a small map where the point can be checked and moved; filed
// as source `worker_app` with the worker as reporter.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatDistance, t } from '../kernel/i18n.js';
import { createMap, serviceTiles, townBackground } from '../kernel/map.js';
import { dateTime, named, timeLimit } from './format.js';
import { PhotoField } from './photos.js';

const L = window.L;
const ZOOM_ON_FIX = 16;

/** The report form; `onOpen(id)` opens a filed incident in the task list. */
export class Report {
  constructor(element, onOpen) {
    this.element = element;
    this.onOpen = onOpen;
    this.me = null;
    this.categories = null;
    this.map = null;
  }

  /** Shows the form (a fresh one after a filing), for `me`. */
  async show(me) {
    this.me = me;
    if (!me) {
      this.element.replaceChildren(h('p', { class: 'w-hint w-pad' }, t('worker.me.unknown')));
      this.map = null;
      return;
    }
    if (this.form && this.element.contains(this.form)) {
      this.map?.invalidateSize();
      return;
    }
    try {
      this.categories ??= (await api.categories()).categories;
      this.settings ??= await api.mapSettings();
      this.towns ??= await api.gridsOfLevel(1);
    } catch (err) {
      this.element.replaceChildren(h('p', { class: 'w-error w-pad' }, t('worker.failed', { msg: err.message })));
      return;
    }
    this.render();
  }

  /** Redraws the form in the current language, keeping nothing typed (a rare event). */
  relabel() {
    if (this.form && this.element.contains(this.form)) this.render(true);
  }

  render(keepPoint = false) {
    const previous = keepPoint ? this.point : null;
    this.point = null;
    this.classSelect = h('select', { class: 'w-input', id: 'report-class', required: true },
      h('option', { value: '' }, t('worker.report.choose')),
      this.categories.map((c) => h('option', { value: c.code }, named(c))));
    this.subSelect = h('select', { class: 'w-input', id: 'report-category', required: true, disabled: true },
      h('option', { value: '' }, t('worker.report.choose')));
    this.classSelect.addEventListener('change', () => this.fillSubs());
    this.description = h('textarea', { class: 'w-input', id: 'report-description', rows: 3, maxlength: 2000, placeholder: t('worker.report.descriptionHint') });
    this.photos = new PhotoField('report');
    this.where = h('p', { class: 'w-where', id: 'report-where', 'aria-live': 'polite' });
    this.grid = h('p', { class: 'w-grid', id: 'report-grid', 'aria-live': 'polite' });
    this.error = h('p', { class: 'w-error', id: 'report-error', 'aria-live': 'assertive' });
    this.submit = h('button', { type: 'submit', class: 'w-button w-primary w-wide', id: 'report-submit' }, t('worker.report.submit'));
    const mapElement = h('div', { class: 'w-map', id: 'report-map' });
    this.form = h('form', { class: 'w-form w-pad', id: 'report-form', novalidate: true },
      h('h2', { class: 'w-h2' }, t('worker.report.title')),
      h('label', { class: 'w-label', for: 'report-class' }, t('worker.report.class')),
      this.classSelect,
      h('label', { class: 'w-label', for: 'report-category' }, t('worker.report.sub')),
      this.subSelect,
      h('label', { class: 'w-label', for: 'report-description' }, t('worker.report.description')),
      this.description,
      h('span', { class: 'w-label' }, t('worker.report.photos')),
      this.photos.element,
      h('div', { class: 'w-label-row' },
        h('span', { class: 'w-label' }, t('worker.report.location')),
        h('button', { type: 'button', class: 'w-button w-small', id: 'report-locate', onclick: () => this.locate() }, t('worker.report.locate'))),
      this.where,
      mapElement,
      h('p', { class: 'w-hint' }, t('worker.report.mapHint')),
      this.grid,
      this.error,
      this.submit);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.file();
    });
    this.element.replaceChildren(this.form);
    this.buildMap(mapElement);
    if (previous) this.setPoint(previous, false);
    else this.locate();
  }

  fillSubs() {
    const cls = this.categories.find((c) => c.code === this.classSelect.value);
    this.subSelect.replaceChildren(h('option', { value: '' }, t('worker.report.choose')),
      ...(cls ? cls.sub_categories : []).map((s) => h('option', { value: s.code }, `${named(s)}(${timeLimit(s.time_limit)})`)));
    this.subSelect.disabled = !cls;
    if (cls && cls.sub_categories.length === 1) this.subSelect.value = cls.sub_categories[0].code;
  }

  buildMap(element) {
    this.map?.remove();
    const map = createMap(element, this.settings);
    map.attributionControl.remove();
    townBackground(map, this.towns);
    serviceTiles(map, 'grids', 2).addTo(map);
    map.on('click', (e) => this.setPoint({ lon: e.latlng.lng, lat: e.latlng.lat, accuracy: null }, true));
    this.marker = null;
    this.circle = null;
    this.map = map;
  }

  locate() {
    if (!navigator.geolocation) {
      this.where.textContent = t('worker.report.locateFailed', { msg: 'geolocation' });
      return;
    }
    this.where.textContent = t('worker.report.locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => this.setPoint({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy }, false, true),
      (err) => { this.where.textContent = t('worker.report.locateFailed', { msg: err.message }); },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
  }

  /** Moves the report's point; `adjusted` when the worker set it by hand. */
  async setPoint(point, adjusted, fly = false) {
    this.point = { ...point, adjusted };
    const latlng = [point.lat, point.lon];
    if (!this.marker) {
      this.marker = L.marker(latlng, { draggable: true, autoPan: true, keyboard: false }).addTo(this.map);
      this.marker.on('dragend', () => {
        const p = this.marker.getLatLng();
        this.setPoint({ lon: p.lng, lat: p.lat, accuracy: null }, true);
      });
    } else {
      this.marker.setLatLng(latlng);
    }
    this.circle?.remove();
    this.circle = point.accuracy ? L.circle(latlng, { radius: point.accuracy, weight: 1, color: '#1c64b4', fillOpacity: 0.12, interactive: false }).addTo(this.map) : null;
    if (fly) this.map.setView(latlng, Math.max(this.map.getZoom(), ZOOM_ON_FIX), { animate: false });
    const coords = `${point.lon.toFixed(6)}, ${point.lat.toFixed(6)}`;
    this.where.textContent = adjusted
      ? `${coords} · ${t('worker.report.adjusted')}`
      : `${coords} · ${t('worker.report.accuracy', { n: formatDistance(point.accuracy ?? 0) })}`;
    this.where.dataset.accuracy = point.accuracy ?? '';
    const asked = this.point;
    try {
      const { chain } = await api.locate(point.lon, point.lat);
      if (asked !== this.point) return;
      this.point.chain = chain;
      this.grid.textContent = chain.length ? t('worker.report.inGrid', { name: chain[chain.length - 1].name }) : t('worker.report.outside');
      this.grid.dataset.code = chain.length ? chain[chain.length - 1].code : '';
    } catch (err) {
      this.grid.textContent = t('worker.failed', { msg: err.message });
    }
  }

  async file() {
    this.error.textContent = '';
    if (!this.subSelect.value) {
      this.error.textContent = t('worker.report.needCategory');
      return;
    }
    if (!this.point) {
      this.error.textContent = t('worker.report.needLocation');
      return;
    }
    if (this.photos.busy()) return;
    const report = {
      category: this.subSelect.value,
      lon: this.point.lon,
      lat: this.point.lat,
      description: this.description.value.trim(),
      source: 'worker_app',
      reporter: this.me.name,
    };
    if (this.photos.ids().length) report.photos = this.photos.ids();
    this.submit.disabled = true;
    this.submit.textContent = t('worker.report.submitting');
    try {
      const incident = await api.fileIncident(report);
      this.done(incident);
    } catch (err) {
      this.error.textContent = t('worker.report.failed', { msg: err.message });
      this.submit.disabled = false;
      this.submit.textContent = t('worker.report.submit');
    }
  }

  done(incident) {
    this.map?.remove();
    this.map = null;
    this.form = null;
    const grid = incident.responsible.grid;
    const duplicates = incident.likely_duplicates || [];
    const fact = (label, value, id) => [h('dt', {}, t(label)), h('dd', { id }, value)];
    this.element.replaceChildren(h('div', { class: 'w-done w-pad', id: 'report-done', role: 'status' },
      h('h2', { class: 'w-h2 w-ok' }, '✓ ', t('worker.report.done')),
      h('dl', { class: 'w-facts' },
        fact('worker.report.caseNumber', incident.case_number, 'done-case'),
        fact('worker.report.grid', grid ? grid.name || String(grid.id) : t('worker.detail.county'), 'done-grid'),
        fact('worker.report.assignee', incident.assignee ? incident.assignee.name || String(incident.assignee.id) : '—', 'done-assignee'),
        fact('worker.report.deadline', dateTime(incident.deadline), 'done-deadline')),
      duplicates.length ? h('p', { class: 'w-hint' }, t('worker.report.duplicates', { n: duplicates.length })) : null,
      h('div', { class: 'w-form-buttons' },
        h('button', { type: 'button', class: 'w-button', id: 'report-again', onclick: () => this.show(this.me) }, t('worker.report.again')),
        h('button', { type: 'button', class: 'w-button w-primary', id: 'report-open', onclick: () => this.onOpen(incident.id) }, t('worker.report.open')))));
  }
}
