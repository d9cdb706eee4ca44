import { api, ApiError, streamRun } from './api.js';
import { badge, legend, segmentedBar, sparkline, stat } from './components.js';
import { fill, fmt, h, toast } from './dom.js';

/**
 * One run, live: the first view comes from `GET /runs/:id`, then every `progress` event of its
 * stream redraws it, until the `end` event: then the page says how it ended and stops listening.
 */
export function renderRun(main, me, syncId, signal) {
  const root = h('div', { class: 'stack', id: 'run', dataset: { syncId } });
  // Fixed slots, refilled per update; the progress panel is updated in place so its bar glides.
  const slots = { header: h('div', {}), progress: h('div', {}), stats: h('div', { class: 'grid' }), two: h('div', { class: 'two' }), errors: h('div', {}) };
  fill(root, ...Object.values(slots));
  fill(main, root);
  let errorsLoadedFor = -1;
  const errorsBox = h('div', {});

  const draw = (view, state) => {
    fill(slots.header, header(view, me, state));
    if (!updateProgress(slots.progress, view)) fill(slots.progress, progressPanel(view));
    fill(slots.stats, ...stats(view));
    fill(slots.two, partitionsPanel(view), h('div', { class: 'stack' }, rateLimitPanel(view), linksPanel(view)));
    fill(slots.errors, errorsPanel(view, errorsBox));
    const failed = view.records.failed;
    if (failed > 0 && failed !== errorsLoadedFor) {
      errorsLoadedFor = failed;
      api.errors(syncId, 10).then((page) => fill(errorsBox, failedRecords(page.errors))).catch(() => {});
    }
  };

  (async () => {
    let view;
    try {
      view = await api.run(syncId);
    } catch (error) {
      fill(root, h('div', { class: 'panel empty' }, error instanceof ApiError && error.status === 404 ? `No run ${syncId} in this organization.` : `Could not load the run: ${error.message}`));
      return;
    }
    draw(view, view.live ? 'connecting' : 'ended');
    if (!view.live) return;
    const reason = await streamRun(syncId, (event, data) => {
      if (event === 'progress') {
        view = data;
        draw(view, 'live');
      } else if (event === 'end') {
        draw(view, 'ended');
      }
    }, signal).catch((error) => {
      toast(`Live updates stopped: ${error.message}`);
      return 'error';
    });
    if (reason === 'end') draw(view, 'ended');
  })();
}

function header(view, me, state) {
  const actions = [];
  if (me.role === 'operate') {
    if (view.status === 'running' || view.status === 'queued') {
      actions.push(h('button', {
        type: 'button', class: 'danger', id: 'cancel-run', disabled: Boolean(view.cancel_requested_at),
        onclick: async (e) => {
          if (!confirm(`Cancel ${view.sync_id}? In-flight batches finish; the run can be resumed.`)) return;
          e.target.disabled = true;
          try {
            await api.cancel(view.sync_id);
            toast('Cancel requested: the run stops at its next batch boundary.');
          } catch (error) {
            toast(error.message);
          }
        },
      }, view.cancel_requested_at ? 'Cancelling…' : 'Cancel run'));
    }
    if (view.status === 'interrupted' || view.status === 'cancelled') {
      actions.push(h('button', { type: 'button', onclick: () => api.resume(view.sync_id).then(() => toast('Resuming under the same sync ID.')).catch((e) => toast(e.message)) }, 'Resume'));
    }
    if (!view.live && view.dry_run && (view.status === 'succeeded' || view.status === 'partial')) actions.push(executeButton(view));
  }
  const live = state === 'live' ? h('span', { class: 'live', id: 'live-indicator' }, 'Live')
    : state === 'connecting' ? h('span', { class: 'ended' }, 'Connecting…')
      : h('span', { class: 'ended', id: 'ended-indicator' }, view.finished_at ? `Ended ${fmt.time(view.finished_at)} · updates stopped` : 'Not live');
  return h('div', { class: 'spread' },
    h('div', { class: 'stack', style: { gap: '6px' } },
      h('div', { class: 'row' }, badge(view.status, true), view.dry_run ? h('span', { class: 'tag' }, 'dry run') : null, live),
      h('h1', { class: 'mono' }, view.sync_id),
      h('div', { class: 'muted' }, `${view.pipeline} · ${view.organization} · started ${fmt.time(view.started_at)} · ${fmt.duration(view.duration_ms)}${view.resume_count ? ` · resumed ${view.resume_count}×` : ''}`)),
    h('div', { class: 'row' }, h('a', { href: '#/', class: 'button' }, '← All runs'), ...actions));
}

/** After a clean dry run: the same pipeline and options, executed. */
function executeButton(view) {
  const remembered = JSON.parse(sessionStorage.getItem(`syncscope.dry.${view.sync_id}`) ?? 'null');
  return h('button', {
    type: 'button', class: 'primary', id: 'execute-run',
    onclick: async () => {
      if (!confirm(`Execute ${view.pipeline} for real? The dry run read ${fmt.count(view.records.skipped)} records; they will be written to the destination.`)) return;
      try {
        const job = await api.start(view.pipeline, true, remembered?.options ?? {});
        location.hash = `#/runs/${job.sync_id}`;
      } catch (error) {
        toast(error.message);
      }
    },
  }, 'Execute for real');
}

