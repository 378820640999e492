// workers.js — the grid workers overlay: each worker with a known position, its shape by
// role, filled when on duty and hollow when not; clustered until the map is close in.

import { workerSvg } from './symbols.js';
import { t } from './i18n.js';

const L = window.L;

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
  for (const worker of workers) {
    if (!worker.position) continue;
    const marker = L.marker([worker.position.lat, worker.position.lon], {
      icon: L.divIcon({
        className: `worker-marker ${worker.on_duty ? 'on-duty' : 'off-duty'}`,
        html: workerSvg(worker.role, worker.on_duty),
        iconSize: [16, 16],
        iconAnchor: [8, 8],
      }),
      alt: worker.name,
      keyboard: true,
      zIndexOffset: worker.on_duty ? 100 : 0,
    });
    marker.bindTooltip(() => tooltip(worker), { direction: 'top', offset: [0, -8] });
    marker.on('click', () => onSelect(worker));
    group.addLayer(marker);
  }
  return group;
}

function tooltip(worker) {
  const span = document.createElement('span');
  span.textContent = `${worker.name} · ${t(`role.${worker.role}`)}`
    + (worker.on_duty ? '' : ` · ${t('panel.offDuty')}`);
  return span;
}
