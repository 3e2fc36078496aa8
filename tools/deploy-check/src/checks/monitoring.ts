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
  const findings: Finding[] = [];
  const exprs: Expr[] = [];
  r.data.panels.forEach((p, i) => {
    (p.targets ?? []).forEach((t, j) => {
      const field = `panels[${i}].targets[${j}].expr`;
      const g = grafanaToPromql(t.expr);
      for (const u of g.unknown)
        findings.push(
          finding(file, 'Dashboard', r.data.uid, field, `unknown Grafana variable ${u}`),
        );
      findings.push(...exprLabels(file, 'Dashboard', r.data.uid, field, g.expr, facts));
      exprs.push({ file, field, expr: g.expr });
    });
  });
  return { findings, exprs };
}

/** PrometheusRule: schema, label names of raw-series selectors, expressions for promtool. Pure. */
export function checkRules(
  file: string,
  doc: unknown,
  facts: InfraFacts | undefined,
): { findings: Finding[]; exprs: Expr[] } {
  const r = prometheusRuleSchema.safeParse(doc);
  if (!r.success) return { findings: issuesOf(file, 'PrometheusRule', '', r.error), exprs: [] };
  const name = r.data.metadata.name;
  const findings: Finding[] = [];
  const exprs: Expr[] = [];
  r.data.spec.groups.forEach((g, i) => {
    g.rules.forEach((rule, j) => {
      const field = `spec.groups[${i}].rules[${j}].expr`;
      findings.push(...exprLabels(file, 'PrometheusRule', name, field, rule.expr, facts));
      exprs.push({ file, field, expr: rule.expr });
    });
  });
  return { findings, exprs };
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
