// workers.js — the grid workers overlay: each worker with a known position, its shape by
// role, filled when on duty and hollow when not, ringed green when available to be called
// (on duty, on shift, position fresh); clustered until the map is close in. While shown,
// the positions are asked for again every 15 s.

import * as api from '../kernel/api.js';
import { workerSvg } from './symbols.js';
import { t } from '../kernel/i18n.js';

const L = window.L;

/** How often the shown layer asks for the workers' positions again. */
const REFRESH_MS = 15_000;

/** Builds the worker layer; `onSelect(worker)` runs when a worker is clicked. */
export function workerLayer(workers, onSelect) {
  const group = L.markerClusterGroup({
    showCoverageOnHover: false,
    disableClusteringAtZoom: 16,
    maxClusterRadius: (zoom) => (zoom <= 14 ? 70 : 40),
    iconCreateFunction: (cluster) => L.divIcon({
      className: 'worker-cluster',
      html: `<span>${cluster.getChildCount()}</span>`,
      iconSize: [26, 26],
    }),
  });
  const draw = (list) => {
    group.clearLayers();
    group.addLayers(list.filter((w) => w.position).map((w) => marker(w, onSelect)));
  };
  draw(workers);
  let timer = null;
  const reload = () => api.workers().then(draw, () => {});
  group.on('add', () => {
    reload();
    timer = setInterval(reload, REFRESH_MS);
  });
  group.on('remove', () => clearInterval(timer));
  return group;
}

function marker(worker, onSelect) {
  const available = worker.available === true;
  const size = available ? 20 : 16;
  const m = L.marker([worker.position.lat, worker.position.lon], {
    icon: L.divIcon({
      className: `worker-marker ${worker.on_duty ? 'on-duty' : 'off-duty'}${available ? ' available' : ''}`,
      html: workerSvg(worker.role, worker.on_duty, available),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    }),
    alt: worker.name,
    keyboard: true,
    zIndexOffset: available ? 200 : worker.on_duty ? 100 : 0,
  });
  m.bindTooltip(() => tooltip(worker), { direction: 'top', offset: [0, -8] });
  m.on('click', () => onSelect(worker));
  return m;
}

function tooltip(worker) {
  const span = document.createElement('span');
  const state = worker.available ? t('panel.available') : worker.on_duty ? '' : t('panel.offDuty');
  span.textContent = [worker.name, t(`role.${worker.role}`), state].filter(Boolean).join(' · ');
  return span;
}
