// videoLinkage.js — the video operator's side of the page (视频联动), wired together: the
// alerts and calls feed and its live stream, the camera view in the details panel and the
// linkage tab, with the countdowns of ringing calls ticking. Without alerts.read there is no
// tab and no stream: the camera view then shows the camera alone.

import * as api from '../kernel/api.js';
import { CameraDesk } from './cameraDesk.js';
import { LinkageFeed } from '../kernel/linkage.js';
import { LinkagePanel } from './linkagePanel.js';
import { startCountdowns } from '../kernel/linkageParts.js';
import { may } from '../kernel/session.js';

/**
 * Starts the linkage views: the tab renders into `element` (none: no tab), a camera into the
 * details `panel`; `cameras` is the camera overlay (`byId`), `onCase(incidentId)` opens an
 * incident; `user`'s permissions decide what the camera view offers.
 */
export function startLinkage({ map, panel, element, cameras, user, onCase }) {
  const feed = new LinkageFeed();
  const desk = new CameraDesk(panel, feed, {
    onCase,
    can: {
      alerts: may(user, 'alerts.read'),
      raise: may(user, 'alerts.raise'),
      call: may(user, 'calls.make'),
      workers: may(user, 'workers.read'),
    },
  });
  const tab = element ? new LinkagePanel(element, feed, {
    onCase,
    onCamera: (id) => showCameraById(id),
  }) : null;
  if (tab) {
    feed.connect((ok) => tab.setLive(ok));
    startCountdowns();
  }

  async function showCameraById(id) {
    const feature = cameras.byId.get(id) || await api.camera(id);
    const [lon, lat] = feature.geometry.coordinates;
    map.setView([lat, lon], Math.max(map.getZoom(), 17), { animate: false });
    desk.open(feature);
  }

  return {
    feed,
    /** Shows a camera (a Feature of `/api/cameras`) in the details panel. */
    showCamera: (feature) => desk.open(feature),
    showCameraById,
    /** Redraws the tab after a language change (the panel redraws itself). */
    relabel: () => tab && tab.render(),
  };
}
