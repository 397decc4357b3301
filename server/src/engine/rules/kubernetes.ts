// Trivy's Kubernetes workload, RBAC and network checks (KSV-xxxx): IDs, AVD IDs, legacy IDs, short
// names, titles and severities exactly as trivy-checks has them (commit 80e5382 of
// aquasecurity/trivy-checks), so that Trivy users' ignore files and dashboards keep working. The
// remediation sentences are Vigil's own words. The checks themselves are in ../kubernetes/checks.ts.
// The KCV control-plane checks (node-collector input, static Pod flags) are not here.
import type { Rule } from '../types';
import { checkRule, type CheckRule } from './check-rule';

/** A Kubernetes rule with the other names Trivy accepts for it in ignore files and comments. */
export type KubernetesRule = CheckRule;

interface RuleFacts {
  /** The legacy ID, where trivy-checks has one (`KSV001`, `KSV0123`). */
  legacy?: string;
  /** Short names, as trivy-checks lists them after the AVD and legacy IDs. */
  names: readonly string[];
  deprecated?: boolean;
}

function kubernetesRule(number: string, severity: Rule['severity'], title: string, remediation: string, facts: RuleFacts): KubernetesRule {
  const aliases = [`AVD-KSV-${number}`, ...(facts.legacy ? [facts.legacy] : []), ...facts.names];
  return checkRule(`KSV-${number}`, severity, title, remediation, aliases, facts.deprecated);
}

/** The names of a rule whose short name is `name` and whose long name is `kubernetes-<name>`. */
function named(legacy: string | undefined, name: string, ...more: string[]): RuleFacts {
  return { legacy, names: [...more, name, `kubernetes-${name}`] };
}

