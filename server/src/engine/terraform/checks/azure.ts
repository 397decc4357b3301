// Azure checks (azurerm provider): storage accounts and containers, network security rules, Key
// Vault, AKS, SQL and PostgreSQL servers, and a few single-setting services.
import type { BlockView, ResourceInstance } from '../evaluate';
import {
  each, asBool, asNumber, asString, failure, isPublicCidr, knownStrings, relatedAll, requireBool, requireSet, resources, setAttribute,
  type CheckContext, type TerraformCheck,
} from './common';


/** Resources that name `target` in `attribute`, by reference or by its `name`. */
function namedBy(context: CheckContext, target: ResourceInstance, type: string, attribute: string): ResourceInstance[] {
  return relatedAll(context, target, type, attribute, ['name']);
}

// ---- Storage ---------------------------------------------------------------------------------

const ACCOUNT = 'azurerm_storage_account';

/** The network rules of every storage account: inline blocks and the separate resource. */
function networkRules(context: CheckContext): BlockView[] {
  return [
    ...resources(context, ACCOUNT).flatMap(account => account.body.blocks('network_rules')),
    ...resources(context, 'azurerm_storage_account_network_rules').map(rules => rules.body),
  ];
}

const TLS_ORDER = ['TLS1_0', 'TLS1_1', 'TLS1_2', 'TLS1_3'];

function weakTls(value: string): boolean {
  const rank = TLS_ORDER.indexOf(value);
  return rank !== -1 && rank < 2;
}

function httpsOnly(view: BlockView): { attribute?: string; value: boolean | undefined } {
  for (const name of ['https_traffic_only_enabled', 'enable_https_traffic_only']) {
    const attribute = view.attribute(name);
    if (attribute) return { attribute: name, value: asBool(attribute.value) };
  }
  return { value: true };
}

const STORAGE_CHECKS: TerraformCheck[] = [
  each('AZU-0007', ['azurerm_storage_container'], view => {
    const access = view.attribute('container_access_type');
    const value = access && asString(access.value);
    return value === 'blob' || value === 'container' ? [failure(view, 'The container can be read anonymously.', access)] : [];
  }),
  each('AZU-0008', [ACCOUNT], (view, context) => {
    const { attribute, value } = httpsOnly(view);
    return value === false ? [failure(view, 'The storage account accepts plain HTTP.', attribute, setAttribute(context, view, attribute!, 'true'))] : [];
  }),
  each('AZU-0011', [ACCOUNT], (view, context) => {
    const tls = view.attribute('min_tls_version');
    const value = tls && asString(tls.value);
    return value && weakTls(value) ? [failure(view, 'The storage account accepts TLS versions older than 1.2.', tls, setAttribute(context, view, 'min_tls_version', '"TLS1_2"'))] : [];
  }),
  each('AZU-0059', [ACCOUNT], view => {
    const https = httpsOnly(view);
    if (https.value === false) return [failure(view, 'The storage account accepts plain HTTP.', https.attribute)];
    const tls = view.attribute('min_tls_version');
    const value = tls && asString(tls.value);
    return value && weakTls(value) ? [failure(view, 'The storage account accepts TLS versions older than 1.2.', tls)] : [];
  }),
  {
    id: 'AZU-0010',
    run: context => networkRules(context).flatMap(rules => {
      const bypass = rules.attribute('bypass');
      if (!bypass || !Array.isArray(bypass.value)) return [];
      return knownStrings(bypass.value).includes('AzureServices') ? [] : [failure(rules, 'Trusted Microsoft services cannot bypass the network rules.', bypass)];
    }),
  },
  {
    id: 'AZU-0012',
    run: context => networkRules(context).flatMap(rules => {
      const action = rules.attribute('default_action');
      return action && asString(action.value) === 'Allow' ? [failure(rules, 'The network rules let in traffic they do not name.', action, setAttribute(context, rules, 'default_action', '"Deny"', false))] : [];
    }),
  },
  each('AZU-0009', [ACCOUNT], (view, context, account) => {
    if (namedBy(context, account, 'azurerm_storage_queue', 'storage_account_name').length === 0) return [];
    const queue = view.block('queue_properties');
    if (!queue || queue.block('logging')) return [];
    return [failure(queue, 'The queue service does not log requests.')];
  }),
  each('AZU-0057', [ACCOUNT], view => {
    const queue = view.block('queue_properties');
    if (queue?.block('logging')) return [];
    return [failure(queue ?? view, 'The storage account logs requests of no service.')];
  }),
  each('AZU-0056', [ACCOUNT], view => {
    const properties = view.block('blob_properties');
    const policy = properties?.block('delete_retention_policy');
    if (!policy) return [failure(properties ?? view, 'Blob soft delete is off.')];
    const days = policy.attribute('days');
    return days && asNumber(days.value) === 0 ? [failure(policy, 'Blob soft delete is off.', days)] : [];
  }),
  each('AZU-0058', [ACCOUNT], view => {
    const replication = view.attribute('account_replication_type');
    const value = replication && asString(replication.value);
    return value && !['GRS', 'RAGRS', 'GZRS', 'RAGZRS'].includes(value) ? [failure(view, 'The storage account keeps its data in one region.', replication)] : [];
  }),
  each('AZU-0060', [ACCOUNT], (view, context, account) => {
    if (namedBy(context, account, 'azurerm_storage_container', 'storage_account_name').length === 0) return [];
    const key = view.block('customer_managed_key');
    if (!key) return [failure(view, 'The storage account holds blob containers but is not encrypted with a customer managed key.')];
    return requireSet(key, 'key_vault_key_id', 'The storage account is not encrypted with a customer managed key.');
  }),
  each('AZU-0061', [ACCOUNT], (view, context) =>
    requireBool(view, 'infrastructure_encryption_enabled', true, false, context, 'Infrastructure (double) encryption is off.')),
];

