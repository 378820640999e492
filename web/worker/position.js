// position.js — the phone tells the service where its worker is: positions from
// `navigator.geolocation.watchPosition`, sent to POST /api/workers/{id}/positions at most
// once every 10 s (the latest fix wins), at once when a call is accepted, and again every
// minute while standing still, so the worker stays "available". The last sent time or the
// error shows in a line under the "who am I" bar.

import * as api from '../kernel/api.js';
import { formatDistance, t } from '../kernel/i18n.js';

/** Least time between two reports. */
const THROTTLE_MS = 10_000;
/** A phone that has not moved still says so this often. */
const HEARTBEAT_MS = 60_000;

/** The position sender, showing its state in `element`. */
export class PositionSender {
  constructor(element) {
    this.element = element;
    this.me = null;
    this.watchId = null;
    this.heartbeat = null;
    this.timer = null;
    this.latest = null;
    this.sentFix = null;
    this.lastSent = 0;
    this.state = { kind: 'idle' };
  }

  /** Starts watching for `me` (stops for anyone before; nothing when `me` is null). */
  start(me) {
    if (this.me && me && this.me.id === me.id) return;
    this.stop();
    this.me = me;
    if (!me) return this.render();
    if (!navigator.geolocation) {
      this.state = { kind: 'unsupported' };
      return this.render();
    }
    this.state = { kind: 'waiting' };
    this.watchId = navigator.geolocation.watchPosition((fix) => {
      this.latest = fix;
      this.schedule();
    }, (error) => {
      this.state = { kind: 'unavailable', msg: error.message };
      this.render();
    }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30_000 });
    this.heartbeat = setInterval(() => this.schedule(), HEARTBEAT_MS);
    return this.render();
  }

  stop() {
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.watchId = null;
    this.timer = null;
    this.latest = null;
    this.sentFix = null;
    this.state = { kind: 'idle' };
  }

  // Sends the latest fix as soon as the throttle allows.
  schedule() {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + THROTTLE_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
  }

  /** Sends the latest fix now (a call was accepted). */
  async sendNow() {
    clearTimeout(this.timer);
    this.timer = null;
    await this.send();
  }

  async send() {
    const fix = this.latest;
    const me = this.me;
    if (!fix || !me) return;
    this.lastSent = Date.now();
    // A fix sent before is sent again as "still here, now".
    const at = fix === this.sentFix ? Date.now() : Math.min(fix.timestamp, Date.now());
    this.sentFix = fix;
    const { longitude, latitude, accuracy } = fix.coords;
    try {
      await api.reportPosition(me.id, {
        lon: longitude, lat: latitude, accuracy_m: accuracy || 0, at: new Date(at).toISOString(),
      });
      if (me === this.me) this.state = { kind: 'sent', sentAt: Date.now(), accuracy };
    } catch (error) {
      if (me === this.me) this.state = { kind: 'failed', msg: error.message };
    }
    this.render();
  }

  render() {
    const s = this.state;
    this.element.hidden = s.kind === 'idle';
    this.element.dataset.state = s.kind;
    this.element.classList.toggle('is-error', ['failed', 'unavailable', 'unsupported'].includes(s.kind));
    this.element.textContent = {
      idle: () => '',
      waiting: () => t('worker.position.waiting'),
      unsupported: () => t('worker.position.unsupported'),
      unavailable: () => t('worker.position.unavailable', { msg: s.msg }),
      failed: () => t('worker.position.failed', { msg: s.msg }),
      sent: () => t('worker.position.sent', {
        time: new Date(s.sentAt).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
        acc: formatDistance(s.accuracy || 0),
      }),
    }[s.kind]();
  }
}