function basisText(view) {
  const p = view.progress;
  return p.basis === 'records'
    ? `of ~${fmt.count(p.expected_records ?? 0)} records${p.expected_basis === 'partition_average' ? ' (unstarted partitions estimated from the others)' : view.live ? " (the source's estimate)" : ''}`
    : 'of partitions (no sizes known yet)';
}

function partitionsText(p) {
  return `${p.partitions_finished}/${p.partitions_total} partitions finished · ${p.partitions_running} running`;
}

function progressPanel(view) {
  const p = view.progress;
  return h('section', { class: 'panel stack', id: 'progress', dataset: { basis: p.basis } },
    h('div', { class: 'spread' },
      h('div', { class: 'row', style: { alignItems: 'baseline' } }, h('span', { class: 'percent', id: 'percent' }, fmt.percent(p.percent)), h('span', { class: 'muted', id: 'progress-basis' }, basisText(view))),
      h('span', { class: 'muted', id: 'progress-partitions' }, partitionsText(p))),
    segmentedBar(p.segments, 'big'),
    legend(p.segments, p.basis));
}

/** Moves the existing bar to the new figures (so its segments glide); false if it must be rebuilt. */
function updateProgress(slot, view) {
  const panel = slot.querySelector('#progress');
  const p = view.progress;
  if (!panel || panel.dataset.basis !== p.basis) return false;
  panel.querySelector('#percent').textContent = fmt.percent(p.percent);
  panel.querySelector('#progress-basis').textContent = basisText(view);
  panel.querySelector('#progress-partitions').textContent = partitionsText(p);
  const fresh = segmentedBar(p.segments, 'big');
  const bar = panel.querySelector('.bar');
  for (const span of fresh.children) {
    const old = bar.querySelector(`[data-segment="${span.dataset.segment}"]`);
    if (old) {
      old.style.width = span.style.width;
      old.title = span.title;
    }
  }
  bar.setAttribute('aria-label', fresh.getAttribute('aria-label'));
  panel.querySelector('.legend').replaceWith(legend(p.segments, p.basis));
  return true;
}

function stats(view) {
  const t = view.throughput;
  const eta = view.eta
    ? stat('ETA', fmt.duration(view.eta.seconds * 1000), h('span', {}, `${fmt.time(view.eta.at)} · basis: `, h('b', { id: 'eta-basis' }, view.eta.basis.replaceAll('_', ' ')), ` — ${view.eta.explanation}`))
    : stat('ETA', '—', view.eta_unavailable ?? '');
  return [
    stat('Records', fmt.count(view.records.synced + view.records.skipped), `${fmt.count(view.records.failed)} failed · ${fmt.count(view.records.pending)} pending`),
    stat('Throughput', `${fmt.rate(t.recent_records_per_second)}/s`, `last ${t.window_seconds} s · ${fmt.rate(t.records_per_second)}/s overall`, sparkline(t.series)),
    eta,
    stat('Batches', view.batches.success_rate === null ? '—' : fmt.percent(view.batches.success_rate * 100), `${fmt.count(view.batches.succeeded)}/${fmt.count(view.batches.total)} succeeded · ${view.batches.write_retries} write retries`),
    stat('API calls', fmt.count(view.api.requests), `${view.api.retries} retries · ${view.api.rate_limit_waits} rate-limit waits (${view.api.rate_limit_wait_seconds.toFixed(1)} s)`),
  ];
}

function partitionsPanel(view) {
  const order = { running: 0, failed: 1, interrupted: 2, pending: 3, succeeded: 4 };
  const partitions = [...view.partitions].sort((a, b) => (order[a.status] ?? 5) - (order[b.status] ?? 5) || a.key.localeCompare(b.key));
  return h('section', { class: 'panel stack', id: 'partitions' },
    h('div', { class: 'spread' }, h('h2', {}, 'Partitions'), h('span', { class: 'muted small' }, `${view.partitions.length}`)),
    partitions.length === 0 ? h('p', { class: 'muted' }, view.status === 'queued' ? 'Waiting for a free run slot.' : 'Not listed yet.')
      : h('div', { class: 'partitions' }, partitions.map((p) => {
        const left = p.expected_records === null ? 0 : Math.max(0, p.expected_records - p.records.synced - p.records.skipped - p.records.failed);
        const segments = { synced: p.records.synced, skipped: p.records.skipped, failed: p.records.failed, in_progress: p.status === 'running' ? left : 0, pending: p.status === 'running' ? 0 : left || (p.expected_records === null && p.status !== 'succeeded' ? 1 : 0) };
        return h('div', { class: 'partition', dataset: { partition: p.key, status: p.status } },
          h('span', { class: 'name', title: p.error_message ? `${p.key}: ${p.error_category} ${p.error_message}` : `${p.key} · ${p.status}` }, h('span', { class: `dot ${p.records.failed > 0 ? 'failed' : p.status}` }), p.key),
          segmentedBar(segments),
          h('span', { class: 'count' }, `${fmt.count(p.records.synced + p.records.skipped + p.records.failed)}${p.expected_records === null ? '' : ` / ${fmt.count(p.expected_records)}`}`));
      })));
}

