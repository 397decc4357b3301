// AWS EC2 checks: instances, launch configurations and templates, EBS volumes, security groups,
// network ACLs, subnets and VPCs.
import type { BlockView } from '../evaluate';
import {
  asBool, asNumber, asString, failure, findRelated, insertInBlock, isPublicCidr, knownStrings, requireBool, requireSet, resources, setAttribute,
  type CheckContext, type CheckFailure, type CheckFix, type TerraformCheck,
} from './common';

/** `http_tokens = "required"` in metadata_options, unless the metadata endpoint is off. */
function requireImdsTokens(context: CheckContext, view: BlockView, message: string): CheckFailure[] {
  const options = view.block('metadata_options');
  if (!options) {
    const text = context.texts.get(view.file);
    const fix: CheckFix | undefined = text === undefined ? undefined
      : insertInBlock(text, view, ['metadata_options {', '  http_tokens = "required"', '}'], 'Require session tokens for the instance metadata service', false);
    return [failure(view, message, undefined, fix)];
  }
  const endpoint = options.value('http_endpoint');
  if (endpoint !== undefined && asString(endpoint) === 'disabled') return [];
  const tokens = options.attribute('http_tokens');
  if (!tokens) return [failure(options, message, undefined, setAttribute(context, options, 'http_tokens', '"required"', false))];
  const value = asString(tokens.value);
  if (value === undefined || value === 'required') return [];
  return [failure(options, message, tokens, setAttribute(context, options, 'http_tokens', '"required"', false))];
}

/** Block devices (`root_block_device`, `ebs_block_device`) written without `encrypted = true`. */
function unencryptedDevices(context: CheckContext, view: BlockView, message: string): CheckFailure[] {
  return ['root_block_device', 'ebs_block_device'].flatMap(type => view.blocks(type).flatMap(device => requireBool(device, 'encrypted', true, false, context, message)));
}

/** User data as text: `user_data`, or `user_data_base64` decoded. */
function userData(view: BlockView): { text: string; attribute: string } | undefined {
  const plain = asString(view.value('user_data'));
  if (plain !== undefined) return { text: plain, attribute: 'user_data' };
  const encoded = asString(view.value('user_data_base64'));
  if (encoded !== undefined) return { text: Buffer.from(encoded, 'base64').toString('utf8'), attribute: 'user_data_base64' };
  return undefined;
}

