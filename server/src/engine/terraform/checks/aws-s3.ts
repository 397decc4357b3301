// AWS S3 checks. A bucket's settings come from blocks inside `aws_s3_bucket` (provider v3) or from
// the resources that name the bucket (v4 and later: aws_s3_bucket_versioning, _acl, _logging,
// _server_side_encryption_configuration, _public_access_block, _policy), matched by reference or
// by the bucket's name.
import type { BlockView, ResourceInstance } from '../evaluate';
import {
  asBool, asString, failure, findRelated, insertAfterBlock, knownStrings, requireBool, resources, type CheckContext, type CheckFailure,
  type CheckFix, type TerraformCheck,
} from './common';

const BUCKET = 'aws_s3_bucket';

function related(context: CheckContext, bucket: ResourceInstance, type: string): ResourceInstance | undefined {
  return findRelated(context, bucket, type, 'bucket', ['bucket']);
}

function publicAccessBlockOf(context: CheckContext, bucket: ResourceInstance): ResourceInstance | undefined {
  return related(context, bucket, 'aws_s3_bucket_public_access_block');
}

/** A public access block resource for a bucket, with every setting on. */
function addPublicAccessBlockFix(context: CheckContext, bucket: ResourceInstance): CheckFix | undefined {
  if (bucket.key !== undefined || bucket.block.body.attributes.some(a => a.name === 'count' || a.name === 'for_each')) return undefined;
  return insertAfterBlock(context, bucket.body, [
    `resource "aws_s3_bucket_public_access_block" "${bucket.name}" {`,
    `  bucket = ${bucket.type}.${bucket.name}.id`,
    '',
    '  block_public_acls       = true',
    '  block_public_policy     = true',
    '  ignore_public_acls      = true',
    '  restrict_public_buckets = true',
    '}',
  ], 'Add a public access block for this bucket');
}

/** One of the four public access block settings, which default to false. */
function publicAccessSetting(id: string, setting: string, missingMessage: string, message: string): TerraformCheck {
  return {
    id,
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const block = publicAccessBlockOf(context, bucket);
        if (!block) failures.push(failure(bucket.body, missingMessage, undefined, addPublicAccessBlockFix(context, bucket)));
        else failures.push(...requireBool(block.body, setting, true, false, context, message));
      }
      return failures;
    },
  };
}

/** The encryption settings block of a bucket: inline, or its own resource. */
function encryptionOf(context: CheckContext, bucket: ResourceInstance): BlockView | undefined {
  return bucket.body.block('server_side_encryption_configuration') ?? related(context, bucket, 'aws_s3_bucket_server_side_encryption_configuration')?.body;
}

function defaultEncryption(configuration: BlockView): BlockView | undefined {
  return configuration.block('rule')?.block('apply_server_side_encryption_by_default');
}

const VALID_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];

/** Versioning: enabled (undefined when unknown), and the view and attribute that say so. */
function versioningOf(context: CheckContext, bucket: ResourceInstance): { enabled: boolean | undefined; mfaDelete: boolean | undefined; view: BlockView; attribute?: string } {
  const resource = related(context, bucket, 'aws_s3_bucket_versioning');
  if (resource) {
    const configuration = resource.body.block('versioning_configuration');
    if (!configuration) return { enabled: false, mfaDelete: false, view: resource.body };
    const status = configuration.value('status');
    const mfa = configuration.value('mfa_delete');
    return {
      enabled: status === undefined ? false : asString(status) === undefined ? undefined : asString(status)!.toLowerCase() === 'enabled',
      mfaDelete: mfa === undefined ? false : asString(mfa) === undefined ? undefined : asString(mfa)!.toLowerCase() === 'enabled',
      view: configuration,
      attribute: 'status',
    };
  }
  const inline = bucket.body.block('versioning');
  if (inline) {
    const enabled = inline.value('enabled');
    const mfa = inline.value('mfa_delete');
    return { enabled: enabled === undefined ? true : asBool(enabled), mfaDelete: mfa === undefined ? false : asBool(mfa), view: inline, attribute: 'enabled' };
  }
  // Object lock keeps versions too.
  const lock = bucket.body.block('object_lock_configuration');
  if (lock) {
    const enabled = lock.value('object_lock_enabled');
    if (enabled === undefined || asString(enabled) === 'Enabled') return { enabled: true, mfaDelete: false, view: lock };
  }
  return { enabled: false, mfaDelete: false, view: bucket.body };
}

