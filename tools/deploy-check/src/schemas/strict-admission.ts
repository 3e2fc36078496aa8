/**
 * Strict shapes of the admission objects the GitOps tree ships (the failover controller's
 * ValidatingAdmissionPolicy and its Binding, deploy/apps/failover-controller/admission-policy.yaml):
 * kubernetes-models validates their types but ignores unknown keys, so a typo such as
 * `validation:` or `matchCondition:` would silently turn the policy off. Keys from the
 * kubernetes-models admissionregistration.k8s.io/v1 types (checked by the compiler, see strict.ts).
 * `metadata` and label selectors are not checked further here.
 */
import type {
  IMatchCondition,
  IMatchResources,
  INamedRuleWithOperations,
  IValidatingAdmissionPolicy,
  IValidatingAdmissionPolicyBinding,
  IValidation,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { type Field, list, resource, strict } from './strict.js';

const rule = strict<INamedRuleWithOperations>('NamedRuleWithOperations', {
  apiGroups: true,
  apiVersions: true,
  operations: true,
  resourceNames: true,
  resources: true,
  scope: true,
});

const matchResources = strict<IMatchResources>('MatchResources', {
  excludeResourceRules: list(rule),
  matchPolicy: true,
  namespaceSelector: true,
  objectSelector: true,
  resourceRules: list(rule),
});

const validation = strict<IValidation>('Validation', {
  expression: true,
  message: true,
  messageExpression: true,
  reason: true,
});

const matchCondition = strict<IMatchCondition>('MatchCondition', { expression: true, name: true });

type PolicySpec = Field<IValidatingAdmissionPolicy, 'spec'>;
export const VALIDATING_ADMISSION_POLICY = resource<IValidatingAdmissionPolicy>(
  'ValidatingAdmissionPolicy',
  true,
  {
    status: true,
    spec: strict<PolicySpec>('ValidatingAdmissionPolicySpec', {
      auditAnnotations: true,
      failurePolicy: true,
      matchConditions: list(matchCondition),
      matchConstraints: matchResources,
      paramKind: true,
      validations: list(validation),
      variables: true,
    }),
  },
);

type BindingSpec = Field<IValidatingAdmissionPolicyBinding, 'spec'>;
export const VALIDATING_ADMISSION_POLICY_BINDING = resource<IValidatingAdmissionPolicyBinding>(
  'ValidatingAdmissionPolicyBinding',
  true,
  {
    spec: strict<BindingSpec>('ValidatingAdmissionPolicyBindingSpec', {
      matchResources,
      paramRef: true,
      policyName: true,
      validationActions: true,
    }),
  },
);