// ---- Network ---------------------------------------------------------------------------------

interface SecurityRule {
  view: BlockView;
  inbound: boolean | undefined;
  allow: boolean | undefined;
  protocol: string | undefined;
}

function securityRules(context: CheckContext): SecurityRule[] {
  const views = [
    ...resources(context, 'azurerm_network_security_rule').map(rule => rule.body),
    ...resources(context, 'azurerm_network_security_group').flatMap(group => group.body.blocks('security_rule')),
  ];
  return views.map(view => {
    const direction = view.value('direction');
    const access = view.value('access');
    const protocol = view.value('protocol');
    return {
      view,
      inbound: direction === undefined ? true : asString(direction) === undefined ? undefined : asString(direction)!.toLowerCase() === 'inbound',
      allow: access === undefined ? true : asString(access) === undefined ? undefined : asString(access)!.toLowerCase() === 'allow',
      protocol: protocol === undefined ? '*' : asString(protocol)?.toLowerCase(),
    };
  });
}

/** The first attribute among `names` that holds a prefix open to the internet. */
function openPrefix(view: BlockView, names: string[]): string | undefined {
  return names.find(name => knownStrings(view.value(name)).some(prefix => isPublicCidr(prefix) || prefix.toLowerCase() === 'internet'));
}

/** Whether destination port ranges (`22`, `20-21`, `*`) take in any of `ports`. */
function portsInclude(view: BlockView, ports: number[]): boolean {
  const ranges = [...knownStrings(view.value('destination_port_range')), ...knownStrings(view.value('destination_port_ranges'))];
  return ranges.some(range => {
    if (range.trim() === '*') return true;
    const [low, high = low] = range.split('-').map(part => Number(part.trim()));
    return ports.some(port => low <= port && port <= high);
  });
}

function inboundOpenTo(id: string, ports: number[] | undefined, message: string): TerraformCheck {
  return {
    id,
    run: context => securityRules(context).flatMap(rule => {
      if (rule.inbound !== true || rule.allow !== true) return [];
      if (ports && rule.protocol !== undefined && (rule.protocol === 'icmp' || rule.protocol === 'udp' && ports.includes(22))) return [];
      const prefix = openPrefix(rule.view, ['source_address_prefix', 'source_address_prefixes']);
      if (!prefix || (ports && !portsInclude(rule.view, ports))) return [];
      return [failure(rule.view, message, prefix)];
    }),
  };
}

const SENSITIVE_PORTS = [20, 21, 22, 23, 25, 53, 110, 135, 137, 138, 139, 143, 445, 1433, 1434, 3306, 3389, 4333, 5432, 5500, 5900];

