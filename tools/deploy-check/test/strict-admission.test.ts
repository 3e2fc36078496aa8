import { describe, expect, it } from 'vitest';
import { checkUnknownFields } from '../src/checks/schema.js';
import { rendered } from './helpers.js';

const policy = () => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'p' },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['configmaps'] },
      ],
    },
    matchConditions: [{ name: 'sa', expression: 'true' }],
    validations: [{ expression: 'true', message: 'm' }] as Record<string, unknown>[],
  },
});

describe('strict ValidatingAdmissionPolicy shapes (issue #14)', () => {
  it('accepts a policy and a binding, and names a typo that would disable a policy', () => {
    expect(checkUnknownFields(rendered(policy()))).toEqual([]);
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'p' },
      spec: { policyName: 'p', validationActions: ['Deny'], validationAction: ['Deny'] },
    };
    expect(checkUnknownFields(rendered(binding))).toEqual([
      expect.objectContaining({ field: 'spec.validationAction' }),
    ]);
    const bad = policy();
    (bad.spec.validations[0] as Record<string, unknown>).expresion = 'x';
    expect(checkUnknownFields(rendered(bad))).toEqual([
      expect.objectContaining({ field: 'spec.validations[0].expresion' }),
    ]);
  });
});
