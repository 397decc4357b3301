// Google Cloud checks (google provider): Cloud Storage, Compute Engine (instances, disks,
// firewalls, subnetworks), IAM bindings, GKE, Cloud SQL, and DNS, KMS and BigQuery.
import type { BlockView, ResourceInstance, Value } from '../evaluate';
import {
  each, asBool, asString, failure, isPublicCidr, knownStrings, requireBool, requireSet, resources, setAttribute,
  type CheckContext, type CheckFailure, type TerraformCheck,
} from './common';


/** A key of an object attribute such as `metadata = { enable-oslogin = "TRUE" }`. */
function entry(view: BlockView, attribute: string, key: string): Value | undefined {
  const object = view.value(attribute);
  return object instanceof Map ? object.get(key) : undefined;
}

// ---- Storage ---------------------------------------------------------------------------------

const BUCKET = 'google_storage_bucket';
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];

const STORAGE_CHECKS: TerraformCheck[] = [
  each('GCP-0001', ['google_storage_bucket_iam_binding', 'google_storage_bucket_iam_member'], view => {
    const members = view.attribute('members') ?? view.attribute('member');
    return members && knownStrings(members.value).some(member => PUBLIC_MEMBERS.includes(member))
      ? [failure(view, 'The bucket is shared with everyone.', members)] : [];
  }),
  each('GCP-0002', [BUCKET], (view, context) => requireBool(view, 'uniform_bucket_level_access', true, false, context, 'Uniform bucket-level access is off.')),
  each('GCP-0066', [BUCKET], view => {
    const encryption = view.block('encryption');
    if (!encryption) return [failure(view, 'The bucket is not encrypted with a customer managed key.')];
    return requireSet(encryption, 'default_kms_key_name', 'The bucket is not encrypted with a customer managed key.');
  }),
  each('GCP-0077', [BUCKET], view => {
    const logging = view.block('logging');
    if (!logging) return [failure(view, 'The bucket does not log access.')];
    return requireSet(logging, 'log_bucket', 'The bucket does not log access.');
  }),
  each('GCP-0078', [BUCKET], (view, context) => {
    const versioning = view.block('versioning');
    if (!versioning) return [failure(view, 'Versioning is off for the bucket.')];
    return requireBool(versioning, 'enabled', true, false, context, 'Versioning is off for the bucket.');
  }),
];

// ---- Compute ---------------------------------------------------------------------------------

const INSTANCE = 'google_compute_instance';
const FIREWALL = 'google_compute_firewall';

function isDefaultServiceAccount(email: string): boolean {
  return email.endsWith('-compute@developer.gserviceaccount.com') || email.endsWith('@appspot.gserviceaccount.com');
}

/** Whether a firewall's allow blocks reach a port (no `ports` means every port). */
function allowsPort(view: BlockView, port: number): boolean | undefined {
  let unknown = false;
  for (const allow of view.blocks('allow')) {
    const protocol = asString(allow.value('protocol'))?.toLowerCase();
    if (protocol === undefined) {
      unknown = true;
      continue;
    }
    if (protocol !== 'tcp' && protocol !== 'all' && protocol !== '-1') continue;
    const ports = allow.value('ports');
    if (ports === undefined) return true;
    if (!Array.isArray(ports)) {
      unknown = true;
      continue;
    }
    for (const range of knownStrings(ports)) {
      const [low, high = low] = range.split('-').map(Number);
      if (low <= port && port <= high) return true;
    }
  }
  return unknown ? undefined : false;
}

function ingressFromAnywhere(view: BlockView): string | undefined {
  const direction = asString(view.value('direction')) ?? 'INGRESS';
  if (direction.toUpperCase() !== 'INGRESS' || view.value('source_tags') !== undefined) return undefined;
  return knownStrings(view.value('source_ranges')).some(isPublicCidr) ? 'source_ranges' : undefined;
}

function openPort(id: string, port: number, message: string): TerraformCheck {
  return each(id, [FIREWALL], view => {
    const attribute = ingressFromAnywhere(view);
    return attribute && allowsPort(view, port) ? [failure(view, message, attribute)] : [];
  });
}

