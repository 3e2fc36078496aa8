import { z } from 'zod';
import type { InfraFacts } from '../infra-facts.js';
import type { Finding } from '../model.js';
import { labelProblems } from './infra-contract.js';

/**
 * The SLO dashboard (Grafana JSON) and alert rules (PrometheusRule) in deploy/monitoring/: strict
 * schemas of the fields used, the label names of Flagger's Prometheus, and every PromQL expression
 * collected for `promtool check rules` (io/promtool.ts). Pure.
 */

const target = z.strictObject({
  refId: z.string().min(1),
  expr: z.string().min(1),
  legendFormat: z.string().optional(),
  datasource: z.strictObject({ type: z.literal('prometheus'), uid: z.string() }).optional(),
});

const panel = z.strictObject({
  id: z.number().int(),
  type: z.enum(['row', 'timeseries', 'stat', 'gauge', 'table']),
  title: z.string().min(1),
  gridPos: z.strictObject({ h: z.number(), w: z.number(), x: z.number(), y: z.number() }),
  datasource: z.strictObject({ type: z.literal('prometheus'), uid: z.string() }).optional(),
  repeat: z.string().optional(),
  collapsed: z.boolean().optional(),
  panels: z.array(z.unknown()).optional(),
  fieldConfig: z.unknown().optional(),
  targets: z.array(target).optional(),
});

export const dashboardSchema = z.strictObject({
  title: z.string().min(1),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  description: z.string().optional(),
  schemaVersion: z.number().int(),
  version: z.number().int(),
  editable: z.boolean().optional(),
  refresh: z.string().optional(),
  tags: z.array(z.string()).optional(),
  time: z.strictObject({ from: z.string(), to: z.string() }),
  templating: z.strictObject({
    list: z.array(
      z.strictObject({
        name: z.string(),
        label: z.string().optional(),
        type: z.enum(['datasource', 'query', 'custom', 'interval']),
        query: z.string(),
        regex: z.string().optional(),
        multi: z.boolean().optional(),
        includeAll: z.boolean().optional(),
        current: z.unknown().optional(),
      }),
    ),
  }),
  panels: z.array(panel).min(1),
});

const rule = z
  .strictObject({
    record: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      .optional(),
    alert: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*$/)
      .optional(),
    expr: z.string().min(1),
    for: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .refine((r) => (r.record === undefined) !== (r.alert === undefined), 'needs record or alert');

export const prometheusRuleSchema = z.strictObject({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('PrometheusRule'),
  metadata: z.strictObject({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    groups: z.array(
      z.strictObject({
        name: z.string().min(1),
        interval: z.string().optional(),
        rules: z.array(rule).min(1),
      }),
    ),
  }),
});

/** A PromQL expression to hand to promtool, with where it came from. */
export interface Expr {
  readonly file: string;
  readonly field: string;
  readonly expr: string;
}

/** Grafana's built-in interval variables, replaced by durations so promtool can parse the query. */
const GRAFANA_VARS: Record<string, string> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

/** Replaces Grafana's interval variables; any other `$var` is reported. Pure. */
export function grafanaToPromql(expr: string): { expr: string; unknown: string[] } {
  const unknown: string[] = [];
  const out = expr.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, v: string) => {
    const d = GRAFANA_VARS[v];
    if (d === undefined) unknown.push(m);
    return d ?? m;
  });
  return { expr: out, unknown };
}

const finding = (file: string, kind: string, name: string, field: string, message: string) => ({
  check: 'monitoring',
  file,
  kind,
  name,
  field,
  message,
});

function issuesOf(file: string, kind: string, name: string, error: z.ZodError): Finding[] {
  return error.issues.map((i) =>
    finding(file, kind, name, i.path.map(String).join('.'), i.message),
  );
}

/** Dashboard: schema, label names, expressions for promtool. Pure. */
export function checkDashboard(
  file: string,
  json: unknown,
  facts: InfraFacts | undefined,
): { findings: Finding[]; exprs: Expr[] } {
  const r = dashboardSchema.safeParse(json);
  if (!r.success) return { findings: issuesOf(file, 'Dashboard', '', r.error), exprs: [] };
  const targets = r.data.panels.flatMap((p, i) =>
    (p.targets ?? []).map((t, j) => ({
      field: `panels[${i}].targets[${j}].expr`,
      ...grafanaToPromql(t.expr),
    })),
  );
  return checkExprs(file, 'Dashboard', r.data.uid, targets, facts);
}

/** PrometheusRule: schema, label names of raw-series selectors, expressions for promtool. Pure. */
export function checkRules(
  file: string,
  doc: unknown,
  facts: InfraFacts | undefined,
): { findings: Finding[]; exprs: Expr[] } {
  const r = prometheusRuleSchema.safeParse(doc);
  if (!r.success) return { findings: issuesOf(file, 'PrometheusRule', '', r.error), exprs: [] };
  const rules = r.data.spec.groups.flatMap((g, i) =>
    g.rules.map((rule, j) => ({
      field: `spec.groups[${i}].rules[${j}].expr`,
      expr: rule.expr,
      unknown: [],
    })),
  );
  return checkExprs(file, 'PrometheusRule', r.data.metadata.name, rules, facts);
}

/** Unknown Grafana variables and label names of one object's expressions, kept for promtool. Pure. */
function checkExprs(
  file: string,
  kind: string,
  name: string,
  exprs: readonly { field: string; expr: string; unknown: readonly string[] }[],
  facts: InfraFacts | undefined,
): { findings: Finding[]; exprs: Expr[] } {
  const findings = exprs.flatMap((e) => [
    ...e.unknown.map((u) => finding(file, kind, name, e.field, `unknown Grafana variable ${u}`)),
    ...exprLabels(file, kind, name, e.field, e.expr, facts),
  ]);
  return { findings, exprs: exprs.map((e) => ({ file, field: e.field, expr: e.expr })) };
}

/** Only selectors of the app's raw series are held to Flagger's Prometheus labels. */
function exprLabels(
  file: string,
  kind: string,
  name: string,
  field: string,
  expr: string,
  facts: InfraFacts | undefined,
): Finding[] {
  if (facts === undefined || !expr.includes('http_server_request_duration')) return [];
  const relaxed = {
    ...facts,
    seriesLabels: { ...facts.seriesLabels, pod: facts.seriesLabels.namespace },
  };
  return labelProblems(expr, relaxed).map((m) => finding(file, kind, name, field, m));
}

/** A rules file for `promtool check rules`: one recording rule per expression. Pure. */
export function promtoolRulesFile(exprs: readonly Expr[]): string {
  const rules = exprs.map((e, i) => ({ record: `deploy_check:expr_${i}`, expr: e.expr }));
  return JSON.stringify({ groups: [{ name: 'deploy-check', rules }] }, null, 2);
}
