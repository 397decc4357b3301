// AWS checks of the managed services: CloudTrail, KMS, EKS, RDS, load balancers, Lambda, and the
// data services (DynamoDB, ECR, ECS, EFS, SNS, SQS, Kinesis, Neptune, DocumentDB, Secrets Manager,
// WorkSpaces, CodeBuild, Config, CloudWatch).
import type { BlockView, ResourceInstance } from '../evaluate';
import {
  each, asBool, asNumber, asString, failure, findRelated, isPublicCidr, knownStrings, policyOf, requireBool, requireSet, resources,
  setAttribute, type CheckContext, type TerraformCheck,
} from './common';


/** A boolean attribute that must be true (absent: `byDefault`). */
function mustBeTrue(id: string, types: string[], name: string, byDefault: boolean, message: string): TerraformCheck {
  return each(id, types, (view, context) => requireBool(view, name, true, byDefault, context, message));
}

/** An attribute that must be set (a key ID, a log group). */
function mustBeSet(id: string, types: string[], name: string, message: string): TerraformCheck {
  return each(id, types, view => requireSet(view, name, message));
}

/** A nested block's boolean that must be true; a missing block fails at the resource. */
function nestedTrue(id: string, types: string[], block: string, name: string, byDefault: boolean, message: string): TerraformCheck {
  return each(id, types, (view, context) => {
    const inner = view.block(block);
    if (!inner) return byDefault ? [] : [failure(view, message)];
    return requireBool(inner, name, true, byDefault, context, message);
  });
}

// ---- CloudTrail ------------------------------------------------------------------------------

function trailBucket(context: CheckContext, trail: ResourceInstance): ResourceInstance | undefined {
  const value = trail.body.value('s3_bucket_name');
  const referenced = context.module.referencedResources(value).find(instance => instance.type === 'aws_s3_bucket');
  if (referenced) return referenced;
  const name = asString(value);
  return name === undefined ? undefined : resources(context, 'aws_s3_bucket').find(bucket => asString(bucket.body.value('bucket')) === name);
}

const CLOUDTRAIL_CHECKS: TerraformCheck[] = [
  mustBeTrue('AWS-0014', ['aws_cloudtrail'], 'is_multi_region_trail', false, 'The trail records events of one region only.'),
  mustBeSet('AWS-0015', ['aws_cloudtrail'], 'kms_key_id', 'The trail\'s logs are not encrypted with a customer managed key.'),
  mustBeTrue('AWS-0016', ['aws_cloudtrail'], 'enable_log_file_validation', false, 'Log file validation is off for the trail.'),
  mustBeSet('AWS-0162', ['aws_cloudtrail'], 'cloud_watch_logs_group_arn', 'The trail does not send its logs to CloudWatch Logs.'),
  each('AWS-0161', ['aws_cloudtrail'], (view, context, trail) => {
    const bucket = trailBucket(context, trail);
    const acl = bucket && asString(bucket.body.value('acl'));
    if (!bucket || !acl || !['public-read', 'public-read-write', 'authenticated-read', 'website'].includes(acl)) return [];
    return [failure(bucket.body, 'The bucket that holds the trail\'s logs is public.', 'acl')];
  }),
  each('AWS-0163', ['aws_cloudtrail'], (view, context, trail) => {
    const bucket = trailBucket(context, trail);
    if (!bucket || bucket.body.block('logging') || findRelated(context, bucket, 'aws_s3_bucket_logging', 'bucket', ['bucket'])) return [];
    return [failure(bucket.body, 'The bucket that holds the trail\'s logs does not log access to itself.')];
  }),
];

// ---- KMS, EKS --------------------------------------------------------------------------------

const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