/** Port ranges of every allow block, as [low, high]; an allow without ports is 0-65535. */
function allowedRanges(view: BlockView): [number, number][] {
  return view.blocks('allow').flatMap(allow => {
    const ports = allow.value('ports');
    if (ports === undefined) return [[0, 65535] as [number, number]];
    return knownStrings(ports).map(range => {
      const [low, high = low] = range.split('-').map(Number);
      return [low, high] as [number, number];
    });
  });
}

const COMPUTE_CHECKS: TerraformCheck[] = [
  each('GCP-0027', [FIREWALL], view => {
    const attribute = ingressFromAnywhere(view);
    return attribute && view.blocks('allow').length > 0 ? [failure(view, 'The firewall rule allows ingress from any address.', attribute)] : [];
  }),
  each('GCP-0035', [FIREWALL], view => {
    if (asString(view.value('direction'))?.toUpperCase() !== 'EGRESS') return [];
    const ranges = view.attribute('destination_ranges');
    return ranges && knownStrings(ranges.value).some(isPublicCidr) ? [failure(view, 'The firewall rule allows egress to any address.', ranges)] : [];
  }),
  openPort('GCP-0070', 3389, 'The firewall rule allows RDP from any address.'),
  openPort('GCP-0071', 22, 'The firewall rule allows SSH from any address.'),
  each('GCP-0072', [FIREWALL], view => view.blocks('allow').flatMap(allow => {
    const protocol = asString(allow.value('protocol'))?.toLowerCase();
    if (protocol === undefined || !['tcp', 'udp', 'all', 'sctp'].includes(protocol) || allow.value('ports') !== undefined) return [];
    return [failure(allow, 'The firewall rule allows every port.')];
  })),
  each('GCP-0073', [FIREWALL], view => {
    const name = view.attribute('name');
    const value = name && asString(name.value);
    return value?.startsWith('default-allow-') ? [failure(view, 'One of the default network\'s permissive firewall rules is in use.', name)] : [];
  }),
  each('GCP-0074', [FIREWALL], view => {
    if (!ingressFromAnywhere(view)) return [];
    const wide = allowedRanges(view).some(([low, high]) => high - low + 1 > 30 && !(low === 0 && high === 65535));
    return wide ? [failure(view, 'The firewall rule opens a large range of ports to any address.')] : [];
  }),
  each('GCP-0029', ['google_compute_subnetwork'], view => {
    const purpose = asString(view.value('purpose'));
    if (purpose && purpose !== 'PRIVATE') return [];
    return view.block('log_config') ? [] : [failure(view, 'VPC flow logs are off for the subnetwork.')];
  }),
  each('GCP-0076', ['google_compute_subnetwork'], view => {
    const purpose = asString(view.value('purpose'));
    if (purpose && purpose !== 'PRIVATE') return [];
    return view.block('log_config') ? [] : [failure(view, 'Flow logging is off for the subnetwork.')];
  }),
  each('GCP-0075', ['google_compute_subnetwork'], (view, context) =>
    requireBool(view, 'private_ip_google_access', true, false, context, 'Private Google Access is off for the subnetwork.')),
  each('GCP-0030', [INSTANCE], (view, context) => {
    const value = entry(view, 'metadata', 'block-project-ssh-keys');
    if (value !== undefined && asBool(value) !== false) return [];
    return [failure(view, 'Project-wide SSH keys can reach the instance.', 'metadata')];
  }),
  each('GCP-0031', [INSTANCE], view => view.blocks('network_interface').flatMap(network =>
    network.blocks('access_config').map(access => failure(access, 'The instance has a public IP address.')))),
  each('GCP-0032', [INSTANCE], view => {
    const value = entry(view, 'metadata', 'serial-port-enable');
    return asBool(value) === true || asString(value)?.toLowerCase() === 'true' ? [failure(view, 'The serial port of the instance is enabled.', 'metadata')] : [];
  }),
  each('GCP-0036', [INSTANCE], view => {
    const value = entry(view, 'metadata', 'enable-oslogin');
    return value !== undefined && (asBool(value) === false || asString(value)?.toLowerCase() === 'false')
      ? [failure(view, 'The instance turns OS Login off for itself.', 'metadata')] : [];
  }),
  each('GCP-0042', ['google_compute_project_metadata'], view => {
    const value = entry(view, 'metadata', 'enable-oslogin');
    if (value !== undefined && (asBool(value) === true || asString(value)?.toLowerCase() === 'true')) return [];
    if (value !== undefined && asString(value) === undefined) return [];
    return [failure(view, 'OS Login is not on for the project.', 'metadata')];
  }),
  each('GCP-0033', [INSTANCE], view => {
    const disk = view.block('boot_disk');
    if (!disk) return [];
    if (disk.value('kms_key_self_link') !== undefined || disk.value('disk_encryption_key_raw') !== undefined) return [];
    return [failure(disk, 'The boot disk is not encrypted with a customer key.')];
  }),
  each('GCP-0034', ['google_compute_disk'], view => {
    const key = view.block('disk_encryption_key');
    if (!key) return [failure(view, 'The disk is not encrypted with a customer managed key.')];
    if (key.value('raw_key') !== undefined) return [];
    return requireSet(key, 'kms_key_self_link', 'The disk is not encrypted with a customer managed key.');
  }),
  {
    id: 'GCP-0037',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const instance of resources(context, INSTANCE)) {
        for (const disk of [...instance.body.blocks('boot_disk'), ...instance.body.blocks('attached_disk')]) {
          const raw = disk.attribute('disk_encryption_key_raw');
          if (raw && raw.value !== null && raw.value !== '') failures.push(failure(disk, 'The disk encryption key is written in plain text.', raw));
        }
      }
      for (const disk of resources(context, 'google_compute_disk')) {
        const raw = disk.body.block('disk_encryption_key')?.attribute('raw_key');
        if (raw && raw.value !== null && raw.value !== '') failures.push(failure(disk.body.block('disk_encryption_key')!, 'The disk encryption key is written in plain text.', raw));
      }
      return failures;
    },
  },
  each('GCP-0039', ['google_compute_ssl_policy'], (view, context) => {
    const tls = view.attribute('min_tls_version');
    const value = tls ? asString(tls.value) : 'TLS_1_0';
    if (value === undefined || value === 'TLS_1_2' || value === 'TLS_1_3') return [];
    return [failure(view, 'The SSL policy accepts TLS versions older than 1.2.', tls, setAttribute(context, view, 'min_tls_version', '"TLS_1_2"'))];
  }),
  each('GCP-0041', [INSTANCE], (view, context) => {
    const config = view.block('shielded_instance_config');
    return config ? requireBool(config, 'enable_vtpm', true, true, context, 'The Shielded VM vTPM is off.') : [];
  }),
  each('GCP-0045', [INSTANCE], (view, context) => {
    const config = view.block('shielded_instance_config');
    return config ? requireBool(config, 'enable_integrity_monitoring', true, true, context, 'Shielded VM integrity monitoring is off.') : [];
  }),
  each('GCP-0067', [INSTANCE], (view, context) => {
    const config = view.block('shielded_instance_config');
    if (!config) return [failure(view, 'Shielded VM secure boot is off.')];
    return requireBool(config, 'enable_secure_boot', true, false, context, 'Shielded VM secure boot is off.');
  }),
  each('GCP-0043', [INSTANCE], (view, context) => requireBool(view, 'can_ip_forward', false, false, context, 'The instance forwards IP traffic.')),
  each('GCP-0044', [INSTANCE], view => {
    const account = view.block('service_account');
    if (!account) return [];
    const email = account.attribute('email');
    const value = email ? asString(email.value) : '';
    if (value === undefined) return [];
    return value === '' || isDefaultServiceAccount(value) ? [failure(account, 'The instance runs as the default Compute Engine service account.', email)] : [];
  }),
];

