// More AWS checks: API Gateway, Athena, CloudFront, ElastiCache, Elasticsearch, EMR, MQ, MSK and
// Redshift.
import {
  asBool, asNumber, asString, each, failure, findRelated, requireBool, requireSet, resources, type CheckContext, type CheckFailure,
  type TerraformCheck,
} from './common';
import type { BlockView } from '../evaluate';

/** A nested block's boolean that must be true; a missing block fails at the resource when `missingFails`. */
function nestedTrue(id: string, types: string[], block: string, name: string, missingFails: boolean, message: string): TerraformCheck {
  return each(id, types, (view, context) => {
    const inner = view.block(block);
    if (!inner) return missingFails ? [failure(view, message)] : [];
    return requireBool(inner, name, true, false, context, message);
  });
}

/** The method settings blocks of API Gateway stages. */
function methodSettings(context: CheckContext): BlockView[] {
  return resources(context, 'aws_api_gateway_method_settings').flatMap(settings => settings.body.blocks('settings'));
}

/** An EMR security configuration's JSON, when it is known. */
function emrConfiguration(view: BlockView): Record<string, unknown> | undefined {
  const text = asString(view.value('configuration'));
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as { EncryptionConfiguration?: Record<string, unknown> };
    return json.EncryptionConfiguration ?? {};
  } catch {
    return undefined;
  }
}

function emrCheck(id: string, test: (configuration: Record<string, unknown>) => boolean, message: string): TerraformCheck {
  return each(id, ['aws_emr_security_configuration'], view => {
    const configuration = emrConfiguration(view);
    return configuration && !test(configuration) ? [failure(view, message, 'configuration')] : [];
  });
}

const CLOUDFRONT = 'aws_cloudfront_distribution';
const ELASTICSEARCH = ['aws_elasticsearch_domain', 'aws_opensearch_domain'];