const KMS_EKS_CHECKS: TerraformCheck[] = [
  each('AWS-0065', ['aws_kms_key'], (view, context) => {
    if (asString(view.value('key_usage')) === 'SIGN_VERIFY') return [];
    return requireBool(view, 'enable_key_rotation', true, false, context, 'The key is not rotated automatically.');
  }),
  each('AWS-0038', ['aws_eks_cluster'], view => {
    const attribute = view.attribute('enabled_cluster_log_types');
    if (attribute && !Array.isArray(attribute.value)) return [];
    const enabled = knownStrings(attribute?.value);
    const missing = EKS_LOG_TYPES.filter(type => !enabled.includes(type));
    if (missing.length === 0) return [];
    return [failure(view, `Control plane logging is off for: ${missing.join(', ')}.`, attribute)];
  }),
  each('AWS-0039', ['aws_eks_cluster'], view => {
    const encryption = view.block('encryption_config');
    if (!encryption) return [failure(view, 'Kubernetes secrets of the cluster are not encrypted with a KMS key.')];
    const resourcesValue = encryption.value('resources');
    if (Array.isArray(resourcesValue) && !knownStrings(resourcesValue).includes('secrets') && resourcesValue.every(item => asString(item) !== undefined)) {
      return [failure(encryption, 'The encryption configuration does not cover secrets.', 'resources')];
    }
    const provider = encryption.block('provider');
    if (!provider) return [failure(encryption, 'The encryption configuration names no KMS key.')];
    return requireSet(provider, 'key_arn', 'The encryption configuration names no KMS key.');
  }),
  each('AWS-0040', ['aws_eks_cluster'], (view, context) => {
    const vpc = view.block('vpc_config');
    if (!vpc) return [failure(view, 'The cluster\'s API endpoint is public.')];
    return requireBool(vpc, 'endpoint_public_access', false, true, context, 'The cluster\'s API endpoint is public.');
  }),
  each('AWS-0041', ['aws_eks_cluster'], view => {
    const vpc = view.block('vpc_config');
    if (vpc && asBool(vpc.value('endpoint_public_access')) === false) return [];
    if (vpc?.value('endpoint_public_access') !== undefined && asBool(vpc.value('endpoint_public_access')) === undefined) return [];
    const cidrs = vpc?.attribute('public_access_cidrs');
    if (!cidrs) return [failure(vpc ?? view, 'The public API endpoint is open to every address (public_access_cidrs defaults to 0.0.0.0/0).')];
    if (knownStrings(cidrs.value).some(isPublicCidr)) return [failure(vpc!, 'The public API endpoint is open to every address.', cidrs)];
    return [];
  }),
];

// ---- RDS -------------------------------------------------------------------------------------

const RDS_CHECKS: TerraformCheck[] = [
  each('AWS-0077', ['aws_db_instance', 'aws_rds_cluster'], (view, context) => {
    if (view.value('replicate_source_db') !== undefined) return [];
    const attribute = view.attribute('backup_retention_period');
    const days = attribute ? asNumber(attribute.value) : 1;
    if (days === undefined || days > 1) return [];
    return [failure(view, 'Backups are kept for one day or less.', attribute, setAttribute(context, view, 'backup_retention_period', '7'))];
  }),
  each('AWS-0078', ['aws_rds_cluster_instance', 'aws_db_instance', 'aws_rds_cluster'], view => {
    if (asBool(view.value('performance_insights_enabled')) !== true) return [];
    return requireSet(view, 'performance_insights_kms_key_id', 'Performance Insights data is not encrypted with a customer managed key.');
  }),
  each('AWS-0133', ['aws_rds_cluster_instance', 'aws_db_instance'], (view, context) =>
    requireBool(view, 'performance_insights_enabled', true, false, context, 'Performance Insights is off.')),
  each('AWS-0079', ['aws_rds_cluster'], (view, context) => {
    const encrypted = view.attribute('storage_encrypted');
    const key = view.attribute('kms_key_id');
    const keySet = key && key.value !== '' && key.value !== null;
    if (encrypted) {
      const value = asBool(encrypted.value);
      if (value === false) return [failure(view, 'The cluster\'s storage is not encrypted.', encrypted, setAttribute(context, view, 'storage_encrypted', 'true'))];
      return [];
    }
    if (keySet) return [];
    return [failure(view, 'The cluster\'s storage is not encrypted.', key, setAttribute(context, view, 'storage_encrypted', 'true'))];
  }),
  each('AWS-0080', ['aws_db_instance'], (view, context) => {
    if (view.value('replicate_source_db') !== undefined) return [];
    return requireBool(view, 'storage_encrypted', true, false, context, 'The database instance\'s storage is not encrypted.');
  }),
  each('AWS-0180', ['aws_db_instance'], (view, context) =>
    requireBool(view, 'publicly_accessible', false, false, context, 'The database instance is reachable from the internet.')),
];

// ---- Load balancers --------------------------------------------------------------------------

const LOAD_BALANCERS = ['aws_lb', 'aws_alb'];
const LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];
const OUTDATED_TLS_POLICIES = new Set([
  'ELBSecurityPolicy-2015-05', 'ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-FS-2018-06', 'ELBSecurityPolicy-FS-1-1-2019-08',
  'ELBSecurityPolicy-TLS-1-0-2015-04', 'ELBSecurityPolicy-TLS-1-1-2017-01', 'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS13-1-1-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
]);