const AWS_ACCESS_KEY = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b/;
const AWS_SECRET_KEY = /aws_?secret_?access_?key[^\n]{0,10}?[=:][ \t'"]{0,5}[A-Za-z0-9/+]{40}/i;

function hasAwsCredentials(text: string): boolean {
  return AWS_ACCESS_KEY.test(text) || AWS_SECRET_KEY.test(text);
}

/** Variable names in user data that hold secrets. */
const SENSITIVE_NAME = /(?:password|passwd|secret|token|api_?key|private_?key|access_?key)[A-Za-z0-9_]{0,40}[ \t]{0,5}=/i;

function secretsInUserData(type: string, id: string, message: string, test: (text: string) => boolean): TerraformCheck {
  return {
    id,
    run(context) {
      const failures: CheckFailure[] = [];
      for (const instance of resources(context, type)) {
        const data = userData(instance.body);
        if (data && test(data.text)) failures.push(failure(instance.body, message, data.attribute));
      }
      return failures;
    },
  };
}

/** A from/to port range; a missing bound is 0, as the provider has it. */
function portRange(view: BlockView): [number, number] | undefined {
  const from = view.value('from_port');
  const to = view.value('to_port');
  const low = from === undefined ? 0 : asNumber(from);
  const high = to === undefined ? 0 : asNumber(to);
  if (low === undefined || high === undefined) return undefined;
  return [low, high];
}

const ALL_PROTOCOLS = ['-1', 'all'];

/** Whether a rule reaches SSH or RDP: all protocols, or a port range that holds 22 or 3389. */
function reachesRemoteAccess(view: BlockView): boolean | undefined {
  const protocol = asString(view.value('protocol') ?? view.value('ip_protocol'));
  if (protocol !== undefined && ALL_PROTOCOLS.includes(protocol.toLowerCase())) return true;
  const range = portRange(view);
  if (!range) return undefined;
  const [low, high] = range;
  if (low === 0 && high === 0 && protocol === undefined) return undefined;
  return [22, 3389].some(port => low <= port && port <= high) || (low === 0 && high === 65535);
}

/** The CIDR attributes of a rule, whichever of the resource kinds writes it. */
function publicCidrAttribute(view: BlockView): string | undefined {
  for (const name of ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6', 'cidr_block', 'ipv6_cidr_block']) {
    if (knownStrings(view.value(name)).some(isPublicCidr)) return name;
  }
  return undefined;
}

/** The ingress or egress rules of every kind of security group resource, with the block or resource that holds each. */
function securityGroupRules(context: CheckContext, direction: 'ingress' | 'egress'): BlockView[] {
  const rules: BlockView[] = [];
  for (const group of resources(context, 'aws_security_group')) rules.push(...group.body.blocks(direction));
  for (const rule of resources(context, 'aws_security_group_rule')) {
    if (asString(rule.body.value('type')) === direction) rules.push(rule.body);
  }
  rules.push(...resources(context, direction === 'ingress' ? 'aws_vpc_security_group_ingress_rule' : 'aws_vpc_security_group_egress_rule').map(rule => rule.body));
  return rules;
}

export const EC2_CHECKS: readonly TerraformCheck[] = [
  {
    id: 'AWS-0028',
    run: context => resources(context, 'aws_instance').flatMap(instance =>
      requireImdsTokens(context, instance.body, 'The instance does not require session tokens (IMDSv2) for its metadata service.')),
  },
  {
    id: 'AWS-0130',
    run: context => resources(context, 'aws_launch_configuration', 'aws_launch_template').flatMap(instance =>
      requireImdsTokens(context, instance.body, 'The launch configuration does not require session tokens (IMDSv2) for the metadata service.')),
  },
  {
    id: 'AWS-0131',
    run: context => resources(context, 'aws_instance').flatMap(instance => unencryptedDevices(context, instance.body, 'The block device is not encrypted.')),
  },
  {
    id: 'AWS-0008',
    run: context => resources(context, 'aws_launch_configuration').flatMap(instance => unencryptedDevices(context, instance.body, 'The launch configuration\'s block device is not encrypted.')),
  },
  {
    id: 'AWS-0009',
    run: context => resources(context, 'aws_launch_configuration').flatMap(instance =>
      requireBool(instance.body, 'associate_public_ip_address', false, false, context, 'Instances of this launch configuration get a public IP address.')),
  },
  {
    id: 'AWS-0026',
    run: context => resources(context, 'aws_ebs_volume').flatMap(volume => requireBool(volume.body, 'encrypted', true, false, context, 'The EBS volume is not encrypted.')),
  },
  {
    id: 'AWS-0027',
    run: context => resources(context, 'aws_ebs_volume').flatMap(volume => requireSet(volume.body, 'kms_key_id', 'The EBS volume is not encrypted with a customer managed key.')),
  },
  secretsInUserData('aws_instance', 'AWS-0029', 'The instance\'s user data holds AWS credentials.', hasAwsCredentials),
  secretsInUserData('aws_launch_template', 'AWS-0129', 'The launch template\'s user data holds AWS credentials.', hasAwsCredentials),
  secretsInUserData('aws_launch_configuration', 'AWS-0122', 'The launch configuration\'s user data sets a password, secret or key.', text => SENSITIVE_NAME.test(text) || hasAwsCredentials(text)),
  {
    id: 'AWS-0099',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const group of resources(context, 'aws_security_group')) {
        const description = group.body.attribute('description');
        if (description && description.value === '') failures.push(failure(group.body, 'The security group has no description.', description));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0124',
    run(context) {
      const rules = [...securityGroupRules(context, 'ingress'), ...securityGroupRules(context, 'egress')];
      return rules.flatMap(rule => requireSet(rule, 'description', 'The security group rule has no description.'));
    },
  },
  {
    id: 'AWS-0104',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const rule of securityGroupRules(context, 'egress')) {
        const attribute = publicCidrAttribute(rule);
        if (attribute) failures.push(failure(rule, 'The security group rule allows egress to any IP address.', attribute));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0107',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const rule of securityGroupRules(context, 'ingress')) {
        const attribute = publicCidrAttribute(rule);
        if (attribute && reachesRemoteAccess(rule)) failures.push(failure(rule, 'The security group rule allows SSH or RDP from any IP address.', attribute));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0102',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const rule of resources(context, 'aws_network_acl_rule')) {
        const protocol = asString(rule.body.value('protocol'));
        const action = asString(rule.body.value('rule_action'));
        if (protocol !== undefined && ALL_PROTOCOLS.includes(protocol.toLowerCase()) && action?.toLowerCase() === 'allow') {
          failures.push(failure(rule.body, 'The network ACL rule allows every protocol and port.', 'protocol'));
        }
      }
      return failures;
    },
  },
  {
    id: 'AWS-0105',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const rule of resources(context, 'aws_network_acl_rule')) {
        if (asBool(rule.body.value('egress')) === true || asString(rule.body.value('rule_action'))?.toLowerCase() !== 'allow') continue;
        const attribute = publicCidrAttribute(rule.body);
        if (attribute && reachesRemoteAccess(rule.body)) failures.push(failure(rule.body, 'The network ACL rule allows SSH or RDP from any IP address.', attribute));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0101',
    run: context => resources(context, 'aws_default_vpc').map(vpc => failure(vpc.body, 'The default VPC is managed here: put workloads in a VPC of their own.')),
  },
  {
    id: 'AWS-0164',
    run: context => resources(context, 'aws_subnet').flatMap(subnet =>
      requireBool(subnet.body, 'map_public_ip_on_launch', false, false, context, 'Instances launched in the subnet get a public IP address.')),
  },
  {
    id: 'AWS-0178',
    run(context) {
      return resources(context, 'aws_vpc')
        .filter(vpc => !findRelated(context, vpc, 'aws_flow_log', 'vpc_id'))
        .map(vpc => failure(vpc.body, 'The VPC has no flow log.'));
    },
  },
];
