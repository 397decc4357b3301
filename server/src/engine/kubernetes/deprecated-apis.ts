// Kubernetes API versions that are deprecated and removed, for KSV-0107: by apiVersion, each kind
// with the release that removes it and the API that replaces it. The facts are the Kubernetes
// deprecated-API migration guide's; they cover every entry of trivy-checks' table, under the API
// group names Kubernetes uses (trivy-checks files some under names no cluster serves, such as
// `autoscaling/v1beta1` for apps/v1beta1, and has no `extensions/v1beta1`; here they are where
// Kubernetes puts them). A `<Kind>List` is looked up as its kind.

export interface DeprecatedApi {
  /** The Kubernetes release that no longer serves it, e.g. `v1.16`. */
  removedIn: string;
  /** The apiVersion to move to, where one replaces it. */
  replacement?: string;
}

type Table = Record<string, Record<string, DeprecatedApi>>;

function kinds(removedIn: string, replacement: string | undefined, ...names: string[]): Record<string, DeprecatedApi> {
  return Object.fromEntries(names.map(name => [name, replacement ? { removedIn, replacement } : { removedIn }]));
}

const TABLE: Table = {
  'admission.k8s.io/v1beta1': kinds('v1.22', 'admission.k8s.io/v1', 'AdmissionReview'),
  'admissionregistration.k8s.io/v1beta1': {
    ...kinds('v1.22', 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    ...kinds('v1.34', 'admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'),
  },
  'apidiscovery.k8s.io/v2beta1': kinds('v1.35', 'apidiscovery.k8s.io/v2', 'APIGroupDiscovery'),
  'apps/v1beta1': kinds('v1.16', 'apps/v1', 'Deployment', 'StatefulSet', 'ControllerRevision', 'DeploymentRollback', 'Scale'),
  'apps/v1beta2': kinds('v1.16', 'apps/v1', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision', 'Scale'),
  'extensions/v1beta1': {
    ...kinds('v1.16', 'apps/v1', 'DaemonSet', 'Deployment', 'ReplicaSet'),
    ...kinds('v1.16', 'networking.k8s.io/v1', 'NetworkPolicy'),
    ...kinds('v1.16', 'policy/v1beta1', 'PodSecurityPolicy'),
    ...kinds('v1.22', 'networking.k8s.io/v1', 'Ingress'),
  },
  'authentication.k8s.io/v1alpha1': kinds('v1.32', 'authentication.k8s.io/v1', 'SelfSubjectReview'),
  'authentication.k8s.io/v1beta1': {
    ...kinds('v1.22', 'authentication.k8s.io/v1', 'TokenReview'),
    ...kinds('v1.33', 'authentication.k8s.io/v1', 'SelfSubjectReview'),
  },
  'authorization.k8s.io/v1beta1': kinds('v1.22', 'authorization.k8s.io/v1',
    'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'),
  'autoscaling/v2beta1': kinds('v1.25', 'autoscaling/v2', 'HorizontalPodAutoscaler'),
  'autoscaling/v2beta2': kinds('v1.26', 'autoscaling/v2', 'HorizontalPodAutoscaler'),
  'batch/v1beta1': kinds('v1.25', 'batch/v1', 'CronJob'),
  'certificates.k8s.io/v1alpha1': kinds('v1.32', undefined, 'ClusterTrustBundle'),
  'certificates.k8s.io/v1beta1': kinds('v1.22', 'certificates.k8s.io/v1', 'CertificateSigningRequest'),
  'coordination.k8s.io/v1beta1': kinds('v1.22', 'coordination.k8s.io/v1', 'Lease'),
  'discovery.k8s.io/v1beta1': kinds('v1.25', 'discovery.k8s.io/v1', 'EndpointSlice'),
  'events.k8s.io/v1beta1': kinds('v1.25', 'events.k8s.io/v1', 'Event'),
  'flowcontrol.apiserver.k8s.io/v1beta1': kinds('v1.26', 'flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', 'PriorityLevelConfiguration'),
  'flowcontrol.apiserver.k8s.io/v1beta2': kinds('v1.29', 'flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', 'PriorityLevelConfiguration'),
  'flowcontrol.apiserver.k8s.io/v1beta3': kinds('v1.32', 'flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', 'PriorityLevelConfiguration'),
  'networking.k8s.io/v1alpha1': kinds('v1.33', 'networking.k8s.io/v1', 'IPAddress', 'ServiceCIDR'),
  'networking.k8s.io/v1beta1': kinds('v1.22', 'networking.k8s.io/v1', 'Ingress', 'IngressClass'),
  'node.k8s.io/v1beta1': kinds('v1.25', 'node.k8s.io/v1', 'RuntimeClass'),
  'policy/v1beta1': {
    ...kinds('v1.25', 'policy/v1', 'PodDisruptionBudget', 'Eviction'),
    ...kinds('v1.25', undefined, 'PodSecurityPolicy'),
  },
  'rbac.authorization.k8s.io/v1beta1': kinds('v1.22', 'rbac.authorization.k8s.io/v1', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'),
  'scheduling.k8s.io/v1beta1': kinds('v1.22', 'scheduling.k8s.io/v1', 'PriorityClass'),
  'storage.k8s.io/v1alpha1': {
    ...kinds('v1.24', 'storage.k8s.io/v1', 'CSIStorageCapacity', 'VolumeAttachment'),
    ...kinds('v1.35', undefined, 'VolumeAttributesClass'),
  },
  'storage.k8s.io/v1beta1': {
    ...kinds('v1.22', 'storage.k8s.io/v1', 'CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'),
    ...kinds('v1.27', 'storage.k8s.io/v1', 'CSIStorageCapacity'),
  },
};

/** What replaces an apiVersion and kind, if Kubernetes deprecated and removes it. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  const byKind = Object.hasOwn(TABLE, apiVersion) ? TABLE[apiVersion] : undefined;
  if (!byKind) return undefined;
  const name = kind.endsWith('List') && !Object.hasOwn(byKind, kind) ? kind.slice(0, -'List'.length) : kind;
  return Object.hasOwn(byKind, name) ? byKind[name] : undefined;
}
