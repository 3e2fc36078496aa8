import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import type { IDeployment, IDeploymentSpec } from 'kubernetes-models/apps/v1';
import type {
  IHorizontalPodAutoscaler,
  IHorizontalPodAutoscalerSpec,
  IHPAScalingRules,
  IMetricSpec,
} from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget, IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1';
import type {
  ICapabilities,
  IConfigMap,
  IContainer,
  IContainerPort,
  IEnvFromSource,
  IEnvVar,
  IEnvVarSource,
  IHTTPGetAction,
  ILifecycle,
  ILifecycleHandler,
  INamespace,
  IPodSecurityContext,
  IPodSpec,
  IPodTemplateSpec,
  IProbe,
  IResourceRequirements,
  ISeccompProfile,
  ISecurityContext,
  IService,
  IServicePort,
  IServiceSpec,
  ITCPSocketAction,
  ITopologySpreadConstraint,
  IVolume,
  IVolumeMount,
} from 'kubernetes-models/v1';
import { type Field, type Item, list, resource, strict } from './strict.js';

/**
 * The strict shapes: a Deployment down to its pod template (containers, probes, security contexts,
 * resources, env, volumes' top level); HorizontalPodAutoscaler (autoscaling/v2: spec, metrics and
 * their sources' top level, behavior), PodDisruptionBudget (policy/v1: spec, label selector), Service
 * (spec, ports), Namespace, ConfigMap (top level); and the Flux Kustomization
 * (`kustomize.toolkit.fluxcd.io/v1`).
 * Keys come from the kubernetes-models / @kubernetes-models/flux-cd types (checked by the compiler,
 * see strict.ts); Flux fields newer than those types are added from kustomize-controller's
 * api/v1/kustomization_types.go.
 */

type Meta = Field<IPodTemplateSpec, 'metadata'>;
export const objectMeta = strict<Meta>('ObjectMeta', {
  annotations: true,
  creationTimestamp: true,
  deletionGracePeriodSeconds: true,
  deletionTimestamp: true,
  finalizers: true,
  generateName: true,
  generation: true,
  labels: true,
  managedFields: true,
  name: true,
  namespace: true,
  ownerReferences: true,
  resourceVersion: true,
  selfLink: true,
  uid: true,
});

const seccompProfile = strict<ISeccompProfile>('SeccompProfile', {
  localhostProfile: true,
  type: true,
});

const httpGet = strict<IHTTPGetAction>('HTTPGetAction', {
  host: true,
  httpHeaders: true,
  path: true,
  port: true,
  scheme: true,
});
const tcpSocket = strict<ITCPSocketAction>('TCPSocketAction', { host: true, port: true });

const probe = strict<IProbe>('Probe', {
  exec: true,
  failureThreshold: true,
  grpc: true,
  httpGet,
  initialDelaySeconds: true,
  periodSeconds: true,
  successThreshold: true,
  tcpSocket,
  terminationGracePeriodSeconds: true,
  timeoutSeconds: true,
});

const lifecycleHandler = strict<ILifecycleHandler>('LifecycleHandler', {
  exec: true,
  httpGet,
  sleep: true,
  tcpSocket,
});

const securityContext = strict<ISecurityContext>('SecurityContext', {
  allowPrivilegeEscalation: true,
  appArmorProfile: true,
  capabilities: strict<ICapabilities>('Capabilities', { add: true, drop: true }),
  privileged: true,
  procMount: true,
  readOnlyRootFilesystem: true,
  runAsGroup: true,
  runAsNonRoot: true,
  runAsUser: true,
  seLinuxOptions: true,
  seccompProfile,
  windowsOptions: true,
});

