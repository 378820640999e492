// photos.js — taking photos on the phone: a camera button (`capture="environment"`), each
// photo uploaded to /api/photos at once and shown as a thumbnail that can be removed.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

/** A camera glyph of our own (emoji fonts are not on every phone or desk). */
const CAMERA_ICON = '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"><path d="M4 7h3l2-3h6l2 3h3v13H4z"/><circle cx="12" cy="13" r="4"/></svg>';

/** A photo field; `ids()` are the uploaded photos' ids, `busy()` whether one is uploading. */
export class PhotoField {
  constructor(name) {
    this.photos = [];
    this.uploading = 0;
    this.input = h('input', {
      type: 'file', accept: 'image/*', capture: 'environment', class: 'w-file', id: `${name}-photo`,
      'data-role': 'photo-input',
    });
    this.input.addEventListener('change', () => this.upload([...this.input.files]));
    this.thumbs = h('div', { class: 'w-thumbs' });
    this.status = h('p', { class: 'w-hint', 'aria-live': 'polite' });
    this.element = h('div', { class: 'w-photos' },
      this.thumbs,
      h('label', { class: 'w-button w-photo-button', for: `${name}-photo` },
        h('span', { class: 'w-icon', 'aria-hidden': 'true', html: CAMERA_ICON }), t('worker.photo.add')),
      this.input,
      this.status);
  }

  ids() {
    return this.photos.map((p) => p.id);
  }

  busy() {
    return this.uploading > 0;
  }

  async upload(files) {
    this.input.value = '';
    for (const file of files) {
      this.uploading += 1;
      this.status.textContent = t('worker.photo.uploading');
      try {
        const photo = await api.uploadPhoto(file);
        this.photos.push(photo);
        this.status.textContent = '';
      } catch (err) {
        this.status.textContent = t('worker.photo.failed', { msg: err.message });
      } finally {
        this.uploading -= 1;
      }
      this.renderThumbs();
    }
  }

  renderThumbs() {
    this.thumbs.replaceChildren(...this.photos.map((photo) => h('figure', { class: 'w-thumb' },
      h('img', { src: photo.thumbnail_url, alt: '', 'data-photo-id': photo.id }),
      h('button', {
        type: 'button', class: 'w-thumb-remove', 'aria-label': t('worker.photo.remove'),
        onclick: () => {
          this.photos = this.photos.filter((p) => p !== photo);
          this.renderThumbs();
        },
      }, '×'))));
  }
}