function loadBalancerType(view: BlockView): string | undefined {
  const type = view.value('load_balancer_type');
  return type === undefined ? 'application' : asString(type);
}

/** The listeners of load balancers in the module, with the load balancer each belongs to. */
function listeners(context: CheckContext): { listener: ResourceInstance; balancer: ResourceInstance }[] {
  const found: { listener: ResourceInstance; balancer: ResourceInstance }[] = [];
  for (const listener of resources(context, ...LISTENERS)) {
    const balancer = context.module.referencedResources(listener.body.value('load_balancer_arn')).find(instance => LOAD_BALANCERS.includes(instance.type));
    if (balancer) found.push({ listener, balancer });
  }
  return found;
}

const ELB_CHECKS: TerraformCheck[] = [
  {
    id: 'AWS-0047',
    run: context => listeners(context).flatMap(({ listener }) => {
      const policy = listener.body.attribute('ssl_policy');
      const value = policy && asString(policy.value);
      return value !== undefined && OUTDATED_TLS_POLICIES.has(value) ? [failure(listener.body, 'The listener uses an outdated TLS policy.', policy)] : [];
    }),
  },
  {
    id: 'AWS-0054',
    run: context => listeners(context).flatMap(({ listener, balancer }) => {
      if (loadBalancerType(balancer.body) !== 'application') return [];
      const protocol = listener.body.attribute('protocol');
      const value = protocol ? asString(protocol.value) : 'HTTP';
      if (value !== 'HTTP') return [];
      const redirects = listener.body.blocks('default_action').some(action => asString(action.value('type')) === 'redirect');
      return redirects ? [] : [failure(listener.body, 'The listener serves plain HTTP without redirecting to HTTPS.', protocol)];
    }),
  },
  each('AWS-0052', LOAD_BALANCERS, (view, context) => {
    if (loadBalancerType(view) !== 'application') return [];
    return requireBool(view, 'drop_invalid_header_fields', true, false, context, 'The load balancer passes on requests with invalid headers.');
  }),
  each('AWS-0053', LOAD_BALANCERS, (view, context) => {
    if (loadBalancerType(view) === 'gateway') return [];
    return requireBool(view, 'internal', true, false, context, 'The load balancer faces the internet.');
  }),
];

// ---- Lambda ----------------------------------------------------------------------------------

const LAMBDA_CHECKS: TerraformCheck[] = [
  each('AWS-0066', ['aws_lambda_function'], (view, context) => {
    const tracing = view.block('tracing_config');
    if (!tracing) return [failure(view, 'X-Ray tracing is off for the function.')];
    const mode = tracing.attribute('mode');
    const value = mode && asString(mode.value);
    if (mode && value === undefined) return [];
    if (value === 'Active') return [];
    return [failure(tracing, 'X-Ray tracing is off for the function.', mode, setAttribute(context, tracing, 'mode', '"Active"'))];
  }),
  each('AWS-0067', ['aws_lambda_permission'], view => {
    const principal = asString(view.value('principal'));
    if (principal === undefined || !principal.endsWith('.amazonaws.com')) return [];
    return requireSet(view, 'source_arn', 'The permission lets the service invoke the function on behalf of any source.');
  }),
];

// ---- Data and container services -------------------------------------------------------------

function hasSecretName(json: unknown): boolean {
  if (!Array.isArray(json)) return false;
  const sensitive = /pass(?:word|wd)?|secret|token|api_?key|private_?key|credential/i;
  return json.some(container => {
    const environment = (container as { environment?: unknown })?.environment;
    return Array.isArray(environment) && environment.some(entry => typeof (entry as { name?: unknown })?.name === 'string' && sensitive.test((entry as { name: string }).name));
  });
}

