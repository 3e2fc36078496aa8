import { describe, expect, it } from 'vitest';
import { conciseError } from '../src/io/kustomize.js';
import { canaryMetric, renderQuery, withinRange } from './support/flagger-template.js';

describe('renderQuery (Flagger template variables)', () => {
  it('renders namespace, target and interval with or without spaces', () => {
    expect(
      renderQuery('x{ns="{{ namespace }}",pod=~"{{target}}-.+"}[{{ interval }}]', {
        namespace: 'demo-app',
        target: 'demo-app',
        interval: '1m',
      }),
    ).toBe('x{ns="demo-app",pod=~"demo-app-.+"}[1m]');
  });

  it('refuses placeholders Flagger would not fill', () => {
    expect(() =>
      renderQuery('{{ variables.x }}', { namespace: 'a', target: 'b', interval: '1m' }),
    ).toThrow(/unrendered template placeholder \{\{ variables\.x \}\}/);
  });
});

describe('canaryMetric and withinRange', () => {
  const canary = {
    spec: {
      analysis: {
        interval: '2m',
        metrics: [
          { name: 'errors', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } },
        ],
      },
    },
  };
  const templates = [
    { kind: 'MetricTemplate', metadata: { name: 'error-rate' }, spec: { query: 'q' } },
  ];

  it('resolves the template query, the threshold and the analysis interval as default', () => {
    expect(canaryMetric(canary, templates, 'errors')).toEqual({
      name: 'errors',
      query: 'q',
      interval: '2m',
      max: 1,
      min: undefined,
    });
    expect(() => canaryMetric(canary, [], 'errors')).toThrow(/MetricTemplate error-rate not found/);
  });

  it('treats the range as inclusive', () => {
    expect(withinRange(1, { max: 1, min: undefined })).toBe(true);
    expect(withinRange(1.01, { max: 1, min: undefined })).toBe(false);
    expect(withinRange(5, { min: 10, max: undefined })).toBe(false);
  });
});

describe('conciseError', () => {
  it("keeps kustomize's message from kubectl's klog line", () => {
    const stderr =
      'E1127 02:35:26.812554   12277 run.go:72] "command failed" err="accumulating resources: \\"x\\" missing"';
    expect(conciseError(stderr)).toBe('accumulating resources: "x" missing');
    expect(conciseError('plain failure\n')).toBe('plain failure');
  });
});