const NETWORK_CHECKS: TerraformCheck[] = [
  inboundOpenTo('AZU-0047', undefined, 'The security rule allows inbound traffic from any address.'),
  inboundOpenTo('AZU-0048', [3389], 'The security rule allows RDP from any address.'),
  inboundOpenTo('AZU-0050', [22], 'The security rule allows SSH from any address.'),
  inboundOpenTo('AZU-0074', SENSITIVE_PORTS, 'The security rule exposes a sensitive port to any address.'),
  {
    id: 'AZU-0051',
    run: context => securityRules(context).flatMap(rule => {
      if (rule.inbound !== false || rule.allow !== true) return [];
      const prefix = openPrefix(rule.view, ['destination_address_prefix', 'destination_address_prefixes']);
      return prefix ? [failure(rule.view, 'The security rule allows outbound traffic to any address.', prefix)] : [];
    }),
  },
  each('AZU-0049', ['azurerm_network_watcher_flow_log'], view => {
    const policy = view.block('retention_policy');
    if (!policy) return [failure(view, 'The flow log has no retention policy.')];
    const enabled = policy.attribute('enabled');
    if (!enabled || asBool(enabled.value) === false) return [failure(policy, 'The flow log\'s retention policy is off.', enabled)];
    const days = policy.attribute('days');
    const value = days ? asNumber(days.value) : 0;
    return value !== undefined && value < 90 ? [failure(policy, 'Flow logs are kept for less than 90 days.', days)] : [];
  }),
  each('AZU-0073', ['azurerm_network_watcher_flow_log'], (view, context) =>
    requireBool(view, 'enabled', true, true, context, 'The network watcher flow log is off.')),
  each('AZU-0075', ['azurerm_network_interface'], (view, context) => [
    ...requireBool(view, 'enable_ip_forwarding', false, false, context, 'The network interface forwards IP traffic.'),
    ...requireBool(view, 'ip_forwarding_enabled', false, false, context, 'The network interface forwards IP traffic.'),
  ]),
  each('AZU-0076', ['azurerm_network_interface'], view => view.blocks('ip_configuration').flatMap(configuration => {
    const address = configuration.attribute('public_ip_address_id');
    return address && address.value !== null && address.value !== '' ? [failure(configuration, 'The network interface has a public IP address.', address)] : [];
  })),
];

// ---- Key Vault -------------------------------------------------------------------------------

const KEYVAULT_CHECKS: TerraformCheck[] = [
  each('AZU-0013', ['azurerm_key_vault'], view => {
    const acls = view.block('network_acls');
    if (!acls) return [failure(view, 'The key vault has no network ACL.')];
    const action = acls.attribute('default_action');
    return action && asString(action.value) === 'Allow' ? [failure(acls, 'The key vault\'s network ACL lets in traffic it does not name.', action)] : [];
  }),
  each('AZU-0014', ['azurerm_key_vault_key'], view => requireSet(view, 'expiration_date', 'The key has no expiration date.')),
  each('AZU-0017', ['azurerm_key_vault_secret'], view => requireSet(view, 'expiration_date', 'The secret has no expiration date.')),
  each('AZU-0015', ['azurerm_key_vault_secret'], view => requireSet(view, 'content_type', 'The secret has no content type.')),
  each('AZU-0016', ['azurerm_key_vault'], (view, context) => {
    const purge = requireBool(view, 'purge_protection_enabled', true, false, context, 'Purge protection is off for the key vault.');
    if (purge.length > 0) return purge;
    const days = view.attribute('soft_delete_retention_days');
    const value = days && asNumber(days.value);
    return value !== undefined && (value < 7 || value > 90) ? [failure(view, 'Soft-deleted items are kept for fewer than 7 or more than 90 days.', days)] : [];
  }),
];

// ---- AKS -------------------------------------------------------------------------------------

const AKS = 'azurerm_kubernetes_cluster';