const DATA_CHECKS: TerraformCheck[] = [
  nestedTrue('AWS-0023', ['aws_dax_cluster'], 'server_side_encryption', 'enabled', false, 'The DAX cluster does not encrypt data at rest.'),
  nestedTrue('AWS-0024', ['aws_dynamodb_table'], 'point_in_time_recovery', 'enabled', false, 'Point-in-time recovery is off for the table.'),
  each('AWS-0025', ['aws_dynamodb_table'], view => {
    const encryption = view.block('server_side_encryption');
    if (!encryption) return [failure(view, 'The table is not encrypted with a customer managed key.')];
    const enabled = encryption.attribute('enabled');
    if (!enabled || asBool(enabled.value) === false) return [failure(encryption, 'The table is not encrypted with a customer managed key.', enabled)];
    return requireSet(encryption, 'kms_key_arn', 'The table is not encrypted with a customer managed key.');
  }),
  nestedTrue('AWS-0030', ['aws_ecr_repository'], 'image_scanning_configuration', 'scan_on_push', false, 'Images are not scanned when they are pushed.'),
  each('AWS-0031', ['aws_ecr_repository'], (view, context) => {
    const mutability = view.attribute('image_tag_mutability');
    const value = mutability ? asString(mutability.value) : 'MUTABLE';
    if (value === undefined || value.startsWith('IMMUTABLE')) return [];
    return [failure(view, 'Image tags can be overwritten.', mutability, setAttribute(context, view, 'image_tag_mutability', '"IMMUTABLE"'))];
  }),
  each('AWS-0032', ['aws_ecr_repository_policy'], view => {
    const document = policyOf(view, 'policy');
    if (!document) return [];
    const open = document.statements.some(statement => statement.effect.toLowerCase() === 'allow' && statement.principals.includes('*'));
    return open ? [failure(view, 'The repository policy grants access to anyone.', 'policy')] : [];
  }),
  each('AWS-0033', ['aws_ecr_repository'], view => {
    const encryption = view.block('encryption_configuration');
    if (!encryption) return [failure(view, 'The repository is not encrypted with a customer managed key.')];
    const type = encryption.attribute('encryption_type');
    if (type && asString(type.value) !== undefined && asString(type.value) !== 'KMS') return [failure(encryption, 'The repository is not encrypted with a customer managed key.', type)];
    return requireSet(encryption, 'kms_key', 'The repository is not encrypted with a customer managed key.');
  }),
  each('AWS-0034', ['aws_ecs_cluster'], view => {
    const settings = view.blocks('setting').filter(setting => asString(setting.value('name')) === 'containerInsights');
    if (settings.length === 0) return [failure(view, 'Container Insights is off for the cluster.')];
    const value = settings[0].attribute('value');
    const text = value && asString(value.value);
    return text === undefined || text === 'enabled' || text === 'enhanced' ? [] : [failure(settings[0], 'Container Insights is off for the cluster.', value)];
  }),
  each('AWS-0035', ['aws_ecs_task_definition'], view => view.blocks('volume').flatMap(volume => {
    const efs = volume.block('efs_volume_configuration');
    if (!efs) return [];
    const transit = efs.attribute('transit_encryption');
    const value = transit ? asString(transit.value) : 'DISABLED';
    return value === undefined || value === 'ENABLED' ? [] : [failure(efs, 'The EFS volume is mounted without encryption in transit.', transit)];
  })),
  each('AWS-0036', ['aws_ecs_task_definition'], view => {
    const definitions = asString(view.value('container_definitions'));
    if (definitions === undefined) return [];
    let json: unknown;
    try {
      json = JSON.parse(definitions);
    } catch {
      return [];
    }
    return hasSecretName(json) ? [failure(view, 'A container\'s environment holds a password, secret or key in plain text.', 'container_definitions')] : [];
  }),
  mustBeTrue('AWS-0037', ['aws_efs_file_system'], 'encrypted', false, 'The file system is not encrypted.'),
  each('AWS-0064', ['aws_kinesis_stream'], view => {
    const type = view.attribute('encryption_type');
    const value = type ? asString(type.value) : 'NONE';
    if (value === undefined) return [];
    if (value !== 'KMS') return [failure(view, 'The stream is not encrypted.', type)];
    return requireSet(view, 'kms_key_id', 'The stream is not encrypted.');
  }),
  mustBeSet('AWS-0095', ['aws_sns_topic'], 'kms_master_key_id', 'The topic is not encrypted.'),
  each('AWS-0096', ['aws_sqs_queue'], view => {
    if (asBool(view.value('sqs_managed_sse_enabled')) === true) return [];
    return requireSet(view, 'kms_master_key_id', 'The queue is not encrypted.');
  }),
  each('AWS-0097', ['aws_sqs_queue_policy'], view => {
    const document = policyOf(view, 'policy');
    if (!document) return [];
    const wildcard = document.statements.some(statement => statement.effect.toLowerCase() === 'allow' && statement.actions.some(action => action === '*' || action === 'sqs:*'));
    return wildcard ? [failure(view, 'The queue policy allows every action.', 'policy')] : [];
  }),
  each('AWS-0135', ['aws_sqs_queue'], view => {
    const key = view.attribute('kms_master_key_id');
    if (key && asString(key.value) === 'alias/aws/sqs') return [failure(view, 'The queue is encrypted with the AWS managed key, not a customer managed one.', key)];
    if (asBool(view.value('sqs_managed_sse_enabled')) === true && !key) return [failure(view, 'The queue is encrypted with an SQS managed key, not a customer managed one.', 'sqs_managed_sse_enabled')];
    return requireSet(view, 'kms_master_key_id', 'The queue is not encrypted with a customer managed key.');
  }),
  each('AWS-0136', ['aws_sns_topic'], view => {
    const key = view.attribute('kms_master_key_id');
    if (key && asString(key.value) === 'alias/aws/sns') return [failure(view, 'The topic is encrypted with the AWS managed key, not a customer managed one.', key)];
    return requireSet(view, 'kms_master_key_id', 'The topic is not encrypted with a customer managed key.');
  }),
  each('AWS-0098', ['aws_secretsmanager_secret'], view => {
    const key = view.attribute('kms_key_id');
    if (key && asString(key.value) === 'alias/aws/secretsmanager') return [failure(view, 'The secret is encrypted with the AWS managed key, not a customer managed one.', key)];
    return requireSet(view, 'kms_key_id', 'The secret is not encrypted with a customer managed key.');
  }),
  each('AWS-0109', ['aws_workspaces_workspace'], (view, context) => [
    ...requireBool(view, 'root_volume_encryption_enabled', true, false, context, 'The workspace\'s root volume is not encrypted.'),
    ...requireBool(view, 'user_volume_encryption_enabled', true, false, context, 'The workspace\'s user volume is not encrypted.'),
  ]),
  each('AWS-0018', ['aws_codebuild_project'], view => ['artifacts', 'secondary_artifacts'].flatMap(type => view.blocks(type).flatMap(artifacts => {
    const disabled = artifacts.attribute('encryption_disabled');
    return disabled && asBool(disabled.value) === true ? [failure(artifacts, 'Encryption of the build artifacts is off.', disabled)] : [];
  }))),
  each('AWS-0019', ['aws_config_configuration_aggregator'], view => {
    const source = view.block('account_aggregation_source') ?? view.block('organization_aggregation_source');
    if (!source) return [];
    const all = source.attribute('all_regions');
    if (all && asBool(all.value) === undefined) return [];
    return all && asBool(all.value) ? [] : [failure(source, 'The aggregator does not collect from every region.', all)];
  }),
  mustBeSet('AWS-0017', ['aws_cloudwatch_log_group'], 'kms_key_id', 'The log group is not encrypted with a customer managed key.'),
  each('AWS-0020', ['aws_docdb_cluster'], view => {
    const exports = view.attribute('enabled_cloudwatch_logs_exports');
    const values = knownStrings(exports?.value);
    if (exports && values.length === 0 && exports.value !== null && !(Array.isArray(exports.value) && exports.value.length === 0)) return [];
    return values.includes('audit') || values.includes('profiler') ? [] : [failure(view, 'The cluster exports neither audit nor profiler logs.', exports)];
  }),
  mustBeTrue('AWS-0021', ['aws_docdb_cluster'], 'storage_encrypted', false, 'The cluster\'s storage is not encrypted.'),
  mustBeSet('AWS-0022', ['aws_docdb_cluster'], 'kms_key_id', 'The cluster is not encrypted with a customer managed key.'),
  each('AWS-0075', ['aws_neptune_cluster'], view => {
    const exports = view.attribute('enable_cloudwatch_logs_exports');
    if (exports && !Array.isArray(exports.value)) return [];
    return knownStrings(exports?.value).includes('audit') ? [] : [failure(view, 'The cluster does not export its audit log.', exports)];
  }),
  mustBeTrue('AWS-0076', ['aws_neptune_cluster'], 'storage_encrypted', false, 'The cluster\'s storage is not encrypted.'),
  mustBeSet('AWS-0128', ['aws_neptune_cluster'], 'kms_key_arn', 'The cluster is not encrypted with a customer managed key.'),
];

export const AWS_SERVICE_CHECKS: readonly TerraformCheck[] = [
  ...CLOUDTRAIL_CHECKS, ...KMS_EKS_CHECKS, ...RDS_CHECKS, ...ELB_CHECKS, ...LAMBDA_CHECKS, ...DATA_CHECKS,
];
