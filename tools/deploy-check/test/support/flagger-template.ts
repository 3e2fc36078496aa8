import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { arr, get, str } from '../../src/object-access.js';

/** The variables Flagger renders into a MetricTemplate query. */
export interface TemplateVars {
  readonly namespace: string;
  readonly target: string;
  readonly interval: string;
}

/**
 * Renders Flagger's `{{ namespace }}`, `{{ target }}`, `{{ interval }}` (Go text/template
 * placeholders) like Flagger does before querying; any other placeholder is an error. Pure.
 */
export function renderQuery(query: string, vars: TemplateVars): string {
  const out = query.replace(
    /\{\{\s*(namespace|target|interval)\s*\}\}/g,
    (_m, key: keyof TemplateVars) => vars[key],
  );
  const left = /\{\{[^}]*\}\}/.exec(out);
  if (left !== null)
    throw new Error(`unrendered template placeholder ${left[0]} in query:\n${query}`);
  return out;
}

/** Reads all YAML documents of a file. */
export async function readDocs(file: string): Promise<unknown[]> {
  return parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as unknown);
}

/** A metric of the Canary's analysis, resolved to its MetricTemplate query and threshold. */
export interface CanaryMetric {
  readonly name: string;
  readonly query: string;
  readonly interval: string;
  readonly max: number | undefined;
  readonly min: number | undefined;
}

/** Resolves `spec.analysis.metrics[name]` of the Canary against the MetricTemplate documents. */
export function canaryMetric(
  canary: unknown,
  templates: readonly unknown[],
  name: string,
): CanaryMetric {
  const metric = arr(get(canary, 'spec', 'analysis', 'metrics')).find(
    (m) => get(m, 'name') === name,
  );
  if (metric === undefined) throw new Error(`Canary has no metric named ${name}`);
  const templateName = str(get(metric, 'templateRef', 'name'));
  const template = templates.find(
    (t) => get(t, 'kind') === 'MetricTemplate' && get(t, 'metadata', 'name') === templateName,
  );
  const query = str(get(template, 'spec', 'query'));
  if (query === undefined)
    throw new Error(`MetricTemplate ${templateName} not found or has no query`);
  const bound = (k: string) => {
    const v = get(metric, 'thresholdRange', k);
    return typeof v === 'number' ? v : undefined;
  };
  return {
    name,
    query,
    interval:
      str(get(metric, 'interval')) ?? str(get(canary, 'spec', 'analysis', 'interval')) ?? '1m',
    max: bound('max'),
    min: bound('min'),
  };
}

/** Flagger's verdict for one value: inside [min, max] passes. */
export function withinRange(value: number, m: Pick<CanaryMetric, 'min' | 'max'>): boolean {
  return (m.min === undefined || value >= m.min) && (m.max === undefined || value <= m.max);
}
