// cameras.js — the cameras overlay: every camera from `/api/cameras`, coloured by status,
// clustered at low zoom (a cluster counts its cameras and flags those not online).

import { cameraSvg } from './symbols.js';
import { t } from '../kernel/i18n.js';

const L = window.L;

/** Builds the clustered camera layer; `onSelect(feature)` runs when a camera is clicked. */
export function cameraLayer(collection, onSelect) {
  const group = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 16,
    maxClusterRadius: (zoom) => (zoom <= 14 ? 80 : 50),
    iconCreateFunction: clusterIcon,
  });
  const byId = new Map();
  for (const feature of collection.features) {
    const [lon, lat] = feature.geometry.coordinates;
    const { status, name, code } = feature.properties;
    const marker = L.marker([lat, lon], {
      icon: L.divIcon({
        className: 'camera-marker',
        html: cameraSvg(status),
        iconSize: [16, 16],
        iconAnchor: [8, 8],
      }),
      title: `${name} ${code}`,
      alt: name,
      keyboard: true,
    });
    marker.cameraStatus = status;
    marker.on('click', () => onSelect(feature));
    group.addLayer(marker);
    byId.set(feature.id, feature);
  }
  return { group, byId };
}

function clusterIcon(cluster) {
  const markers = cluster.getAllChildMarkers();
  const notOnline = markers.filter((m) => m.cameraStatus !== 'online').length;
  const faults = markers.filter((m) => m.cameraStatus === 'fault').length;
  const size = markers.length >= 100 ? 36 : markers.length >= 20 ? 30 : 26;
  const badge = notOnline
    ? `<span class="cluster-badge ${faults ? 'has-fault' : ''}" title="${t('status.offline')}/${t('status.fault')}">${notOnline}</span>`
    : '';
  return L.divIcon({
    className: 'camera-cluster',
    html: `<span class="cluster-count">${markers.length}</span>${badge}`,
    iconSize: [size, size],
  });
}