export const AWS_MORE_CHECKS: readonly TerraformCheck[] = [
  each('AWS-0001', ['aws_api_gateway_stage', 'aws_apigatewayv2_stage'], view => {
    const settings = view.block('access_log_settings');
    if (!settings) return [failure(view, 'The stage does not log access.')];
    return requireSet(settings, 'destination_arn', 'The stage does not log access.');
  }),
  {
    id: 'AWS-0002',
    run: context => methodSettings(context).flatMap(settings => {
      if (asBool(settings.value('caching_enabled')) !== true) return [];
      return requireBool(settings, 'cache_data_encrypted', true, false, context, 'The API cache is not encrypted.');
    }),
  },
  {
    id: 'AWS-0190',
    run: context => methodSettings(context).flatMap(settings => requireBool(settings, 'caching_enabled', true, false, context, 'Response caching is off.')),
  },
  each('AWS-0003', ['aws_api_gateway_stage'], (view, context) => requireBool(view, 'xray_tracing_enabled', true, false, context, 'X-Ray tracing is off for the stage.')),
  each('AWS-0004', ['aws_api_gateway_method'], view => {
    const method = asString(view.value('http_method'));
    const authorization = asString(view.value('authorization'));
    if (method === undefined || authorization === undefined || method === 'OPTION' || method === 'OPTIONS') return [];
    if (authorization !== 'NONE' || asBool(view.value('api_key_required')) === true) return [];
    if (view.value('api_key_required') !== undefined && asBool(view.value('api_key_required')) === undefined) return [];
    return [failure(view, 'The method can be called without authorization or an API key.', 'authorization')];
  }),
  each('AWS-0005', ['aws_api_gateway_domain_name'], view => {
    const policy = view.attribute('security_policy');
    const value = policy ? asString(policy.value) : 'TLS_1_0';
    return value === 'TLS_1_0' ? [failure(view, 'The domain name accepts TLS 1.0.', policy)] : [];
  }),
  each('AWS-0006', ['aws_athena_database', 'aws_athena_workgroup'], view => {
    const encryption = view.resource?.type === 'aws_athena_database'
      ? view.block('encryption_configuration')
      : view.block('configuration')?.block('result_configuration')?.block('encryption_configuration');
    if (!encryption) return [failure(view, 'Query results are not encrypted.')];
    return requireSet(encryption, 'encryption_option', 'Query results are not encrypted.');
  }),
  each('AWS-0007', ['aws_athena_workgroup'], (view, context) => {
    const configuration = view.block('configuration');
    if (!configuration) return [failure(view, 'Clients can override the workgroup\'s settings, encryption included.')];
    return requireBool(configuration, 'enforce_workgroup_configuration', true, true, context, 'Clients can override the workgroup\'s settings, encryption included.');
  }),
  each('AWS-0010', [CLOUDFRONT], (view, context, distribution) => {
    if (view.block('logging_config')) return [];
    const source = findRelated(context, distribution, 'aws_cloudwatch_log_delivery_source', 'resource_arn');
    if (source && findRelated(context, source, 'aws_cloudwatch_log_delivery', 'delivery_source_name', ['name'])) return [];
    return [failure(view, 'The distribution does not log access.')];
  }),
  each('AWS-0011', [CLOUDFRONT], view => requireSet(view, 'web_acl_id', 'No WAF web ACL protects the distribution.')),
  each('AWS-0012', [CLOUDFRONT], view => ['default_cache_behavior', 'ordered_cache_behavior'].flatMap(type => view.blocks(type).flatMap(behavior => {
    const policy = behavior.attribute('viewer_protocol_policy');
    return policy && asString(policy.value) === 'allow-all' ? [failure(behavior, 'The distribution serves plain HTTP.', policy)] : [];
  }))),
  each('AWS-0013', [CLOUDFRONT], view => {
    const certificate = view.block('viewer_certificate');
    if (!certificate || asBool(certificate.value('cloudfront_default_certificate')) === true) return [];
    const version = certificate.attribute('minimum_protocol_version');
    const value = version ? asString(version.value) : 'TLSv1';
    return value !== undefined && !value.startsWith('TLSv1.2') && !value.startsWith('TLSv1.3')
      ? [failure(certificate, 'The distribution accepts TLS versions older than 1.2.', version)] : [];
  }),
  each('AWS-0045', ['aws_elasticache_replication_group'], (view, context) =>
    requireBool(view, 'at_rest_encryption_enabled', true, false, context, 'The replication group does not encrypt data at rest.')),
  each('AWS-0051', ['aws_elasticache_replication_group'], (view, context) =>
    requireBool(view, 'transit_encryption_enabled', true, false, context, 'The replication group does not encrypt traffic.')),
  each('AWS-0049', ['aws_elasticache_security_group'], view => {
    const description = view.attribute('description');
    return description && description.value === '' ? [failure(view, 'The security group has no description.', description)] : [];
  }),
  each('AWS-0050', ['aws_elasticache_cluster'], view => {
    if (asString(view.value('engine')) !== 'redis' || asString(view.value('node_type')) === 'cache.t1.micro') return [];
    const limit = view.attribute('snapshot_retention_limit');
    const value = limit ? asNumber(limit.value) : 0;
    return value === 0 ? [failure(view, 'The Redis cluster keeps no backups.', limit)] : [];
  }),
  each('AWS-0042', ELASTICSEARCH, view => {
    const options = view.blocks('log_publishing_options').filter(option => asString(option.value('log_type')) === 'AUDIT_LOGS');
    if (options.length === 0) return [failure(view, 'The domain does not publish its audit log.')];
    const enabled = options[0].attribute('enabled');
    return enabled && asBool(enabled.value) === false ? [failure(options[0], 'The domain does not publish its audit log.', enabled)] : [];
  }),
  nestedTrue('AWS-0043', ELASTICSEARCH, 'node_to_node_encryption', 'enabled', true, 'Traffic between the domain\'s nodes is not encrypted.'),
  nestedTrue('AWS-0048', ELASTICSEARCH, 'encrypt_at_rest', 'enabled', true, 'The domain is not encrypted at rest.'),
  nestedTrue('AWS-0046', ELASTICSEARCH, 'domain_endpoint_options', 'enforce_https', true, 'The domain accepts plain HTTP.'),
  each('AWS-0126', ELASTICSEARCH, view => {
    const options = view.block('domain_endpoint_options');
    if (!options) return [failure(view, 'The domain accepts TLS versions older than 1.2.')];
    const policy = options.attribute('tls_security_policy');
    const value = policy ? asString(policy.value) : 'Policy-Min-TLS-1-0-2019-07';
    return value === 'Policy-Min-TLS-1-0-2019-07' ? [failure(options, 'The domain accepts TLS versions older than 1.2.', policy)] : [];
  }),
  emrCheck('AWS-0137', configuration => configuration.EnableAtRestEncryption === true, 'At-rest encryption is off in the EMR security configuration.'),
  emrCheck('AWS-0138', configuration => configuration.EnableInTransitEncryption === true, 'In-transit encryption is off in the EMR security configuration.'),
  emrCheck('AWS-0139', configuration => {
    const atRest = configuration.AtRestEncryptionConfiguration as { LocalDiskEncryptionConfiguration?: { EncryptionKeyProviderType?: unknown } } | undefined;
    const provider = atRest?.LocalDiskEncryptionConfiguration?.EncryptionKeyProviderType;
    return typeof provider === 'string' && provider !== '';
  }, 'Local disks of the EMR cluster are not encrypted.'),
  nestedTrue('AWS-0070', ['aws_mq_broker'], 'logs', 'audit', true, 'The broker does not keep an audit log.'),
  nestedTrue('AWS-0071', ['aws_mq_broker'], 'logs', 'general', true, 'The broker does not keep a general log.'),
  each('AWS-0072', ['aws_mq_broker'], (view, context) => requireBool(view, 'publicly_accessible', false, false, context, 'The broker is reachable from the internet.')),
  each('AWS-0073', ['aws_msk_cluster'], view => {
    const transit = view.block('encryption_info')?.block('encryption_in_transit');
    if (!transit) return [];
    const failures: CheckFailure[] = [];
    const broker = transit.attribute('client_broker');
    const value = broker ? asString(broker.value) : 'TLS';
    if (value !== undefined && value !== 'TLS') failures.push(failure(transit, 'Clients can talk to the brokers in plain text.', broker));
    const inCluster = transit.attribute('in_cluster');
    if (inCluster && asBool(inCluster.value) === false) failures.push(failure(transit, 'Traffic between the brokers is not encrypted.', inCluster));
    return failures;
  }),
  each('AWS-0074', ['aws_msk_cluster'], view => {
    const logs = view.block('logging_info')?.block('broker_logs');
    if (!logs) return [failure(view, 'The cluster does not log its brokers.')];
    const outputs = ['cloudwatch_logs', 'firehose', 's3'].map(type => logs.block(type)?.value('enabled'));
    if (outputs.some(enabled => asBool(enabled) === true)) return [];
    if (outputs.some(enabled => enabled !== undefined && asBool(enabled) === undefined)) return [];
    return [failure(logs, 'The cluster does not log its brokers.')];
  }),
  each('AWS-0179', ['aws_msk_cluster'], view => {
    const info = view.block('encryption_info');
    if (!info) return [failure(view, 'The cluster is not encrypted at rest with a customer managed key.')];
    return requireSet(info, 'encryption_at_rest_kms_key_arn', 'The cluster is not encrypted at rest with a customer managed key.');
  }),
  each('AWS-0084', ['aws_redshift_cluster'], (view, context) => {
    const encrypted = requireBool(view, 'encrypted', true, false, context, 'The cluster is not encrypted.');
    if (encrypted.length > 0) return encrypted;
    return requireSet(view, 'kms_key_id', 'The cluster is not encrypted with a customer managed key.');
  }),
  each('AWS-0127', ['aws_redshift_cluster'], view => requireSet(view, 'cluster_subnet_group_name', 'The cluster is not placed in a VPC subnet group.')),
];