const AKS_CHECKS: TerraformCheck[] = [
  each('AZU-0040', [AKS], view => {
    const agent = view.block('oms_agent') ?? view.block('addon_profile')?.block('oms_agent');
    if (!agent) return [failure(view, 'The cluster does not send logs to Azure Monitor.')];
    const enabled = agent.attribute('enabled');
    if (enabled && asBool(enabled.value) === false) return [failure(agent, 'The cluster does not send logs to Azure Monitor.', enabled)];
    return requireSet(agent, 'log_analytics_workspace_id', 'The cluster does not send logs to Azure Monitor.');
  }),
  each('AZU-0041', [AKS], view => {
    if (asBool(view.value('private_cluster_enabled')) === true) return [];
    const profile = view.block('api_server_access_profile');
    const ranges = profile?.attribute('authorized_ip_ranges') ?? view.attribute('api_server_authorized_ip_ranges');
    if (!ranges) return [failure(profile ?? view, 'The API server accepts connections from any address.')];
    if (!Array.isArray(ranges.value)) return [];
    return ranges.value.length === 0 ? [failure(profile ?? view, 'The API server accepts connections from any address.', ranges)] : [];
  }),
  each('AZU-0042', [AKS], (view, context) => {
    const block = view.block('role_based_access_control');
    if (block) return requireBool(block, 'enabled', true, true, context, 'RBAC is off for the cluster.');
    return requireBool(view, 'role_based_access_control_enabled', true, true, context, 'RBAC is off for the cluster.');
  }),
  each('AZU-0043', [AKS], view => {
    const profile = view.block('network_profile');
    if (!profile) return [];
    return requireSet(profile, 'network_policy', 'The cluster has no network policy.');
  }),
  each('AZU-0065', [AKS], (view, context) => requireBool(view, 'private_cluster_enabled', true, false, context, 'The cluster\'s API server is not private.')),
  each('AZU-0066', [AKS], (view, context) => {
    const addon = view.block('addon_profile')?.block('azure_policy');
    if (addon) return requireBool(addon, 'enabled', true, false, context, 'The Azure Policy add-on is off.');
    return requireBool(view, 'azure_policy_enabled', true, false, context, 'The Azure Policy add-on is off.');
  }),
  each('AZU-0067', [AKS], view => requireSet(view, 'disk_encryption_set_id', 'The cluster\'s disks are not encrypted with a disk encryption set.')),
];

// ---- Databases -------------------------------------------------------------------------------

const SQL_SERVERS = ['azurerm_sql_server', 'azurerm_mssql_server'];
const POSTGRES = 'azurerm_postgresql_server';
const DB_SERVERS = [POSTGRES, 'azurerm_mysql_server', 'azurerm_mariadb_server'];
const ALERT_POLICY = 'azurerm_mssql_server_security_alert_policy';

/** A PostgreSQL server parameter that must be `on`, set by an azurerm_postgresql_configuration. */
function postgresParameter(id: string, parameter: string): TerraformCheck {
  return each(id, [POSTGRES], (view, context, server) => {
    const configurations = namedBy(context, server, 'azurerm_postgresql_configuration', 'server_name')
      .filter(configuration => asString(configuration.body.value('name')) === parameter);
    if (configurations.length === 0) return [failure(view, `The server parameter ${parameter} is not on.`)];
    const value = configurations[0].body.attribute('value');
    const text = value && asString(value.value);
    return text === undefined || text.toLowerCase() === 'on' ? [] : [failure(configurations[0].body, `The server parameter ${parameter} is not on.`, value)];
  });
}

function alertPolicies(context: CheckContext): BlockView[] {
  return resources(context, ALERT_POLICY).map(policy => policy.body);
}