const container = strict<IContainer>('Container', {
  args: true,
  command: true,
  env: list(
    strict<IEnvVar>('EnvVar', {
      name: true,
      value: true,
      valueFrom: strict<IEnvVarSource>('EnvVarSource', {
        configMapKeyRef: true,
        fieldRef: true,
        resourceFieldRef: true,
        secretKeyRef: true,
      }),
    }),
  ),
  envFrom: list(
    strict<IEnvFromSource>('EnvFromSource', { configMapRef: true, prefix: true, secretRef: true }),
  ),
  image: true,
  imagePullPolicy: true,
  lifecycle: strict<ILifecycle>('Lifecycle', {
    postStart: lifecycleHandler,
    preStop: lifecycleHandler,
    stopSignal: true,
  }),
  livenessProbe: probe,
  name: true,
  ports: list(
    strict<IContainerPort>('ContainerPort', {
      containerPort: true,
      hostIP: true,
      hostPort: true,
      name: true,
      protocol: true,
    }),
  ),
  readinessProbe: probe,
  resizePolicy: true,
  resources: strict<IResourceRequirements>('ResourceRequirements', {
    claims: true,
    limits: true,
    requests: true,
  }),
  restartPolicy: true,
  securityContext,
  startupProbe: probe,
  stdin: true,
  stdinOnce: true,
  terminationMessagePath: true,
  terminationMessagePolicy: true,
  tty: true,
  volumeDevices: true,
  volumeMounts: list(
    strict<IVolumeMount>('VolumeMount', {
      mountPath: true,
      mountPropagation: true,
      name: true,
      readOnly: true,
      recursiveReadOnly: true,
      subPath: true,
      subPathExpr: true,
    }),
  ),
  workingDir: true,
});

const volume = strict<IVolume>('Volume', {
  awsElasticBlockStore: true,
  azureDisk: true,
  azureFile: true,
  cephfs: true,
  cinder: true,
  configMap: true,
  csi: true,
  downwardAPI: true,
  emptyDir: true,
  ephemeral: true,
  fc: true,
  flexVolume: true,
  flocker: true,
  gcePersistentDisk: true,
  gitRepo: true,
  glusterfs: true,
  hostPath: true,
  image: true,
  iscsi: true,
  name: true,
  nfs: true,
  persistentVolumeClaim: true,
  photonPersistentDisk: true,
  portworxVolume: true,
  projected: true,
  quobyte: true,
  rbd: true,
  scaleIO: true,
  secret: true,
  storageos: true,
  vsphereVolume: true,
});

const podSpec = strict<IPodSpec>('PodSpec', {
  activeDeadlineSeconds: true,
  affinity: true,
  automountServiceAccountToken: true,
  containers: list(container),
  dnsConfig: true,
  dnsPolicy: true,
  enableServiceLinks: true,
  ephemeralContainers: true,
  hostAliases: true,
  hostIPC: true,
  hostNetwork: true,
  hostPID: true,
  hostUsers: true,
  hostname: true,
  imagePullSecrets: true,
  initContainers: list(container),
  nodeName: true,
  nodeSelector: true,
  os: true,
  overhead: true,
  preemptionPolicy: true,
  priority: true,
  priorityClassName: true,
  readinessGates: true,
  resourceClaims: true,
  resources: true,
  restartPolicy: true,
  runtimeClassName: true,
  schedulerName: true,
  schedulingGates: true,
  securityContext: strict<IPodSecurityContext>('PodSecurityContext', {
    appArmorProfile: true,
    fsGroup: true,
    fsGroupChangePolicy: true,
    runAsGroup: true,
    runAsNonRoot: true,
    runAsUser: true,
    seLinuxChangePolicy: true,
    seLinuxOptions: true,
    seccompProfile,
    supplementalGroups: true,
    supplementalGroupsPolicy: true,
    sysctls: true,
    windowsOptions: true,
  }),
  serviceAccount: true,
  serviceAccountName: true,
  setHostnameAsFQDN: true,
  shareProcessNamespace: true,
  subdomain: true,
  terminationGracePeriodSeconds: true,
  tolerations: true,
  topologySpreadConstraints: list(
    strict<ITopologySpreadConstraint>('TopologySpreadConstraint', {
      labelSelector: true,
      matchLabelKeys: true,
      maxSkew: true,
      minDomains: true,
      nodeAffinityPolicy: true,
      nodeTaintsPolicy: true,
      topologyKey: true,
      whenUnsatisfiable: true,
    }),
  ),
  volumes: list(volume),
});

