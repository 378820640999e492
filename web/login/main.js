// main.js — the log-in page: the form, then on to the page the user came from (`?next=`, a
// path of this site only) or, without one, the page their roles start on. A wrong password
// says so (401); a locked account says until when (429, China time); someone already signed
// in goes straight on.

import './strings.js';
import * as api from '../kernel/api.js';
import { applyToDocument, currentLang, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { landingPage, safeNext } from '../kernel/session.js';

const $ = (id) => document.getElementById(id);
const next = safeNext(new URLSearchParams(location.search).get('next'));
let error = null;

/** An instant in China time, "2026-12-08 09:40". */
function chinaTime(iso) {
  return new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

// The error line, kept as its string's key so that a language switch rewrites it.
function showError(key, params = {}) {
  error = key ? { key, params } : null;
  renderError();
}

function renderError() {
  const line = $('login-error');
  line.hidden = !error;
  line.dataset.code = error ? error.key : '';
  line.textContent = error ? t(error.key, typeof error.params === 'function' ? error.params() : error.params) : '';
}

function go(user) {
  location.replace(next || landingPage(user));
}

async function submit(event) {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    showError('login.missing');
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  button.textContent = t('login.submitting');
  showError(null);
  try {
    const { user } = await api.logIn(username, password);
    go(user);
    return;
  } catch (err) {
    if (err.status === 401) showError('login.invalid');
    else if (err.status === 429) {
      const until = err.body && err.body.error && err.body.error.until;
      showError('login.locked', () => ({ until: until ? chinaTime(until) : '—' }));
    } else showError('login.failed', { msg: err.message });
    $('password').value = '';
    $('password').focus();
  }
  button.disabled = false;
  button.textContent = t('login.submit');
}

async function start() {
  applyToDocument();
  wireLanguageSwitch($('lang-switch'));
  onLangChange(renderError);
  $('login-form').addEventListener('submit', submit);
  // Someone still signed in (a bookmark of this page, the back button) goes straight on.
  try {
    const { user } = await api.me();
    go(user);
    return;
  } catch {
    // Not signed in: the form it is.
  }
  $('username').focus();
  document.body.dataset.ready = 'true';
}

start();
