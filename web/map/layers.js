// layers.js — the left-hand panel: a switch for each layer with its legend beside it
// (grid levels' line styles, density classes, camera statuses, worker roles and duty).

import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

/**
 * One layer the user can switch: `label()` gives its name in the current language,
 * `swatch` an SVG, `legend()` optional rows `{swatch, label}` shown beneath it.
 * @typedef {{id: string, label: () => string, swatch?: string, layer: object,
 *   on: boolean, legend?: () => Array<{swatch: string, label: string}>}} LayerEntry
 */

/** The panel in `element`; `groups` is `[{title: () => string, entries: LayerEntry[]}]`. */
export class LayerPanel {
  constructor(element, map, groups) {
    this.element = element;
    this.map = map;
    this.groups = groups;
    for (const entry of this.entries()) {
      if (entry.on) entry.layer.addTo(map);
    }
    this.render();
  }

  *entries() {
    for (const group of this.groups) yield* group.entries;
  }

  /** Turns a layer on or off by id (also used by tests). */
  set(id, on) {
    for (const entry of this.entries()) {
      if (entry.id !== id) continue;
      entry.on = on;
      if (on) entry.layer.addTo(this.map);
      else entry.layer.remove();
    }
  }

  render() {
    this.element.replaceChildren(
      h('h2', { class: 'sidebar-title' }, t('layers.title')),
      ...this.groups.map((group) => h('section', { class: 'layer-group' },
        h('h3', {}, group.title()),
        h('ul', { class: 'layer-list' }, group.entries.map((entry) => this.renderEntry(entry))))),
      h('p', { class: 'sidebar-hint' }, t('layers.hint')),
    );
  }

  renderEntry(entry) {
    const id = `layer-${entry.id}`;
    const legend = entry.legend ? entry.legend() : [];
    return h('li', { class: 'layer-entry' },
      h('label', { class: 'layer-toggle', for: id },
        h('input', {
          type: 'checkbox',
          id,
          checked: entry.on,
          'data-layer': entry.id,
          onchange: (event) => this.set(entry.id, event.target.checked),
        }),
        entry.swatch ? h('span', { class: 'swatch', html: entry.swatch }) : null,
        h('span', { class: 'layer-name' }, entry.label())),
      legend.length
        ? h('ul', { class: 'legend' }, legend.map((row) => h('li', {},
          h('span', { class: 'swatch', html: row.swatch }),
          h('span', {}, row.label))))
        : null);
  }
}
