// tracks.js — the patrol tracks overlay (巡查轨迹): today's track of every worker with at
// least two position fixes (`/api/tracks`), one coloured line each with the worker's name,
// fixes and time span; asked for again every minute while shown.

import * as api from '../kernel/api.js';
import { t } from '../kernel/i18n.js';
import { TRACK_COLORS } from './symbols.js';

const L = window.L;

/** How often the shown layer asks for the tracks again. */
const REFRESH_MS = 60_000;

/** Builds the tracks layer; it loads when first shown. */
export function trackLayer() {
  const group = L.featureGroup();
  let timer = null;
  let seq = 0;
  const reload = async () => {
    const mine = ++seq;
    try {
      const collection = await api.tracks();
      if (mine !== seq) return;
      group.clearLayers();
      L.geoJSON(collection, {
        style: (feature) => ({
          color: TRACK_COLORS[feature.properties.worker_id % TRACK_COLORS.length],
          weight: 3,
          opacity: 0.85,
          lineJoin: 'round',
          className: 'patrol-track',
        }),
        onEachFeature: (feature, layer) => layer.bindTooltip(() => tooltip(feature.properties), { sticky: true }),
      }).eachLayer((layer) => group.addLayer(layer));
    } catch {
      // The next refresh tries again.
    }
  };
  group.on('add', () => {
    reload();
    timer = setInterval(reload, REFRESH_MS);
  });
  group.on('remove', () => clearInterval(timer));
  return group;
}

function tooltip(p) {
  const span = document.createElement('span');
  span.textContent = t('layers.trackTip', { name: p.name, fixes: p.fixes, from: clock(p.from), to: clock(p.to) });
  return span;
}

// A time of day in China time, "14:05".
function clock(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
}
