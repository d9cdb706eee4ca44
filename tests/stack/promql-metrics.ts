import { parser } from '@prometheus-io/lezer-promql';
import {
  allPanels,
  loadDashboards,
  loadProvisionedDatasources,
  readYaml,
  ruleFilesOfPrometheusConfig,
  type DataSourceRef,
  type RuleGroupFile,
  type TemplateVariable,
} from './stack-files.js';

/** A PromQL expression of the stack and where it comes from (file, panel or rule). */
export interface StackExpression {
  source: string;
  expr: string;
}

/**
 * Metric names selected by a PromQL expression, as written, in order of first appearance: a
 * histogram's series keep their `_bucket`/`_sum`/`_count` suffix (compare them with scraped sample
 * names directly, or map them with `baseMetricName`). Names given as `{__name__="x"}` or
 * `{"x"}` count too; regex matchers on `__name__` cannot be resolved and are ignored.
 * The parser is error-tolerant: check `promqlSyntaxErrors` first if the expression may be invalid.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name !== 'VectorSelector') return;
      const name = selectorMetricName(expr, ref.node);
      if (name !== undefined) names.add(name);
    },
  });
  return [...names];
}

type SyntaxNode = ReturnType<ReturnType<typeof parser.parse>['resolve']>;

function selectorMetricName(expr: string, selector: SyntaxNode): string | undefined {
  const identifier = selector.getChild('Identifier');
  if (identifier) return text(expr, identifier);
  const matchers = selector.getChild('LabelMatchers');
  if (!matchers) return undefined;
  const quotedName = matchers.getChild('QuotedLabelName');
  if (quotedName) return unquote(text(expr, quotedName));
  for (const matcher of matchers.getChildren('UnquotedLabelMatcher')) {
    const label = matcher.getChild('LabelName');
    const op = matcher.getChild('MatchOp')?.firstChild;
    const value = matcher.getChild('StringLiteral');
    if (label && value && op?.name === 'EqlSingle' && text(expr, label) === '__name__') {
      return unquote(text(expr, value));
    }
  }
  return undefined;
}

function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

function unquote(literal: string): string {
  const quote = literal[0];
  if ((quote === '"' || quote === "'") && literal.endsWith(quote)) {
    return literal.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (quote === '`' && literal.endsWith('`')) return literal.slice(1, -1);
  return literal;
}

/**
 * Metrics the stack's rules use that Syncscope does not export: Prometheus's own `up` per scrape
 * target (the stack-health alerts). The collector's otelcol_* metrics are selected by a
 * `__name__` regex, which `metricNamesIn` does not resolve.
 */
export const NON_SYNCSCOPE_METRICS: ReadonlySet<string> = new Set(['up']);

/** The Syncscope metrics an expression uses: `metricNamesIn` without `NON_SYNCSCOPE_METRICS`. */
export function syncscopeMetricNamesIn(expr: string): string[] {
  return metricNamesIn(expr).filter((name) => !NON_SYNCSCOPE_METRICS.has(name));
}

/** Syntax errors found by the PromQL grammar, as `offset N: "<text>"`; empty when it parses. */
export function promqlSyntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.type.isError) {
        const around = expr.slice(Math.max(0, ref.from - 15), ref.to + 15);
        errors.push(`offset ${ref.from}: "${around}"`);
      }
    },
  });
  return errors;
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * The family a series name belongs to: `x_bucket`, `x_sum` and `x_count` map to `x` only when `x`
 * is one of `histogramNames`; any other name is returned unchanged.
 */
export function baseMetricName(seriesName: string, histogramNames: ReadonlySet<string>): string {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (seriesName.endsWith(suffix)) {
      const base = seriesName.slice(0, -suffix.length);
      if (histogramNames.has(base)) return base;
    }
  }
  return seriesName;
}

/** A metric family as prom-client's `registry.getMetricsAsJSON()` describes it. */
export interface MetricFamily {
  name: string;
  type: string;
}

/**
 * Every series name the families expose on /metrics: a histogram `x` exposes `x_bucket`, `x_sum`
 * and `x_count`; a summary `x` exposes `x`, `x_sum` and `x_count`; anything else its own name.
 */
export function exposedSeriesNames(families: readonly MetricFamily[]): Set<string> {
  const names = new Set<string>();
  for (const { name, type } of families) {
    if (type === 'histogram') {
      for (const suffix of HISTOGRAM_SUFFIXES) names.add(name + suffix);
    } else if (type === 'summary') {
      names.add(name);
      names.add(`${name}_sum`);
      names.add(`${name}_count`);
    } else {
      names.add(name);
    }
  }
  return names;
}

/**
 * Values that stand in for Grafana's built-in interval variables, so a dashboard query becomes
 * plain PromQL. Unknown `$__name` variables are left alone and then fail to parse, on purpose.
 */
const GRAFANA_MACROS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '6h',
  __range_s: '21600',
  __range_ms: '21600000',
};

/** A dashboard query with Grafana's interval macros (`$__rate_interval`, `${__range}`...) replaced. */
export function grafanaToPromQL(expr: string): string {
  return expr.replace(/\$\{(__\w+)\}|\$(__\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return GRAFANA_MACROS[name] ?? whole;
  });
}

/**
 * Every Prometheus expression of the stack: each Prometheus target of each panel of each dashboard
 * under grafana/dashboards (Grafana macros replaced, see `grafanaToPromQL`), each Prometheus
 * `label_values(<selector>, label)` / `query_result(<expr>)` template variable, and each alert and
 * recording rule of the rule files otel/prometheus.yml loads. Sources read like
 * `grafana/dashboards/rate-limits.json: panel 4 "Time to reset" target A`.
 */
export function collectStackExpressions(): StackExpression[] {
  return [...dashboardExpressions(), ...ruleExpressions()];
}

function dashboardExpressions(): StackExpression[] {
  const typeByUid = new Map(loadProvisionedDatasources().map((ds) => [ds.uid, ds.type]));
  const isPrometheus = (ref: DataSourceRef | null | undefined): boolean =>
    (ref?.type ?? (ref?.uid !== undefined ? typeByUid.get(ref.uid) : undefined)) === 'prometheus';
  const found: StackExpression[] = [];
  for (const { file, dashboard } of loadDashboards()) {
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type !== 'query' || !isPrometheus(variable.datasource)) continue;
      const expr = variableExpression(variable);
      if (expr) found.push({ source: `${file}: variable "${variable.name}"`, expr: grafanaToPromQL(expr) });
    }
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        if (!isPrometheus(target.datasource ?? panel.datasource) || !target.expr?.trim()) continue;
        found.push({
          source: `${file}: panel ${panel.id ?? '?'} "${panel.title ?? ''}" target ${target.refId ?? '?'}`,
          expr: grafanaToPromQL(target.expr),
        });
      }
    }
  }
  return found;
}

/** The PromQL inside a Prometheus query variable, or undefined for label_names()/metrics(). */
function variableExpression(variable: TemplateVariable): string | undefined {
  const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
  if (!query) return undefined;
  const labelValues = /^\s*label_values\(\s*(.+)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = /^\s*query_result\(\s*(.+)\s*\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1];
  return undefined;
}

function ruleExpressions(): StackExpression[] {
  return ruleFilesOfPrometheusConfig().flatMap((file) =>
    readYaml<RuleGroupFile>(file).groups.flatMap((group) =>
      group.rules.map((rule) => ({
        source: `${file}: ${rule.alert !== undefined ? `alert ${rule.alert}` : `record ${rule.record ?? '?'}`}`,
        expr: rule.expr,
      })),
    ),
  );
}
