// AWS IAM checks: the account password policy, policies on users and groups, root access keys and
// over-broad policies.
import type { BlockView, ResourceInstance } from '../evaluate';
import {
  asNumber, asString, failure, policyOf, requireBool, resources, setAttribute, type CheckContext, type CheckFailure,
  type TerraformCheck,
} from './common';

const PASSWORD_POLICY = 'aws_iam_account_password_policy';

function passwordRequirement(id: string, name: string, message: string): TerraformCheck {
  return {
    id,
    run: context => resources(context, PASSWORD_POLICY).flatMap(policy => requireBool(policy.body, name, true, false, context, message)),
  };
}

/** A number in the password policy that must pass `good`; absent, it is 0. */
function passwordNumber(id: string, name: string, good: (value: number) => boolean, message: string, safeValue: string): TerraformCheck {
  return {
    id,
    run(context) {
      const failures: CheckFailure[] = [];
      for (const policy of resources(context, PASSWORD_POLICY)) {
        const attribute = policy.body.attribute(name);
        const value = attribute ? asNumber(attribute.value) : 0;
        if (value === undefined || good(value)) continue;
        failures.push(failure(policy.body, message, attribute, setAttribute(context, policy.body, name, safeValue)));
      }
      return failures;
    },
  };
}

/** Whether a policy (JSON text or an aws_iam_policy_document, with the documents it merges) requires MFA. */
function requiresMfa(view: BlockView, name: string, depth = 0): boolean | undefined {
  const value = view.value(name);
  const text = asString(value);
  if (text !== undefined) return text.includes('aws:MultiFactorAuthPresent');
  const documents = view.module.referencedResources(value).filter(instance => instance.type === 'aws_iam_policy_document');
  if (documents.length === 0) return undefined;
  return documents.some(document => documentRequiresMfa(document, depth));
}

function documentRequiresMfa(document: ResourceInstance, depth: number): boolean {
  if (depth > 5) return false;
  const body = document.body;
  for (const statement of body.blocks('statement')) {
    if (statement.blocks('condition').some(condition => asString(condition.value('variable')) === 'aws:MultiFactorAuthPresent')) return true;
  }
  for (const name of ['source_json', 'override_json']) {
    if (asString(body.value(name))?.includes('aws:MultiFactorAuthPresent')) return true;
  }
  for (const name of ['source_policy_documents', 'override_policy_documents']) {
    const list = body.value(name);
    const items = Array.isArray(list) ? list : [];
    for (const item of items) {
      if (asString(item)?.includes('aws:MultiFactorAuthPresent')) return true;
      for (const inner of body.module.referencedResources(item)) {
        if (inner.type === 'aws_iam_policy_document' && documentRequiresMfa(inner, depth + 1)) return true;
      }
    }
  }
  return false;
}

function referencesGroup(context: CheckContext, attachment: ResourceInstance, group: ResourceInstance): boolean {
  const value = attachment.body.value('group');
  if (context.module.referencedResources(value).some(instance => instance.block === group.block)) return true;
  const name = asString(group.body.value('name'));
  return name !== undefined && asString(value) === name;
}

const S3_FULL_ACCESS_ARN = 'arn:aws:iam::aws:policy/AmazonS3FullAccess';

export const IAM_CHECKS: readonly TerraformCheck[] = [
  passwordNumber('AWS-0056', 'password_reuse_prevention', value => value >= 5, 'The password policy lets users reuse one of their last five passwords.', '5'),
  passwordRequirement('AWS-0058', 'require_lowercase_characters', 'The password policy does not require a lowercase letter.'),
  passwordRequirement('AWS-0059', 'require_numbers', 'The password policy does not require a number.'),
  passwordRequirement('AWS-0060', 'require_symbols', 'The password policy does not require a symbol.'),
  passwordRequirement('AWS-0061', 'require_uppercase_characters', 'The password policy does not require an uppercase letter.'),
  passwordNumber('AWS-0062', 'max_password_age', value => value > 0 && value <= 90, 'Passwords do not expire within 90 days.', '90'),
  passwordNumber('AWS-0063', 'minimum_password_length', value => value >= 14, 'The password policy allows passwords shorter than 14 characters.', '14'),
  {
    id: 'AWS-0123',
    run(context) {
      const failures: CheckFailure[] = [];
      const policies = resources(context, 'aws_iam_group_policy');
      for (const group of resources(context, 'aws_iam_group')) {
        const own = policies.filter(policy => referencesGroup(context, policy, group));
        const verdicts = own.map(policy => requiresMfa(policy.body, 'policy'));
        if (verdicts.some(verdict => verdict !== false)) continue;
        failures.push(failure(group.body, 'No policy of the group requires multi-factor authentication.'));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0141',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const key of resources(context, 'aws_iam_access_key')) {
        const user = key.body.value('user');
        const referencedUsers = context.module.referencedResources(user).filter(instance => instance.type === 'aws_iam_user');
        const names = [asString(user), ...referencedUsers.map(instance => asString(instance.body.value('name')))];
        if (names.includes('root')) failures.push(failure(key.body, 'An access key is created for the root user.', 'user'));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0143',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const policy of resources(context, 'aws_iam_user_policy', 'aws_iam_user_policy_attachment')) {
        failures.push(failure(policy.body, 'A policy is granted to a user directly rather than through a group.', 'user'));
      }
      for (const attachment of resources(context, 'aws_iam_policy_attachment')) {
        const users = attachment.body.attribute('users');
        if (users && (!Array.isArray(users.value) || users.value.length > 0)) failures.push(failure(attachment.body, 'A policy is granted to users directly rather than through a group.', users));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0345',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const policy of resources(context, 'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy')) {
        const document = policyOf(policy.body, 'policy');
        if (!document) continue;
        const broad = document.statements.some(statement =>
          statement.effect.toLowerCase() === 'allow' && statement.actions.some(action => action === 's3:*' || action === '*') && statement.resources.includes('*'));
        if (broad) failures.push(failure(policy.body, 'The policy allows every S3 action on every resource.', 'policy'));
      }
      for (const attachment of resources(context, 'aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment')) {
        const arn = attachment.body.attribute('policy_arn');
        if (arn && asString(arn.value) === S3_FULL_ACCESS_ARN) failures.push(failure(attachment.body, 'The AmazonS3FullAccess managed policy is attached.', arn));
      }
      return failures;
    },
  },
  {
    id: 'AWS-0057',
    run(context) {
      const failures: CheckFailure[] = [];
      for (const policy of resources(context, 'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy')) {
        const document = policyOf(policy.body, 'policy');
        if (!document) continue;
        const wildcard = document.statements.some(statement => statement.effect.toLowerCase() === 'allow'
          && (statement.actions.some(action => action.includes('*')) || statement.resources.includes('*')));
        if (wildcard) failures.push(failure(policy.body, 'The policy grants actions or resources by wildcard.', 'policy'));
      }
      return failures;
    },
  },
];

