import { api } from './api.js';
import { badge, segmentedBar } from './components.js';
import { fill, fmt, h, toast } from './dom.js';

/**
 * The runs list: status badges, a progress bar per run, queue figures and the start form. It
 * refreshes itself only while something is running or queued (every 5 s), else every 30 s.
 */
export function renderRuns(main, me, signal) {
  const queueBox = h('div', { class: 'panel strip', id: 'queue' });
  const tableBody = h('tbody', { id: 'runs-body' });
  const moreBox = h('div', { class: 'row' });
  const startBox = h('div', {});
  fill(main, h('div', { class: 'stack' },
    h('div', { class: 'spread' }, h('h1', {}, 'Runs'), h('span', { class: 'muted small', id: 'runs-updated' }, '')),
    queueBox,
    me.role === 'operate' ? startBox : null,
    h('div', { class: 'panel' },
      h('table', { id: 'runs-table' },
        h('thead', {}, h('tr', {}, ['Status', 'Sync ID', 'Pipeline', 'Progress', '', 'Synced', 'Failed', 'Duration', 'Started'].map((t, i) => h('th', { class: i >= 5 && i <= 7 ? 'num' : undefined }, t)))),
        tableBody),
      moreBox)));

  if (me.role === 'operate') renderStartForm(startBox);
  let cursor = null;
  let extra = [];

  async function refresh() {
    const [page, queue] = await Promise.all([api.runs('?limit=25'), api.queue()]);
    fill(queueBox,
      miniStat('Active', queue.active), miniStat('Waiting', queue.waiting), miniStat('Completed', queue.completed),
      miniStat('Failed to start', queue.failed), miniStat('Cancelled', queue.cancelled), miniStat('Run slots', queue.concurrency),
      h('span', { class: 'muted small' }, 'Runs started by this service; the list below has every process\'s runs.'));
    const runs = [...page.runs, ...extra.filter((r) => !page.runs.some((p) => p.sync_id === r.sync_id))];
    fill(tableBody, runs.length === 0 ? h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'No runs yet. Start one above, or run `syncscope demo` beside this service.')) : runs.map(row));
    if (extra.length === 0) cursor = page.next_cursor;
    fill(moreBox, cursor ? h('button', { type: 'button', onclick: loadMore }, 'Older runs') : null);
    document.getElementById('runs-updated').textContent = `updated ${fmt.time(new Date().toISOString())}`;
    return runs.some((r) => r.status === 'running') || queue.waiting > 0 || queue.active > 0;
  }

  async function loadMore() {
    const page = await api.runs(`?limit=25&cursor=${encodeURIComponent(cursor)}`);
    extra = [...extra, ...page.runs];
    cursor = page.next_cursor;
    await refresh();
  }

  (async function loop() {
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = await refresh();
      } catch (error) {
        toast(`Could not load runs: ${error.message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, busy ? 5000 : 30000));
    }
  })();
}

function row(run) {
  const done = run.records.synced + run.records.skipped;
  const open = () => (location.hash = `#/runs/${run.sync_id}`);
  return h('tr', { class: 'clickable', onclick: open, dataset: { syncId: run.sync_id, status: run.status } },
    h('td', {}, badge(run.status), run.dry_run ? h('span', { class: 'tag', style: { marginLeft: '6px' } }, 'dry run') : null),
    h('td', {}, h('a', { href: `#/runs/${run.sync_id}`, class: 'mono' }, run.sync_id)),
    h('td', {}, run.pipeline),
    h('td', { style: { width: '140px' } }, segmentedBar(run.segments, 'mini')),
    h('td', { class: 'small muted' }, fmt.percent(run.percent)),
    h('td', { class: 'num' }, fmt.count(done)),
    h('td', { class: 'num' }, run.records.failed > 0 ? h('span', { class: 'error-text' }, fmt.count(run.records.failed)) : '0'),
    h('td', { class: 'num' }, fmt.duration(run.duration_ms)),
    h('td', { class: 'muted' }, fmt.ago(run.started_at)));
}

function miniStat(title, value) {
  return h('div', { class: 'stat' }, h('h3', {}, title), h('div', { class: 'value', dataset: { queue: title } }, fmt.count(value)));
}

/** Starts a declared pipeline: always a dry run first; its run page offers to execute it for real. */
async function renderStartForm(box) {
  const { pipelines } = await api.pipelines();
  if (pipelines.length === 0) {
    fill(box, h('div', { class: 'panel muted' }, 'No pipelines are declared for this organization (service config: pipelines.dir / pipelines.files).'));
    return;
  }
  const select = h('select', { name: 'pipeline', 'aria-label': 'Pipeline' }, pipelines.map((p) => h('option', { value: p.name }, p.name)));
  const limit = h('input', { type: 'number', name: 'limit', min: 1, placeholder: 'all', style: { width: '110px' } });
  const repos = h('input', { type: 'text', name: 'repos', placeholder: 'owner/name, …', style: { width: '240px' } });
  const error = h('p', { class: 'error-text small', role: 'alert' });
  const describe = h('p', { class: 'muted small' });
  const show = () => {
    const p = pipelines.find((x) => x.name === select.value);
    describe.textContent = p ? `${p.source.type} ${p.source.org ?? (p.source.repos ?? [p.source.table]).join(', ')} → ${p.destination.type}. A dry run reads everything and writes nothing.` : '';
  };
  select.addEventListener('change', show);
  show();
  const form = h('form', {
    class: 'inline',
    id: 'start-form',
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      const options = {};
      if (limit.value) options.limit = Number(limit.value);
      const list = repos.value.split(',').map((r) => r.trim()).filter(Boolean);
      if (list.length) options.repos = list;
      try {
        const job = await api.start(select.value, false, options);
        sessionStorage.setItem(`syncscope.dry.${job.sync_id}`, JSON.stringify({ pipeline: select.value, options }));
        location.hash = `#/runs/${job.sync_id}`;
      } catch (e) {
        error.textContent = e.problem?.errors ? e.problem.errors.map((x) => `${x.field}: ${x.message}`).join('; ') : e.message;
      }
    },
  },
  h('label', {}, 'Pipeline', select),
  h('label', {}, 'Repositories (max)', limit),
  h('label', {}, 'Only these repositories', repos),
  h('button', { class: 'primary', type: 'submit' }, 'Start dry run'));
  fill(box, h('div', { class: 'panel stack' }, h('h2', {}, 'Start a run'), form, describe, error));
}
