/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: Flux ${VAR} references are the test data. */
import { describe, expect, it } from 'vitest';
import { readKustomizations, readVarSources, resolveVars } from '../src/flux.js';
import { applyPostBuild } from '../src/render.js';
import { fluxKustomization } from './helpers.js';

const file = 'deploy/clusters/x/apps.yaml';
const kustomization = (postBuild: unknown) =>
  fluxKustomization('apps', { path: './deploy/apps/production', postBuild });
const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'flux-system' },
  data,
});

describe('resolveVars', () => {
  it('lets later substituteFrom entries win and the inline substitute map win over all', () => {
    const docs = [
      {
        file,
        doc: kustomization({
          substitute: { C: 'inline' },
          substituteFrom: [
            { kind: 'ConfigMap', name: 'cluster-vars' },
            { kind: 'ConfigMap', name: 'overrides', optional: true },
          ],
        }),
      },
      { file, doc: configMap('cluster-vars', { A: 'base', B: 'base', C: 'base' }) },
      { file, doc: configMap('overrides', { B: 'override' }) },
    ];
    const [k] = readKustomizations(docs).kustomizations;
    if (k === undefined) throw new Error('no kustomization read');
    const r = resolveVars(k, readVarSources(docs));
    expect(r.findings).toEqual([]);
    expect(r.vars).toEqual({ A: 'base', B: 'override', C: 'inline' });
  });

  it('accepts a missing optional source and reports a missing required one', () => {
    const docs = [
      {
        file,
        doc: kustomization({
          substituteFrom: [
            { kind: 'ConfigMap', name: 'runtime', optional: true },
            { kind: 'Secret', name: 'required' },
          ],
        }),
      },
    ];
    const [k] = readKustomizations(docs).kustomizations;
    if (k === undefined) throw new Error('no kustomization read');
    const r = resolveVars(k, readVarSources(docs));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      file,
      kind: 'Kustomization',
      name: 'apps',
      field: 'spec.postBuild.substituteFrom[1]',
    });
    expect(r.findings[0]?.message).toMatch(/Secret flux-system\/required is not defined/);
  });
});

describe('applyPostBuild', () => {
  const [k] = readKustomizations([
    { file, doc: kustomization({ substituteFrom: [{ kind: 'ConfigMap', name: 'v' }] }) },
  ]).kustomizations;
  if (k === undefined) throw new Error('no kustomization read');

  it('substitutes on the YAML text, so a number variable becomes a number', () => {
    const hpa = {
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { minReplicas: '${MIN}' },
    };
    const r = applyPostBuild(k, [hpa], { MIN: '3' }, new Map());
    expect(r.findings).toEqual([]);
    expect(r.objects[0]?.object).toMatchObject({ spec: { minReplicas: 3 } });
  });

  it('skips objects annotated kustomize.toolkit.fluxcd.io/substitute: disabled', () => {
    const cm = {
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
      },
      data: { T: '${NOT_A_VAR}' },
    };
    const r = applyPostBuild(k, [cm], {}, new Map());
    expect(r.findings).toEqual([]);
    expect(r.objects[0]?.object).toMatchObject({ data: { T: '${NOT_A_VAR}' } });
  });

  it('names the source file and field of an unresolved variable', () => {
    const cm = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { T: '${MISSING}' } };
    const index = new Map([['ConfigMap/c', ['deploy/apps/base/c.yaml']]]);
    const r = applyPostBuild(k, [cm], {}, index);
    expect(r.findings).toMatchObject([
      {
        check: 'substitution',
        file: 'deploy/apps/base/c.yaml',
        kind: 'ConfigMap',
        name: 'c',
        field: 'data.T',
      },
    ]);
  });
});