// ---- IAM -------------------------------------------------------------------------------------

const IMPERSONATION_ROLES = ['roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator'];
const PRIVILEGED_ROLES = ['roles/owner', 'roles/editor'];

/** The members of a binding or member resource, with the attribute they are in. */
function members(view: BlockView): { attribute: string; values: string[]; referenced: ResourceInstance[] } | undefined {
  const attribute = view.has('members') ? 'members' : view.has('member') ? 'member' : undefined;
  if (!attribute) return undefined;
  const value = view.value(attribute);
  const list = Array.isArray(value) ? value : [value!];
  return { attribute, values: knownStrings(value), referenced: list.flatMap(item => view.module.referencedResources(item)) };
}

function iamResources(level: 'project' | 'folder' | 'organization'): string[] {
  return [`google_${level}_iam_binding`, `google_${level}_iam_member`];
}

function defaultServiceAccountAssignment(id: string, level: 'project' | 'folder' | 'organization'): TerraformCheck {
  return each(id, iamResources(level), view => {
    const found = members(view);
    if (!found) return [];
    const byName = found.values.some(member => isDefaultServiceAccount(member.replace(/^serviceAccount:/, '')));
    const byReference = found.referenced.some(instance => instance.type === 'google_compute_default_service_account');
    return byName || byReference ? [failure(view, 'A role is granted to a default service account.', found.attribute)] : [];
  });
}

