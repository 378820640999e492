// incidentParts.js — small pieces the incident views share: names in the current language,
// times in China Standard Time, the colour chip and status tag, time limits, the category
// lookup and the photo picker (uploads to /api/photos and shows thumbnails).

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { currentLang, t } from '../kernel/i18n.js';
import { INCIDENT_COLORS } from './symbols.js';
import { colourOf } from './incidents.js';

/** A `{zh, en}` name in the current language. */
export function named(names, fallback = '') {
  if (!names) return fallback;
  return (currentLang() === 'en' ? names.en : names.zh) || fallback;
}

/** An instant as a date and time in China Standard Time, where the town works. */
export function formatTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/** A time limit `{working_hours: N}` or `{working_days: N}` in words. */
export function formatLimit(limit) {
  if (!limit) return '—';
  const [unit, n] = Object.entries(limit)[0];
  return t(`incident.limit.${unit}`, { n });
}

/** A coloured chip for the incident's colour (grey once closed). */
export function colourChip(incident) {
  const colour = colourOf(incident);
  return h('span', {
    class: `colour-chip colour-${colour}`,
    style: `--chip:${INCIDENT_COLORS[colour]}`,
    'data-colour': colour,
    title: t(`incident.colour.${colour}`),
  }, t(`incident.colourShort.${colour}`));
}

/** The status as a tag. */
export function statusTag(status) {
  return h('span', { class: `incident-status status-${status}`, 'data-status': status }, t(`incident.status.${status}`));
}

/** The finest grid the incident was filed in. */
export function gridOf(incident) {
  return incident.chain.length ? incident.chain[incident.chain.length - 1] : null;
}

/** The sub-category's name, with its class: "交通管理 · 违章停车". */
export function categoryLabel(incident) {
  const sub = named(incident.category_name, incident.category);
  return incident.class_name ? `${named(incident.class_name)} · ${sub}` : sub;
}

/** The categories of `/api/categories`, looked up by sub-category code. */
export class Categories {
  constructor(classes) {
    this.classes = classes;
    this.subs = new Map();
    for (const c of classes) for (const s of c.sub_categories) this.subs.set(s.code, { class: c, sub: s });
  }

  /** A `<select>` of every sub-category grouped by class; `extra` options come first. */
  select(attrs, value, extra = []) {
    return h('select', attrs,
      extra.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
      this.classes.map((c) => h('optgroup', { label: named(c) },
        c.sub_categories.map((s) => h('option', { value: s.code, selected: s.code === value }, named(s))))));
  }
}

/**
 * Photos attached to a report or a step: a file input that uploads each chosen photo at
 * once and shows its thumbnail; `ids()` gives the uploaded ids. `onChange` re-renders.
 */
export class PhotoPicker {
  constructor(onChange) {
    this.photos = [];
    this.uploading = 0;
    this.error = null;
    this.onChange = onChange;
  }

  ids() {
    return this.photos.map((p) => p.id);
  }

  async add(files) {
    for (const file of files) {
      this.uploading += 1;
      this.error = null;
      this.onChange();
      try {
        this.photos.push(await api.uploadPhoto(file));
      } catch (error) {
        this.error = error.message;
      }
      this.uploading -= 1;
      this.onChange();
    }
  }

  render() {
    return h('div', { class: 'photo-picker' },
      h('div', { class: 'thumbs' }, this.photos.map((p, i) => h('span', { class: 'thumb' },
        h('img', { src: p.thumbnail_url, alt: t('incident.photos'), 'data-photo': p.id }),
        h('button', {
          type: 'button',
          class: 'thumb-remove',
          'aria-label': t('incident.removePhoto'),
          title: t('incident.removePhoto'),
          onclick: () => { this.photos.splice(i, 1); this.onChange(); },
        }, '×')))),
      h('label', { class: 'photo-add' },
        h('input', {
          type: 'file',
          accept: 'image/jpeg,image/png,image/webp',
          class: 'photo-input',
          onchange: (event) => this.add([...event.target.files]),
        }),
        this.uploading ? t('incident.uploading') : t('incident.addPhoto')),
      this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null);
  }
}

/** Thumbnails linking to the full photos (`[{id, url, thumbnail_url}]` or ids). */
export function thumbnails(photos) {
  if (!photos.length) return null;
  return h('div', { class: 'thumbs' }, photos.map((p) => {
    const id = typeof p === 'object' ? p.id : p;
    return h('a', { class: 'thumb', href: `/api/photos/${id}`, target: '_blank', rel: 'noopener' },
      h('img', { src: `/api/photos/${id}/thumbnail`, alt: t('incident.photos'), loading: 'lazy' }));
  }));
}

/** A labelled form field. */
export function field(label, control, hint) {
  return h('label', { class: 'form-field' },
    h('span', { class: 'form-label' }, label),
    control,
    hint ? h('span', { class: 'form-hint' }, hint) : null);
}