export const DEPLOYMENT = resource<IDeployment>('Deployment', objectMeta, {
  spec: strict<IDeploymentSpec>('DeploymentSpec', {
    minReadySeconds: true,
    paused: true,
    progressDeadlineSeconds: true,
    replicas: true,
    revisionHistoryLimit: true,
    selector: true,
    strategy: true,
    template: strict<IPodTemplateSpec>('PodTemplateSpec', { metadata: objectMeta, spec: podSpec }),
  }),
  status: true,
});

const labelSelector = strict<Field<IPodDisruptionBudgetSpec, 'selector'>>('LabelSelector', {
  matchExpressions: true,
  matchLabels: true,
});

type ScalingRules = IHPAScalingRules;
const scalingRules = strict<ScalingRules>('HPAScalingRules', {
  policies: list(
    strict<Item<ScalingRules, 'policies'>>('HPAScalingPolicy', {
      periodSeconds: true,
      type: true,
      value: true,
    }),
  ),
  selectPolicy: true,
  stabilizationWindowSeconds: true,
  tolerance: true,
});

type HpaSpec = IHorizontalPodAutoscalerSpec;
export const HORIZONTAL_POD_AUTOSCALER = resource<IHorizontalPodAutoscaler>(
  'HorizontalPodAutoscaler',
  objectMeta,
  {
    spec: strict<HpaSpec>('HorizontalPodAutoscalerSpec', {
      behavior: strict<Field<HpaSpec, 'behavior'>>('HorizontalPodAutoscalerBehavior', {
        scaleDown: scalingRules,
        scaleUp: scalingRules,
      }),
      maxReplicas: true,
      metrics: list(
        strict<IMetricSpec>('MetricSpec', {
          containerResource: strict<Field<IMetricSpec, 'containerResource'>>(
            'ContainerResourceMetricSource',
            { container: true, name: true, target: true },
          ),
          external: strict<Field<IMetricSpec, 'external'>>('ExternalMetricSource', {
            metric: true,
            target: true,
          }),
          object: strict<Field<IMetricSpec, 'object'>>('ObjectMetricSource', {
            describedObject: true,
            metric: true,
            target: true,
          }),
          pods: strict<Field<IMetricSpec, 'pods'>>('PodsMetricSource', {
            metric: true,
            target: true,
          }),
          resource: strict<Field<IMetricSpec, 'resource'>>('ResourceMetricSource', {
            name: true,
            target: strict<Field<Field<IMetricSpec, 'resource'>, 'target'>>('MetricTarget', {
              averageUtilization: true,
              averageValue: true,
              type: true,
              value: true,
            }),
          }),
          type: true,
        }),
      ),
      minReplicas: true,
      scaleTargetRef: strict<Field<HpaSpec, 'scaleTargetRef'>>('CrossVersionObjectReference', {
        apiVersion: true,
        kind: true,
        name: true,
      }),
    }),
    status: true,
  },
);

export const POD_DISRUPTION_BUDGET = resource<IPodDisruptionBudget>(
  'PodDisruptionBudget',
  objectMeta,
  {
    spec: strict<IPodDisruptionBudgetSpec>('PodDisruptionBudgetSpec', {
      maxUnavailable: true,
      minAvailable: true,
      selector: labelSelector,
      unhealthyPodEvictionPolicy: true,
    }),
    status: true,
  },
);