function impersonation(id: string, level: 'project' | 'folder' | 'organization'): TerraformCheck {
  return each(id, iamResources(level), view => {
    const role = view.attribute('role');
    const value = role && asString(role.value);
    return value && IMPERSONATION_ROLES.includes(value) ? [failure(view, `Service account impersonation is granted at the ${level} level.`, role)] : [];
  });
}

const PERSONAL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'aol.com', 'icloud.com', 'protonmail.com', 'yandex.com', 'mail.com'];

const ALL_IAM = [...iamResources('project'), ...iamResources('folder'), ...iamResources('organization')];

const IAM_CHECKS: TerraformCheck[] = [
  each('GCP-0003', ALL_IAM, view => {
    const found = members(view);
    return found?.values.some(member => member.startsWith('user:')) ? [failure(view, 'A role is granted to a user directly rather than to a group.', found.attribute)] : [];
  }),
  defaultServiceAccountAssignment('GCP-0004', 'folder'),
  defaultServiceAccountAssignment('GCP-0006', 'project'),
  defaultServiceAccountAssignment('GCP-0008', 'organization'),
  impersonation('GCP-0005', 'folder'),
  impersonation('GCP-0009', 'organization'),
  impersonation('GCP-0011', 'project'),
  each('GCP-0007', ALL_IAM, view => {
    const role = asString(view.value('role'));
    if (role === undefined || !(PRIVILEGED_ROLES.includes(role) || role.endsWith('Admin') || role.endsWith('.admin'))) return [];
    const found = members(view);
    if (!found) return [];
    const toServiceAccount = found.values.some(member => member.startsWith('serviceAccount:'))
      || found.referenced.some(instance => instance.type === 'google_service_account');
    return toServiceAccount ? [failure(view, 'A service account is granted a privileged role.', 'role')] : [];
  }),
  each('GCP-0010', ['google_project'], (view, context) =>
    requireBool(view, 'auto_create_network', false, true, context, 'The project creates the default network.')),
  each('GCP-0068', ['google_iam_workload_identity_pool_provider'], view =>
    requireSet(view, 'attribute_condition', 'The identity pool provider accepts any identity of the external provider.')),
  each('GCP-0069', ALL_IAM, view => {
    const found = members(view);
    const personal = found?.values.some(member => PERSONAL_DOMAINS.some(domain => member.toLowerCase().endsWith(`@${domain}`)));
    return personal ? [failure(view, 'A role is granted to a personal email account.', found!.attribute)] : [];
  }),
  {
    id: 'GCP-0079',
    run(context) {
      const configs = resources(context, 'google_project_iam_audit_config');
      const failures: CheckFailure[] = [];
      const complete = configs.some(config => asString(config.body.value('service')) === 'allServices'
        && ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'].every(type => config.body.blocks('audit_log_config').some(log => asString(log.value('log_type')) === type)));
      if (complete) return [];
      if (configs.some(config => config.body.value('service') !== undefined && asString(config.body.value('service')) === undefined)) return [];
      for (const project of resources(context, 'google_project')) failures.push(failure(project.body, 'Audit logging is not configured for every service of the project.'));
      for (const config of configs) {
        if (asString(config.body.value('service')) !== 'allServices') failures.push(failure(config.body, 'The audit configuration does not cover all services.', 'service'));
      }
      return failures;
    },
  },
];

// ---- GKE -------------------------------------------------------------------------------------

const CLUSTER = 'google_container_cluster';
const NODE_POOL = 'google_container_node_pool';

function autopilot(view: BlockView): boolean {
  return asBool(view.value('enable_autopilot')) === true;
}

/** The node configs of a cluster and of its node pools. */
function nodeConfigs(context: CheckContext): BlockView[] {
  return [
    ...resources(context, CLUSTER).filter(cluster => !autopilot(cluster.body)).flatMap(cluster => cluster.body.blocks('node_config')),
    ...resources(context, NODE_POOL).flatMap(pool => pool.body.blocks('node_config')),
  ];
}

function poolManagement(id: string, name: string, message: string): TerraformCheck {
  return each(id, [NODE_POOL], (view, context) => {
    const management = view.block('management');
    return management ? requireBool(management, name, true, true, context, message) : [];
  });
}

const GKE_CHECKS: TerraformCheck[] = [
  {
    id: 'GCP-0048',
    run: context => nodeConfigs(context).flatMap(config => {
      const value = entry(config, 'metadata', 'disable-legacy-endpoints');
      return value !== undefined && (asBool(value) === false || asString(value)?.toLowerCase() === 'false') ? [failure(config, 'Legacy metadata endpoints are on.', 'metadata')] : [];
    }),
  },
  each('GCP-0049', [CLUSTER], view => (autopilot(view) || view.block('ip_allocation_policy') ? [] : [failure(view, 'IP aliasing is off for the cluster.')])),
  each('GCP-0050', [CLUSTER], view => {
    if (autopilot(view)) return [];
    if (asBool(view.value('remove_default_node_pool')) === true) return [];
    const node = view.block('node_config')?.attribute('service_account');
    const defaults = view.block('cluster_autoscaling')?.block('auto_provisioning_defaults')?.attribute('service_account');
    if ((node && node.value !== '') || (defaults && defaults.value !== '')) return [];
    return [failure(view.block('node_config') ?? view, 'The cluster\'s nodes run as the default service account.')];
  }),
  each('GCP-0051', [CLUSTER], view => {
    const labels = view.attribute('resource_labels');
    if (labels && !(labels.value instanceof Map)) return [];
    return labels?.value instanceof Map && labels.value.size > 0 ? [] : [failure(view, 'The cluster has no labels.', labels)];
  }),
  each('GCP-0052', [CLUSTER], view => {
    const service = view.attribute('monitoring_service');
    const value = service ? asString(service.value) : 'monitoring.googleapis.com/kubernetes';
    return value === undefined || value === 'monitoring.googleapis.com/kubernetes' ? [] : [failure(view, 'Cloud Monitoring for Kubernetes is off.', service)];
  }),
  each('GCP-0060', [CLUSTER], view => {
    const service = view.attribute('logging_service');
    const value = service ? asString(service.value) : 'logging.googleapis.com/kubernetes';
    return value === undefined || value === 'logging.googleapis.com/kubernetes' ? [] : [failure(view, 'Cloud Logging for Kubernetes is off.', service)];
  }),
  each('GCP-0053', [CLUSTER], view => (view.block('master_authorized_networks_config')?.blocks('cidr_blocks') ?? []).flatMap(block => {
    const cidr = block.attribute('cidr_block');
    return cidr && knownStrings(cidr.value).some(isPublicCidr) ? [failure(block, 'The control plane accepts connections from any address.', cidr)] : [];
  })),
  each('GCP-0061', [CLUSTER], view => (view.block('master_authorized_networks_config') ? [] : [failure(view, 'The cluster has no master authorized networks.')])),
  {
    id: 'GCP-0054',
    run: context => nodeConfigs(context).flatMap(config => {
      const image = config.attribute('image_type');
      const value = image && asString(image.value);
      return value && !value.toUpperCase().startsWith('COS') ? [failure(config, 'The nodes do not run Container-Optimized OS.', image)] : [];
    }),
  },
  each('GCP-0055', [CLUSTER], (view, context) => requireBool(view, 'enable_shielded_nodes', true, true, context, 'Shielded GKE nodes are off.')),
  each('GCP-0056', [CLUSTER], (view, context) => {
    if (autopilot(view) || asString(view.value('datapath_provider')) === 'ADVANCED_DATAPATH') return [];
    const policy = view.block('network_policy');
    if (!policy) return [failure(view, 'Network policy is off for the cluster.')];
    return requireBool(policy, 'enabled', true, false, context, 'Network policy is off for the cluster.');
  }),
  {
    id: 'GCP-0057',
    run: context => nodeConfigs(context).flatMap(config => {
      const workload = config.block('workload_metadata_config');
      const mode = workload?.attribute('mode') ?? workload?.attribute('node_metadata');
      const value = mode && asString(mode.value);
      return value === 'GCE_METADATA' || value === 'EXPOSE' ? [failure(workload!, 'The node metadata is exposed to workloads.', mode)] : [];
    }),
  },
  poolManagement('GCP-0058', 'auto_upgrade', 'Automatic upgrade is off for the node pool.'),
  poolManagement('GCP-0063', 'auto_repair', 'Automatic repair is off for the node pool.'),
  each('GCP-0059', [CLUSTER], (view, context) => {
    const config = view.block('private_cluster_config');
    if (!config) return [failure(view, 'The cluster\'s nodes are not private.')];
    return requireBool(config, 'enable_private_nodes', true, false, context, 'The cluster\'s nodes are not private.');
  }),
  each('GCP-0062', [CLUSTER], (view, context) => requireBool(view, 'enable_legacy_abac', false, false, context, 'Legacy ABAC is on for the cluster.')),
  each('GCP-0064', [CLUSTER], view => {
    const auth = view.block('master_auth');
    if (!auth) return [];
    const issue = auth.block('client_certificate_config')?.attribute('issue_client_certificate');
    if (issue && asBool(issue.value) === true) return [failure(auth, 'The cluster issues client certificates.', issue)];
    const password = auth.attribute('password');
    const username = auth.attribute('username');
    if ((username && username.value !== '') || (password && password.value !== '')) return [failure(auth, 'The cluster accepts basic authentication.', username ?? password)];
    return [];
  }),
];

// ---- Cloud SQL -------------------------------------------------------------------------------

const SQL = 'google_sql_database_instance';

function family(view: BlockView): string | undefined {
  const version = asString(view.value('database_version'));
  if (version === undefined) return undefined;
  return version.startsWith('POSTGRES') ? 'postgres' : version.startsWith('MYSQL') ? 'mysql' : version.startsWith('SQLSERVER') ? 'sqlserver' : 'other';
}

/** The value of a database flag, or undefined when unset; `unknown` when a flag name is not known. */
function flag(view: BlockView, name: string): { value: string | undefined; view?: BlockView; unknown: boolean } {
  const flags = view.block('settings')?.blocks('database_flags') ?? [];
  let unknown = false;
  for (const candidate of flags) {
    const flagName = asString(candidate.value('name'));
    if (flagName === undefined) unknown = true;
    if (flagName !== name) continue;
    const value = candidate.value('value');
    return { value: asString(value), view: candidate, unknown: asString(value) === undefined };
  }
  return { value: undefined, unknown };
}

/** A database flag that must pass `good`; when unset it has the engine's default `byDefault`. */
function sqlFlag(id: string, engine: string, name: string, byDefault: string, good: (value: string) => boolean, message: string): TerraformCheck {
  return each(id, [SQL], view => {
    if (family(view) !== engine) return [];
    const found = flag(view, name);
    if (found.unknown) return [];
    const value = found.value ?? byDefault;
    if (good(value.toLowerCase())) return [];
    return [failure(found.view ?? view, message, found.view ? 'value' : undefined)];
  });
}

const SQL_CHECKS: TerraformCheck[] = [
  sqlFlag('GCP-0014', 'postgres', 'log_temp_files', '-1', value => value === '0', 'Temporary files are not all logged (log_temp_files is not 0).'),
  sqlFlag('GCP-0016', 'postgres', 'log_connections', 'off', value => value === 'on', 'Connections are not logged.'),
  sqlFlag('GCP-0018', 'postgres', 'log_min_messages', 'error', value => !['fatal', 'panic', 'log'].includes(value), 'Errors are not logged (log_min_messages is above ERROR).'),
  sqlFlag('GCP-0020', 'postgres', 'log_lock_waits', 'off', value => value === 'on', 'Lock waits are not logged.'),
  sqlFlag('GCP-0021', 'postgres', 'log_min_duration_statement', '-1', value => value === '-1', 'Statements are logged by duration, which can log sensitive data.'),
  sqlFlag('GCP-0022', 'postgres', 'log_disconnections', 'off', value => value === 'on', 'Disconnections are not logged.'),
  sqlFlag('GCP-0025', 'postgres', 'log_checkpoints', 'off', value => value === 'on', 'Checkpoints are not logged.'),
  sqlFlag('GCP-0019', 'sqlserver', 'cross db ownership chaining', 'on', value => value === 'off', 'Cross-database ownership chaining is on.'),
  sqlFlag('GCP-0023', 'sqlserver', 'contained database authentication', 'on', value => value === 'off', 'Contained database authentication is on.'),
  sqlFlag('GCP-0026', 'mysql', 'local_infile', 'off', value => value === 'off', 'local_infile is on.'),
  each('GCP-0015', [SQL], view => {
    const ip = view.block('settings')?.block('ip_configuration');
    if (!ip) return [failure(view, 'The database instance accepts connections without TLS.')];
    const mode = asString(ip.value('ssl_mode'));
    if (mode === 'ENCRYPTED_ONLY' || mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED') return [];
    const requireSsl = ip.attribute('require_ssl');
    if (requireSsl && asBool(requireSsl.value) !== false) return [];
    if (ip.value('ssl_mode') !== undefined && mode === undefined) return [];
    return [failure(ip, 'The database instance accepts connections without TLS.', requireSsl ?? 'ssl_mode')];
  }),
  each('GCP-0017', [SQL], view => {
    const ip = view.block('settings')?.block('ip_configuration');
    if (!ip) return [];
    return ip.blocks('authorized_networks').flatMap(network => {
      const value = network.attribute('value');
      return value && knownStrings(value.value).some(isPublicCidr) ? [failure(network, 'The database instance accepts connections from any address.', value)] : [];
    });
  }),
  each('GCP-0024', [SQL], (view, context) => {
    if (view.value('master_instance_name') !== undefined) return [];
    const backup = view.block('settings')?.block('backup_configuration');
    if (!backup) return [failure(view.block('settings') ?? view, 'Automated backups are off.')];
    return requireBool(backup, 'enabled', true, false, context, 'Automated backups are off.');
  }),
];

// ---- DNS, KMS, BigQuery ----------------------------------------------------------------------

/** Seconds in a rotation period such as `7776000s`. */
function seconds(text: string): number | undefined {
  const match = /^(\d{1,15})(?:\.\d{1,9})?s$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

const OTHER_CHECKS: TerraformCheck[] = [
  each('GCP-0012', ['google_dns_managed_zone'], view => (view.block('dnssec_config')?.blocks('default_key_specs') ?? []).flatMap(spec => {
    const algorithm = spec.attribute('algorithm');
    return algorithm && asString(algorithm.value)?.toLowerCase() === 'rsasha1' ? [failure(spec, 'The zone is signed with RSA/SHA-1.', algorithm)] : [];
  })),
  each('GCP-0013', ['google_dns_managed_zone'], view => {
    if (asString(view.value('visibility')) === 'private') return [];
    const config = view.block('dnssec_config');
    if (!config) return [failure(view, 'DNSSEC is off for the zone.')];
    const state = config.attribute('state');
    return state && asString(state.value) === 'off' ? [failure(config, 'DNSSEC is off for the zone.', state)] : [];
  }),
  each('GCP-0065', ['google_kms_crypto_key'], view => {
    const period = view.attribute('rotation_period');
    if (!period) return [failure(view, 'The key is not rotated automatically.')];
    const text = asString(period.value);
    const value = text === undefined ? undefined : seconds(text);
    return value !== undefined && value > 7776000 ? [failure(view, 'The key is rotated less often than every 90 days.', period)] : [];
  }),
  each('GCP-0046', ['google_bigquery_dataset'], view => view.blocks('access').flatMap(access => {
    const group = access.attribute('special_group');
    return group && asString(group.value) === 'allAuthenticatedUsers' ? [failure(access, 'The dataset is shared with every Google account.', group)] : [];
  })),
];

export const GOOGLE_CHECKS: readonly TerraformCheck[] = [...STORAGE_CHECKS, ...COMPUTE_CHECKS, ...IAM_CHECKS, ...GKE_CHECKS, ...SQL_CHECKS, ...OTHER_CHECKS];

