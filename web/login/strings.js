// strings.js — the log-in page's strings, Chinese and English side by side, registered with
// the kernel's i18n.

import { addStrings } from '../kernel/i18n.js';

addStrings({
  'login.title': ['登录 · 网格化服务管理', 'Log in · Grid governance'],
  'login.brand': ['网格化服务管理平台', 'Grid governance platform'],
  'login.heading': ['账号登录', 'Log in'],
  'login.username': ['用户名', 'Username'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Log in'],
  'login.submitting': ['正在登录…', 'Logging in…'],
  'login.hint': ['忘记密码或账号被停用,请联系系统管理员。', 'Forgotten password or account disabled: ask your administrator.'],
  'login.missing': ['请输入用户名和密码。', 'Enter your username and password.'],
  'login.invalid': ['用户名或密码错误。', 'Wrong username or password.'],
  'login.locked': ['登录失败次数过多,账号已锁定至 {until},请稍后再试。', 'Too many failed attempts: the account is locked until {until}. Try again later.'],
  'login.failed': ['登录失败:{msg}', 'Could not log in: {msg}'],
});