function rateLimitPanel(view) {
  const limits = view.rate_limits.map((l) => {
    const share = l.limit > 0 ? l.remaining / l.limit : 0;
    return h('div', {},
      h('div', { class: 'spread' }, h('b', {}, `${l.connector} / ${l.resource}`), h('span', { class: 'muted small' }, `resets ${fmt.time(l.reset_at)}`)),
      h('div', { class: `meter${share === 0 ? ' out' : share < 0.1 ? ' low' : ''}` }, h('span', { style: { width: `${share * 100}%` } })),
      // A budget the API refused before any response reported it is stored with limit 0.
      h('div', { class: 'muted small' }, l.limit > 0 ? `${fmt.count(l.remaining)} of ${fmt.count(l.limit)} left · ${l.used_percent}% used` : 'budget not reported yet'),
      l.held_until ? h('div', { class: 'small hold', dataset: { heldUntil: l.held_until } }, `Held until ${fmt.time(l.held_until)} (${l.hold_reason ?? 'hold'}): no request on this budget before then`) : null);
  });
  const quota = view.quota.length === 0 ? null : h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Quota spent'), h('th', { class: 'num' }, 'Calls'), h('th', { class: 'num' }, 'Errors'), h('th', { class: 'num' }, 'Points'))),
    h('tbody', {}, view.quota.map((q) => h('tr', {}, h('td', {}, `${q.connector}/${q.resource ?? '—'}`), h('td', { class: 'num' }, fmt.count(q.calls)), h('td', { class: 'num' }, fmt.count(q.errors)), h('td', { class: 'num' }, fmt.count(q.cost))))));
  return h('section', { class: 'panel stack', id: 'rate-limits' }, h('h2', {}, 'Rate limits & quota'),
    limits.length ? limits : h('p', { class: 'muted' }, 'No rate-limit headers seen yet.'),
    h('div', { class: 'muted small' }, `${view.api.rate_limit_waits} waits · ${view.api.rate_limit_wait_seconds.toFixed(1)} s waiting · ${view.api.rate_limit_rejections} rejections`),
    quota);
}

function linksPanel(view) {
  const links = [];
  if (view.links.trace) links.push(h('a', { href: view.links.trace, target: '_blank', rel: 'noopener', id: 'trace-link' }, 'Trace in Grafana ↗'));
  if (view.links.logs) links.push(h('a', { href: view.links.logs, target: '_blank', rel: 'noopener', id: 'logs-link' }, 'Logs in Grafana ↗'));
  return h('section', { class: 'panel stack' }, h('h2', {}, 'Trace'),
    view.trace_id ? h('code', { id: 'trace-id' }, view.trace_id) : h('span', { class: 'muted' }, 'Not started'),
    links.length ? h('div', { class: 'row' }, links) : h('p', { class: 'muted small' }, 'Set SYNCSCOPE_GRAFANA_URL on the service for trace and log links.'));
}

function errorsPanel(view, errorsBox) {
  const categories = view.errors.by_category;
  return h('section', { class: 'panel stack', id: 'errors' },
    h('div', { class: 'spread' }, h('h2', {}, 'Errors by category'), h('span', { class: 'muted small' }, `${fmt.count(view.records.failed)} failed records`)),
    view.errors.run_error ? h('p', { class: 'error-text' }, `${view.errors.run_error.category}: ${view.errors.run_error.message ?? ''}`) : null,
    categories.length === 0 ? h('p', { class: 'muted' }, 'No errors.') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Category'), h('th', { class: 'num' }, 'Records'), h('th', { class: 'num' }, 'Partitions'), h('th', {}, 'Example'))),
      h('tbody', {}, categories.map((c) => h('tr', {}, h('td', { class: 'cat' }, c.category), h('td', { class: 'num' }, fmt.count(c.records)), h('td', { class: 'num' }, c.run_level ? 'whole run' : fmt.count(c.partitions)), h('td', { class: 'clip', title: c.example_message ?? '' }, c.example_message ?? ''))))),
    view.records.failed > 0 ? errorsBox : null);
}

function failedRecords(rows) {
  if (!rows.length) return null;
  return h('div', { class: 'stack' }, h('h3', {}, 'Top failing records'), h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Record'), h('th', {}, 'Category'), h('th', {}, 'Message'), h('th', {}, 'Request ID'))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('td', { class: 'mono' }, r.record_key), h('td', { class: 'cat' }, r.category ?? ''), h('td', { class: 'clip', title: r.message ?? '' }, r.message ?? ''), h('td', { class: 'mono small' }, r.request_id ?? '—'))))));
}