const DATABASE_CHECKS: TerraformCheck[] = [
  { id: 'AZU-0018', run: context => alertPolicies(context).flatMap(policy => {
    const emails = policy.attribute('email_addresses');
    if (emails && !Array.isArray(emails.value)) return [];
    return knownStrings(emails?.value).length > 0 ? [] : [failure(policy, 'Threat alerts are sent to no email address.', emails)];
  }) },
  { id: 'AZU-0023', run: context => alertPolicies(context).flatMap(policy =>
    requireBool(policy, 'email_account_admins', true, false, context, 'Threat alerts are not sent to the subscription\'s administrators.')) },
  { id: 'AZU-0028', run: context => alertPolicies(context).flatMap(policy => {
    const disabled = policy.attribute('disabled_alerts');
    if (!disabled || !Array.isArray(disabled.value)) return [];
    return knownStrings(disabled.value).filter(alert => alert !== '').length > 0 ? [failure(policy, 'Some threat detections are turned off.', disabled)] : [];
  }) },
  postgresParameter('AZU-0019', 'log_connections'),
  postgresParameter('AZU-0021', 'connection_throttling'),
  postgresParameter('AZU-0024', 'log_checkpoints'),
  each('AZU-0020', DB_SERVERS, (view, context) => requireBool(view, 'ssl_enforcement_enabled', true, false, context, 'The server accepts connections without TLS.')),
  each('AZU-0022', [...DB_SERVERS, ...SQL_SERVERS], (view, context) =>
    requireBool(view, 'public_network_access_enabled', false, true, context, 'The server is reachable from public networks.')),
  each('AZU-0026', [...DB_SERVERS, 'azurerm_mssql_server'], view => {
    const name = view.resource?.type === 'azurerm_mssql_server' ? 'minimum_tls_version' : 'ssl_minimal_tls_version_enforced';
    const tls = view.attribute(name);
    if (!tls) return view.resource?.type === 'azurerm_mssql_server' ? [] : [];
    const value = asString(tls.value);
    if (value === undefined) return [];
    const ok = view.resource?.type === 'azurerm_mssql_server' ? value === '1.2' || value === '1.3' : value === 'TLS1_2' || value === 'TLS1_3';
    return ok ? [] : [failure(view, 'The server accepts TLS versions older than 1.2.', tls)];
  }),
  each('AZU-0027', SQL_SERVERS, (view, context, server) => {
    if (view.block('extended_auditing_policy')) return [];
    if (namedBy(context, server, 'azurerm_mssql_server_extended_auditing_policy', 'server_id').length > 0) return [];
    return [failure(view, 'Auditing is off for the server.')];
  }),
  {
    id: 'AZU-0025',
    run(context) {
      const policies = [
        ...resources(context, ...SQL_SERVERS).flatMap(server => server.body.blocks('extended_auditing_policy')),
        ...resources(context, 'azurerm_mssql_server_extended_auditing_policy', 'azurerm_mssql_database_extended_auditing_policy').map(policy => policy.body),
      ];
      return policies.flatMap(policy => {
        const days = policy.attribute('retention_in_days');
        const value = days ? asNumber(days.value) : 0;
        return value !== undefined && value > 0 && value < 90 ? [failure(policy, 'Audit logs are kept for less than 90 days.', days)] : [];
      });
    },
  },
  each('AZU-0029', ['azurerm_sql_firewall_rule', 'azurerm_mssql_firewall_rule', 'azurerm_postgresql_firewall_rule', 'azurerm_mysql_firewall_rule'], view => {
    const start = asString(view.value('start_ip_address'));
    const end = asString(view.value('end_ip_address'));
    if (start === undefined || end === undefined) return [];
    // 0.0.0.0 to 0.0.0.0 is Azure's switch for its own services, not the internet.
    if (start === '0.0.0.0' && end === '0.0.0.0') return [];
    return start === '0.0.0.0' && end === '255.255.255.255' ? [failure(view, 'The firewall rule admits every address.', 'end_ip_address')] : [];
  }),
];

// ---- Other services --------------------------------------------------------------------------

const SENSITIVE_DATA = /(?:password|passwd|secret|token|api_?key|private_?key|access_?key)[A-Za-z0-9_]{0,40}[ \t]{0,5}=/i;

const OTHER_CHECKS: TerraformCheck[] = [
  each('AZU-0034', ['azurerm_synapse_workspace'], (view, context) =>
    requireBool(view, 'managed_virtual_network_enabled', true, false, context, 'The workspace has no managed virtual network.')),
  each('AZU-0035', ['azurerm_data_factory'], (view, context) =>
    requireBool(view, 'public_network_enabled', false, true, context, 'The data factory is reachable from public networks.')),
  each('AZU-0036', ['azurerm_data_lake_store'], view => {
    const state = view.attribute('encryption_state');
    return state && asString(state.value) === 'Disabled' ? [failure(view, 'The data lake store is not encrypted.', state)] : [];
  }),
  each('AZU-0038', ['azurerm_managed_disk'], (view, context) => {
    const settings = view.block('encryption_settings');
    return settings ? requireBool(settings, 'enabled', true, true, context, 'The managed disk is not encrypted.') : [];
  }),
  each('AZU-0039', ['azurerm_virtual_machine', 'azurerm_linux_virtual_machine'], (view, context) => {
    const linux = view.block('os_profile_linux_config');
    if (linux) return requireBool(linux, 'disable_password_authentication', true, false, context, 'The virtual machine accepts passwords for SSH.');
    if (view.resource?.type === 'azurerm_linux_virtual_machine') return requireBool(view, 'disable_password_authentication', true, true, context, 'The virtual machine accepts passwords for SSH.');
    return [];
  }),
  each('AZU-0037', ['azurerm_virtual_machine', 'azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine'], view => {
    const profile = view.block('os_profile') ?? view;
    const data = profile.attribute('custom_data');
    const text = data && asString(data.value);
    return text !== undefined && SENSITIVE_DATA.test(text) ? [failure(profile, 'The custom data sets a password, secret or key.', data)] : [];
  }),
];

export const AZURE_CHECKS: readonly TerraformCheck[] = [
  ...STORAGE_CHECKS, ...NETWORK_CHECKS, ...KEYVAULT_CHECKS, ...AKS_CHECKS, ...DATABASE_CHECKS, ...OTHER_CHECKS,
];