export const KUBERNETES_RULES: readonly KubernetesRule[] = [
  kubernetesRule('0001', 'MEDIUM', 'Can elevate its own privileges',
    "Set the container's securityContext.allowPrivilegeEscalation to false.", named('KSV001', 'no-self-privesc')),
  kubernetesRule('0002', 'LOW', 'Runtime/Default AppArmor profile not set',
    "Remove the container's AppArmor annotation or set it to 'runtime/default'.", named('KSV002', 'use-default-apparmor-profile')),
  kubernetesRule('0003', 'LOW', 'Default capabilities: some containers do not drop all',
    "Drop every capability ('ALL' in securityContext.capabilities.drop) and add back only those the container needs.", named('KSV003', 'drop-default-capabilities')),
  kubernetesRule('0004', 'LOW', 'Default capabilities: some containers do not drop any',
    'List the capabilities the container does not need in securityContext.capabilities.drop.', named('KSV004', 'drop-unused-capabilities')),
  kubernetesRule('0005', 'HIGH', 'SYS_ADMIN capability added',
    "Take SYS_ADMIN out of the container's securityContext.capabilities.add.", named('KSV005', 'no-sysadmin-capability')),
  kubernetesRule('0006', 'HIGH', 'hostPath volume mounted with docker.sock',
    "Do not mount the host's /var/run/docker.sock into the pod.", named('KSV006', 'no-docker-sock-mount')),
  kubernetesRule('0007', 'LOW', 'Manages /etc/hosts',
    "Remove hostAliases from the pod spec; give names through DNS instead.", named('KSV007', 'no-hostaliases')),
  kubernetesRule('0008', 'HIGH', 'Access to host IPC namespace',
    'Remove hostIPC from the pod spec or set it to false.', named('KSV008', 'no-shared-ipc-namespace')),
  kubernetesRule('0009', 'HIGH', 'Access to host network',
    'Remove hostNetwork from the pod spec or set it to false.', named('KSV009', 'no-host-network')),
  kubernetesRule('0010', 'HIGH', 'Access to host PID',
    'Remove hostPID from the pod spec or set it to false.', named('KSV010', 'no-host-pid')),
  kubernetesRule('0011', 'LOW', 'CPU not limited',
    "Give the container a CPU limit under resources.limits.cpu, sized to what it needs.", named('KSV011', 'limit-cpu')),
  kubernetesRule('0012', 'MEDIUM', 'Runs as root user',
    "Set securityContext.runAsNonRoot to true for the container (or for the whole pod).", named('KSV012', 'no-root')),
  kubernetesRule('0013', 'MEDIUM', 'Image tag ":latest" used',
    'Pin the image to a version tag or a digest instead of latest or no tag.', named('KSV013', 'use-specific-tags')),
  kubernetesRule('0014', 'HIGH', 'Root file system is not read-only',
    "Set the container's securityContext.readOnlyRootFilesystem to true and mount writable volumes where it must write.", named('KSV014', 'use-readonly-filesystem')),
  kubernetesRule('0015', 'LOW', 'CPU requests not specified',
    "Request the CPU the container needs under resources.requests.cpu.", named('KSV015', 'no-unspecified-cpu-requests')),
  kubernetesRule('0016', 'LOW', 'Memory requests not specified',
    "Request the memory the container needs under resources.requests.memory.", named('KSV016', 'no-unspecified-memory-requests')),
  kubernetesRule('0017', 'HIGH', 'Privileged',
    "Set the container's securityContext.privileged to false, or remove it.", named('KSV017', 'no-privileged-containers')),
  kubernetesRule('0018', 'LOW', 'Memory not limited',
    "Give the container a memory limit under resources.limits.memory, sized to what it needs.", named('KSV018', 'limit-memory')),
  kubernetesRule('0020', 'LOW', 'Runs with UID <= 10000',
    'Run the container as a user ID above 10000 (securityContext.runAsUser).', named('KSV020', 'use-high-uid')),
  kubernetesRule('0021', 'LOW', 'Runs with GID <= 10000',
    'Run the container with a group ID above 10000 (securityContext.runAsGroup).', named('KSV021', 'use-high-gid')),
  kubernetesRule('0022', 'MEDIUM', 'Specific capabilities added',
    "Remove securityContext.capabilities.add from the container; run with the default set or less.", named('KSV022', 'no-non-default-capabilities')),
  kubernetesRule('0023', 'MEDIUM', 'hostPath volumes mounted',
    'Replace hostPath volumes with another volume type (emptyDir, a ConfigMap, a persistent volume claim).', named('KSV023', 'no-mounted-hostpath')),
  kubernetesRule('0024', 'HIGH', 'Access to host ports',
    "Remove hostPort from the container's ports and expose the pod through a Service.", named('KSV024', 'no-host-port-access')),
  kubernetesRule('0025', 'MEDIUM', 'SELinux custom options set',
    "Leave seLinuxOptions unset, or use only the container_t, container_init_t or container_kvm_t type without user or role.", named('KSV025', 'no-custom-selinux-options')),
  kubernetesRule('0026', 'MEDIUM', 'Unsafe sysctl options set',
    'Set only the sysctls the baseline Pod Security Standard allows in the pod securityContext.', named('KSV026', 'no-unsafe-sysctl')),
  kubernetesRule('0027', 'MEDIUM', 'Non-default /proc masks set',
    "Remove procMount from the container's securityContext.", named('KSV027', 'no-custom-proc-mask')),
  kubernetesRule('0028', 'LOW', 'Non-core volume types used.',
    'Use only core volume types (configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral, csi).', named('KSV028', 'no-non-ephemeral-volumes')),
  kubernetesRule('0030', 'LOW', 'Runtime/Default Seccomp profile not set',
    "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or on every container.", named('KSV030', 'use-default-seccomp')),
  kubernetesRule('0032', 'MEDIUM', 'All container images must start with the *.azurecr.io domain',
    'Pull the image from your Azure container registry (*.azurecr.io).', { ...named('KSV032', 'use-azure-image-prefix'), deprecated: true }),
  kubernetesRule('0033', 'MEDIUM', 'All container images must start with a GCR domain',
    'Pull the image from your Google container registry (gcr.io).', { ...named('KSV033', 'use-gcr-domain'), deprecated: true }),
  kubernetesRule('0034', 'MEDIUM', 'Container images from public registries used',
    'Pull the image from a private registry that you control.', { ...named('KSV034', 'no-public-registries'), deprecated: true }),
  kubernetesRule('0035', 'MEDIUM', 'All container images must start with an ECR domain',
    'Pull the image from your Amazon ECR registry.', { ...named('KSV035', 'no-untrusted-ecr-domain'), deprecated: true }),
  kubernetesRule('0036', 'MEDIUM', 'Protecting Pod service account tokens',
    'Set automountServiceAccountToken to false unless the pod talks to the Kubernetes API.', named('KSV036', 'no-auto-mount-service-token')),
  kubernetesRule('0037', 'MEDIUM', 'User resources should not be placed in kube-system namespace',
    "Move the resource out of kube-system into a namespace of its own.", named('KSV037', 'no-user-resources-in-system-namespace', 'no-user-pods-in-system-namespace')),
  kubernetesRule('0038', 'MEDIUM', 'Selector usage in network policies',
    'Select the pods the policy applies to with podSelector or namespaceSelector.', named('KSV038', 'selector-usage-in-network-policies')),
  kubernetesRule('0039', 'LOW', 'limit range usage',
    'Give the LimitRange a limit with type, max, min, default and defaultRequest.', named('KSV039', 'limit-range-usage')),
  kubernetesRule('0040', 'LOW', 'resource quota usage',
    'Give the ResourceQuota hard limits for requests.cpu, requests.memory, limits.cpu and limits.memory.', named('KSV040', 'resource-quota-usage')),
  kubernetesRule('0041', 'CRITICAL', 'Manage secrets',
    "Take 'secrets' out of the ClusterRole's resources, or grant it in namespaced Roles where it is needed.", named('KSV041', 'no-manage-secrets')),
  kubernetesRule('0042', 'MEDIUM', 'Delete pod logs',
    "Do not grant delete or deletecollection on 'pods/log'.", named('KSV042', 'no-delete-pod-logs')),
  kubernetesRule('0043', 'CRITICAL', 'Do not allow impersonation of privileged groups',
    "Do not grant impersonate on 'groups' for every API group.", named('KSV043', 'no-impersonate-privileged-groups')),
  kubernetesRule('0044', 'CRITICAL', 'No wildcard verb and resource roles',
    "Replace the '*' verbs and resources with the ones the role needs.", named('KSV044', 'no-wildcard-verb-resource-role')),
  kubernetesRule('0045', 'CRITICAL', 'No wildcard verb roles',
    "Replace the '*' verb with the verbs the role needs on these resources.", named('KSV045', 'no-wildcard-verb-role')),
  kubernetesRule('0046', 'CRITICAL', 'Manage all resources',
    "Replace the '*' resource of the ClusterRole with the resources it needs.", named('KSV046', 'no-wildcard-resource-clusterrole')),
  kubernetesRule('0047', 'HIGH', 'Do not allow privilege escalation from node proxy',
    "Do not grant get or create on 'nodes/proxy'.", named('KSV047', 'no-privilege-escalation-from-node-proxy')),
  kubernetesRule('0048', 'MEDIUM', 'Manage Kubernetes workloads and pods',
    'Grant only get, list and watch on pods and workload resources unless the role must change them.', named('KSV048', 'deny-create-update-malicious-pod')),
  kubernetesRule('0049', 'MEDIUM', 'Manage configmaps',
    "Grant only read verbs on 'configmaps' unless the role must change them.", named('KSV049', 'no-manage-configmaps')),
  kubernetesRule('0050', 'CRITICAL', 'Do not allow privilege escalation via RBAC resources',
    "Do not grant escalate, bind, impersonate or '*' on roles and rolebindings.", { legacy: 'KSV050', names: ['no-manage-rbac-resources', 'kubernetes-no-manage-rbac-resources', 'kubernetes-no-privilege-escalation-rbac'] }),
  kubernetesRule('0051', 'HIGH', 'Do not allow role binding creation and association with privileged role/clusterrole',
    "Do not grant both create on rolebindings and bind on every role ('*' resourceNames) in one role.", named('KSV051', 'do-not-allow-role-binding-associate-privileged-role')),
  kubernetesRule('0052', 'HIGH', 'Do not allow role to create ClusterRoleBindings and association with privileged role',
    "Do not grant both create on clusterrolebindings and bind on every cluster role ('*' resourceNames) in one role.", named('KSV052', 'allow-role-clusterrolebindings-associate-privileged-cluster-role')),
  kubernetesRule('0053', 'HIGH', 'Exec into Pods',
    "Do not grant create or other write verbs on 'pods/exec'.", named('KSV053', 'no-getting-shell-pods')),
  kubernetesRule('0054', 'HIGH', 'Do not allow attaching to shell on pods',
    "Do not grant both create on 'pods/attach' and get on 'pods' in one role.", named('KSV054', 'no-attaching-shell-pods')),
  kubernetesRule('0055', 'LOW', 'Do not allow users in a rolebinding to add other users to their rolebindings',
    "Do not grant both get and patch on 'rolebindings' for every API group.", named('KSV055', 'view-all-secrets')),
  kubernetesRule('0056', 'HIGH', 'Manage Kubernetes networking',
    'Grant only get, list and watch on services, endpoints, endpointslices, networkpolicies and ingresses unless the role must change them.', named('KSV056', 'no-manage-networking-resources')),
  kubernetesRule('01010', 'MEDIUM', 'ConfigMap with sensitive content',
    'Keep user names, e-mail addresses, keys and similar data out of ConfigMaps; use a Secret.', { names: ['configMap_with_sensitive', 'kubernetes-configMap-with-sensitive'] }),
  kubernetesRule('01011', 'CRITICAL', 'system:authenticate group access binding',
    'Remove the system:authenticated group from the binding and bind the users or groups that need the role.', named('KSV01011', 'no-system-authenticated-group-bind')),
  kubernetesRule('0102', 'CRITICAL', 'Tiller Is Deployed',
    'Remove Tiller and move to Helm 3, which needs no in-cluster component.', named('KSV102', 'no-tiller')),
  kubernetesRule('0103', 'MEDIUM', 'Access to host process',
    'Set windowsOptions.hostProcess to false or remove it, on the pod and on every container.', named('KSV103', 'no-hostprocess-containers')),
  kubernetesRule('0104', 'MEDIUM', 'Seccomp policies disabled',
    'Give every container a seccomp profile other than Unconfined, on the pod or on the container.', named('KSV104', 'no-seccomp-unconfined')),
  kubernetesRule('0105', 'LOW', 'Containers must not set runAsUser to 0',
    'Set securityContext.runAsUser to a non-zero user ID, or leave it unset.', named('KSV105', 'containers-not-run-as-root')),
  kubernetesRule('0106', 'LOW', 'Container capabilities must only include NET_BIND_SERVICE',
    "Drop 'ALL' capabilities and add back NET_BIND_SERVICE at most.", named('KSV106', 'drop-caps-add-bind-svc')),
  kubernetesRule('0107', 'LOW', "The deprecated 'apiVersion' and 'kind' should not be used",
    'Move the resource to the API version that replaces the deprecated one.', named('KSV107', 'evaluate-k8s-deprecated-removed-apis')),
  kubernetesRule('0108', 'HIGH', 'Service with External IP',
    'Remove spec.externalIPs (and externalName) from the Service; expose it with a LoadBalancer or an Ingress.', { names: ['no_svc_with_extip', 'kubernetes-no-svc-with-extip'] }),
  kubernetesRule('0109', 'HIGH', 'ConfigMap with secrets',
    'Move passwords, tokens and keys out of the ConfigMap into a Secret.', { names: ['configMap_with_secrets', 'kubernetes-configMap-with-secrets'] }),
  kubernetesRule('0110', 'LOW', 'Workloads in the default namespace',
    'Set metadata.namespace to a namespace of the application, not default.', named('KSV110', 'default-namespace-should-not-be-used')),
  kubernetesRule('0111', 'MEDIUM', 'User with admin access',
    "Bind a role with only the permissions needed instead of cluster-admin, admin or edit.", named('KSV111', 'cluster-admin0-role-only-used-where-required')),
  kubernetesRule('0112', 'CRITICAL', 'Manage all resources at the namespace',
    "Replace the '*' resource of the Role with the resources it needs.", named('KSV112', 'no-wildcard-resource-role')),
  kubernetesRule('0113', 'MEDIUM', 'Manage namespace secrets',
    "Take 'secrets' out of the Role's resources unless the role must read or write them.", named('KSV113', 'no-manage-ns-secrets')),
  kubernetesRule('0114', 'CRITICAL', 'Manage webhookconfigurations',
    'Grant only get, list and watch on mutating and validating webhook configurations.', named('KSV114', 'no-manage-webhook')),
  kubernetesRule('0115', 'CRITICAL', 'Manage EKS IAM Auth ConfigMap',
    "Do not grant write verbs on the 'aws-auth' ConfigMap.", named('KSV115', 'eks-iam-configmap')),
  kubernetesRule('0116', 'LOW', 'Runs with a root primary or supplementary GID',
    'Set runAsGroup, fsGroup and supplementalGroups to non-zero group IDs, or leave them unset.', named('KSV116', 'primary-supplementary-gid')),
  kubernetesRule('0117', 'MEDIUM', 'Prevent binding to privileged ports',
    'Listen on a container port of 1024 or above and map the low port in the Service.', named('KSV117', 'no-privilege-port-binding')),
  kubernetesRule('0118', 'HIGH', 'Default security context configured',
    'Give the pod and every container a securityContext with explicit settings (runAsNonRoot, capabilities, readOnlyRootFilesystem, ...).', named('KSV118', 'no-default-security-context')),
  kubernetesRule('0119', 'HIGH', 'NET_RAW capability added',
    "Take NET_RAW out of securityContext.capabilities.add; drop all capabilities and add back only those needed.", named('KSV119', 'no-net-raw')),
  kubernetesRule('0120', 'HIGH', 'SYS_MODULE capability added',
    "Take SYS_MODULE out of securityContext.capabilities.add; drop all capabilities and add back only those needed.", named('KSV120', 'no-sysmodule-capability')),
  kubernetesRule('0121', 'HIGH', 'Kubernetes resource with disallowed volumes mounted',
    'Do not mount system folders of the host (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr, /var/lib/docker) as hostPath volumes.', named('KSV121', 'no-k8s-with-disallowed-volumes')),
  kubernetesRule('0122', 'CRITICAL', 'Anonymous user access binding',
    'Remove system:anonymous and system:unauthenticated from the binding.', named('KSV122', 'no-anonymous-user-bind')),
  kubernetesRule('0123', 'CRITICAL', 'system:masters group access binding',
    'Remove the system:masters group from the binding.', named('KSV0123', 'no-system-masters-group-bind')),
  kubernetesRule('0124', 'HIGH', 'Gatekeeper repo reference is ambiguously open-ended',
    "End every allowed repository prefix with '/' (or a full repository name), so that it cannot match other registries or organisations.", named(undefined, 'repo-ambiguous-prefix')),
  kubernetesRule('0125', 'MEDIUM', 'Restrict container images to trusted registries',
    'Pull images only from registries you trust (your ECR, ACR or GCR registry).', named('KSV0125', 'use-trusted-registry')),
];

/** A Kubernetes rule by its ID or any alias (case-insensitive), as ignore comments may name it. */
export function kubernetesRuleNamed(name: string): KubernetesRule | undefined {
  return KUBERNETES_RULE_NAMES.get(name.toLowerCase());
}

const KUBERNETES_RULE_NAMES = new Map<string, KubernetesRule>(
  KUBERNETES_RULES.flatMap(rule => [rule.id, ...rule.aliases].map(name => [name.toLowerCase(), rule] as const)),
);

/** The rule with this ID; throws on an unknown ID (a typo in the check table). */
export function kubernetesRuleById(id: string): KubernetesRule {
  const rule = KUBERNETES_RULES.find(r => r.id === id);
  if (!rule) throw new Error(`no Kubernetes rule ${id}`);
  return rule;
}
