/**
 * Names of every object the controller touches; deploy/apps/failover-controller/rbac.yaml names
 * the same objects (docs/deployment.md).
 */
export interface KubeNames {
  /** Flux-substituted overrides: namespace flux-system, name demo-app-dr-overrides. */
  overrides: { namespace: string; name: string };
  /** Flagger's HPA and Deployment copies: namespace demo-app, name demo-app-primary. */
  workload: { namespace: string; hpa: string; deployment: string };
  /** The controller's own namespace, state ConfigMap and Lease. */
  self: { namespace: string; stateConfigMap: string; lease: string };
}

export const defaultNames: KubeNames = {
  overrides: { namespace: 'flux-system', name: 'demo-app-dr-overrides' },
  workload: { namespace: 'demo-app', hpa: 'demo-app-primary', deployment: 'demo-app-primary' },
  self: {
    namespace: 'failover-system',
    stateConfigMap: 'failover-controller-state',
    lease: 'failover-controller',
  },
};