function aclOf(context: CheckContext, bucket: ResourceInstance): { acl: string | undefined; view: BlockView } {
  const own = bucket.body.attribute('acl');
  if (own) return { acl: asString(own.value), view: bucket.body };
  const resource = related(context, bucket, 'aws_s3_bucket_acl');
  if (resource) {
    const value = resource.body.value('acl');
    return { acl: value === undefined ? 'private' : asString(value), view: resource.body };
  }
  return { acl: 'private', view: bucket.body };
}

const LOG_DELIVERY_GROUP = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

/** A bucket that receives S3 access logs, which cannot use SSE-KMS. */
function isLogBucket(context: CheckContext, bucket: ResourceInstance): boolean {
  if (aclOf(context, bucket).acl?.toLowerCase() === 'log-delivery-write') return true;
  const acl = related(context, bucket, 'aws_s3_bucket_acl');
  for (const grant of acl?.body.block('access_control_policy')?.blocks('grant') ?? []) {
    const uri = asString(grant.block('grantee')?.value('uri'));
    const permission = asString(grant.value('permission'));
    if (uri === LOG_DELIVERY_GROUP && (permission === 'WRITE' || permission === 'FULL_CONTROL')) return true;
  }
  for (const grant of bucket.body.blocks('grant')) {
    if (asString(grant.value('uri')) === LOG_DELIVERY_GROUP && knownStrings(grant.value('permissions')).some(p => p === 'WRITE' || p === 'FULL_CONTROL')) return true;
  }
  const policy = related(context, bucket, 'aws_s3_bucket_policy');
  const text = asString(policy?.body.value('policy'));
  if (text) {
    try {
      const document = JSON.parse(text) as { Statement?: unknown };
      const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
      for (const statement of statements as { Effect?: string; Principal?: { Service?: unknown }; Action?: unknown }[]) {
        if (!statement || String(statement.Effect).toLowerCase() !== 'allow') continue;
        const services = ([] as unknown[]).concat(statement.Principal?.Service ?? []);
        const actions = ([] as unknown[]).concat(statement.Action ?? []);
        if (services.includes('logging.s3.amazonaws.com') && actions.some(a => String(a).toLowerCase() === 's3:putobject')) return true;
      }
    } catch {
      // not JSON: no exemption
    }
  }
  return false;
}

function loggingEnabled(context: CheckContext, bucket: ResourceInstance): boolean | undefined {
  if (bucket.body.block('logging')) return true;
  const resource = related(context, bucket, 'aws_s3_bucket_logging');
  if (resource) {
    const target = resource.body.value('target_bucket');
    return target !== undefined && target !== null && target !== '';
  }
  return false;
}

/** Whether some CloudTrail trail logs object-level events of this bucket, of the given kind. */
function objectEventsLogged(context: CheckContext, bucket: ResourceInstance, skipType: 'ReadOnly' | 'WriteOnly'): boolean | undefined {
  const name = asString(bucket.body.value('bucket'));
  let unknown = false;
  for (const trail of resources(context, 'aws_cloudtrail')) {
    for (const selector of trail.body.blocks('event_selector')) {
      const readWrite = selector.value('read_write_type');
      const type = readWrite === undefined ? 'All' : asString(readWrite);
      if (type === undefined) unknown = true;
      if (type === skipType) continue;
      for (const data of selector.blocks('data_resource')) {
        if (asString(data.value('type')) !== 'AWS::S3::Object') continue;
        const values = data.value('values');
        for (const value of knownStrings(values)) {
          if (value === 'arn:aws:s3' || (name !== undefined && value === `arn:aws:s3:::${name}/`)) return true;
        }
        if (name === undefined) unknown = true;
      }
    }
  }
  return unknown ? undefined : false;
}

