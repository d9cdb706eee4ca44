import { api, ApiError, session } from './api.js';
import { fill, h } from './dom.js';

/** The sign-in form: the token is checked against `GET /me`, then kept in sessionStorage only. */
export function renderSignIn(main, onSignedIn, message) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'ssc_…', required: true, 'aria-label': 'API token' });
  const error = h('p', { class: 'error-text small', role: 'alert' }, message ?? '');
  const form = h('form', {
    class: 'panel signin',
    onsubmit: async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      session.set(token);
      try {
        const me = await api.me();
        onSignedIn(me);
      } catch (e) {
        session.clear();
        error.textContent = e instanceof ApiError && e.status === 401 ? 'That token is not valid for this service.' : `Sign-in failed: ${e.message}`;
      }
    },
  },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'Paste an API token. It stays in this browser tab only (session storage) and is sent as a bearer header — never in a URL.'),
  h('label', {}, 'API token', input),
  h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, 'Sign in')),
  error,
  h('p', { class: 'muted small' }, 'No token yet? An operator creates one with ', h('code', {}, 'syncscope token new --id you --organization acme'), '.'));
  fill(main, form);
  input.focus();
}
