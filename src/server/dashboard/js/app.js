import { api, ApiError, session } from './api.js';
import { renderRun } from './run.js';
import { renderRuns } from './runs.js';
import { renderSignIn } from './signin.js';

// Hash routes (#/ and #/runs/<sync-id>), so the server serves one static page and no route
// carries anything secret.
const main = document.getElementById('main');
let me = null;
let current = null;

async function route() {
  current?.abort();
  current = new AbortController();
  if (!session.token) {
    showWho(null);
    renderSignIn(main, (who) => {
      me = who;
      route();
    });
    return;
  }
  if (!me) {
    try {
      me = await api.me();
    } catch (error) {
      session.clear();
      showWho(null);
      renderSignIn(main, (who) => {
        me = who;
        route();
      }, error instanceof ApiError && error.status === 401 ? 'Your token is no longer valid.' : error.message);
      return;
    }
  }
  showWho(me);
  const match = /^#\/runs\/([0-9]{12}-SYNC-[0-9A-F]{8})$/.exec(location.hash);
  if (match) renderRun(main, me, match[1], current.signal);
  else renderRuns(main, me, current.signal);
  main.focus({ preventScroll: true });
}

function showWho(who) {
  const nav = document.getElementById('whoami');
  nav.hidden = !who;
  if (!who) return;
  document.getElementById('org-name').textContent = who.organization;
  document.getElementById('role-name').textContent = who.role;
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  me = null;
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);
route();