export const S3_CHECKS: readonly TerraformCheck[] = [
  publicAccessSetting('AWS-0086', 'block_public_acls', 'No public access block, so public ACLs are not blocked.', 'The public access block does not block public ACLs.'),
  publicAccessSetting('AWS-0087', 'block_public_policy', 'No public access block, so public bucket policies are not blocked.', 'The public access block does not block public bucket policies.'),
  publicAccessSetting('AWS-0091', 'ignore_public_acls', 'No public access block, so public ACLs are not ignored.', 'The public access block does not ignore public ACLs.'),
  publicAccessSetting('AWS-0093', 'restrict_public_buckets', 'No public access block, so public buckets are not restricted.', 'The public access block does not restrict public buckets.'),
  {
    id: 'AWS-0094',
    run(context) {
      return resources(context, BUCKET)
        .filter(bucket => !publicAccessBlockOf(context, bucket))
        .map(bucket => failure(bucket.body, 'The bucket has no aws_s3_bucket_public_access_block.', undefined, addPublicAccessBlockFix(context, bucket)));
    },
  },
  {
    id: 'AWS-0088',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const configuration = encryptionOf(context, bucket);
        const defaults = configuration && defaultEncryption(configuration);
        if (!defaults) {
          failures.push(failure(configuration ?? bucket.body, 'The bucket has no default server-side encryption.'));
          continue;
        }
        const algorithm = defaults.attribute('sse_algorithm');
        const value = algorithm && asString(algorithm.value);
        if (!algorithm) failures.push(failure(defaults, 'The bucket has no default server-side encryption.'));
        else if (value !== undefined && !VALID_ALGORITHMS.includes(value)) failures.push(failure(defaults, 'The bucket\'s encryption algorithm is not one S3 supports.', algorithm));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0132',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        if (isLogBucket(context, bucket)) continue;
        const configuration = encryptionOf(context, bucket);
        const defaults = configuration && defaultEncryption(configuration);
        const key = defaults?.attribute('kms_master_key_id');
        if (key && key.value !== '' && key.value !== null) continue;
        failures.push(failure(key ? defaults! : defaults ?? configuration ?? bucket.body, 'The bucket does not encrypt with a customer managed KMS key.', key));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0089',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const acl = aclOf(context, bucket).acl;
        if (acl === undefined || acl === 'log-delivery-write') continue;
        if (loggingEnabled(context, bucket) === false) failures.push(failure(bucket.body, 'The bucket does not log access requests.'));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0090',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const versioning = versioningOf(context, bucket);
        if (versioning.enabled === false) failures.push(failure(versioning.view, 'Versioning is not enabled on the bucket.', versioning.attribute));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0170',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const versioning = versioningOf(context, bucket);
        if (versioning.mfaDelete === false) failures.push(failure(versioning.view, 'The bucket does not require MFA to delete object versions.', 'mfa_delete'));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0092',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const bucket of resources(context, BUCKET)) {
        const { acl, view } = aclOf(context, bucket);
        if (acl && ['public-read', 'public-read-write', 'website', 'authenticated-read'].includes(acl)) {
          failures.push(failure(view, `The bucket's ACL (${acl}) lets others read${acl === 'public-read-write' ? ' and write' : ''} its objects.`, 'acl'));
        }
      }
      return failures;
    },
  },
  {
    id: 'AWS-0171',
    run(context) {
      return resources(context, BUCKET)
        .filter(bucket => objectEventsLogged(context, bucket, 'ReadOnly') === false)
        .map(bucket => failure(bucket.body, 'No CloudTrail trail logs object-level write events of this bucket.'));
    },
  },
  {
    id: 'AWS-0172',
    run(context) {
      return resources(context, BUCKET)
        .filter(bucket => objectEventsLogged(context, bucket, 'WriteOnly') === false)
        .map(bucket => failure(bucket.body, 'No CloudTrail trail logs object-level read events of this bucket.'));
    },
  },
];