export const SERVICE = resource<IService>('Service', objectMeta, {
  spec: strict<IServiceSpec>('ServiceSpec', {
    allocateLoadBalancerNodePorts: true,
    clusterIP: true,
    clusterIPs: true,
    externalIPs: true,
    externalName: true,
    externalTrafficPolicy: true,
    healthCheckNodePort: true,
    internalTrafficPolicy: true,
    ipFamilies: true,
    ipFamilyPolicy: true,
    loadBalancerClass: true,
    loadBalancerIP: true,
    loadBalancerSourceRanges: true,
    ports: list(
      strict<IServicePort>('ServicePort', {
        appProtocol: true,
        name: true,
        nodePort: true,
        port: true,
        protocol: true,
        targetPort: true,
      }),
    ),
    publishNotReadyAddresses: true,
    selector: true,
    sessionAffinity: true,
    sessionAffinityConfig: true,
    trafficDistribution: true,
    type: true,
  }),
  status: true,
});

export const NAMESPACE = resource<INamespace>('Namespace', objectMeta, {
  spec: strict<Field<INamespace, 'spec'>>('NamespaceSpec', { finalizers: true }),
  status: true,
});

/** Top level only: `data` and `binaryData` keys are free-form. */
export const CONFIG_MAP = strict<IConfigMap>('ConfigMap', {
  apiVersion: true,
  binaryData: true,
  data: true,
  immutable: true,
  kind: true,
  metadata: objectMeta,
});

type KSpec = Field<IKustomization, 'spec'>;
type PostBuild = Field<KSpec, 'postBuild'>;
type Selector = Field<Item<KSpec, 'patches'>, 'target'>;
const selector = strict<Selector>('Selector', {
  annotationSelector: true,
  group: true,
  kind: true,
  labelSelector: true,
  name: true,
  namespace: true,
  version: true,
});

export const FLUX_KUSTOMIZATION = resource<IKustomization>('Kustomization', objectMeta, {
  spec: strict<KSpec>(
    'KustomizationSpec',
    {
      commonMetadata: strict<Field<KSpec, 'commonMetadata'>>('CommonMetadata', {
        annotations: true,
        labels: true,
      }),
      components: true,
      decryption: strict<Field<KSpec, 'decryption'>>(
        'Decryption',
        { provider: true, secretRef: true },
        { serviceAccountName: true },
      ),
      dependsOn: list(
        strict<Item<KSpec, 'dependsOn'>>(
          'DependencyReference',
          { name: true, namespace: true },
          { readyExpr: true },
        ),
      ),
      force: true,
      healthChecks: list(
        strict<Item<KSpec, 'healthChecks'>>('NamespacedObjectKindReference', {
          apiVersion: true,
          kind: true,
          name: true,
          namespace: true,
        }),
      ),
      images: list(
        strict<Item<KSpec, 'images'>>('Image', {
          digest: true,
          name: true,
          newName: true,
          newTag: true,
        }),
      ),
      interval: true,
      kubeConfig: strict<Field<KSpec, 'kubeConfig'>>(
        'KubeConfigReference',
        { secretRef: true },
        { configMapRef: true },
      ),
      patches: list(strict<Item<KSpec, 'patches'>>('Patch', { patch: true, target: selector })),
      path: true,
      postBuild: strict<PostBuild>('PostBuild', {
        substitute: true,
        substituteFrom: list(
          strict<Item<PostBuild, 'substituteFrom'>>('SubstituteReference', {
            kind: true,
            name: true,
            optional: true,
          }),
        ),
      }),
      prune: true,
      retryInterval: true,
      serviceAccountName: true,
      sourceRef: strict<Field<KSpec, 'sourceRef'>>('CrossNamespaceSourceReference', {
        apiVersion: true,
        kind: true,
        name: true,
        namespace: true,
      }),
      suspend: true,
      targetNamespace: true,
      timeout: true,
      wait: true,
    },
    {
      // kustomize-controller v1 fields newer than @kubernetes-models/flux-cd 2.3.4's types.
      deletionPolicy: true,
      driftIgnoreRules: list({ name: 'DriftIgnoreRule', keys: { paths: true, target: selector } }),
      healthCheckExprs: list({
        name: 'CustomHealthCheck',
        keys: { apiVersion: true, kind: true, current: true, inProgress: true, failed: true },
      }),
      ignoreMissingComponents: true,
      namePrefix: true,
      nameSuffix: true,
    },
  ),
  status: true,
});
