// The secret rules: every rule of Trivy's built-in set (same IDs, categories, severities, titles
// and keywords, so ignore files, --secret-config and reports carry over), plus a few of Vigil's
// own for credentials Trivy has no rule for (marked `vigil: true`).
//
// Patterns are Vigil's own, written from the token formats. They never run over a whole file:
// the scanner finds keyword occurrences in one pass (keywords.ts) and runs a rule's pattern only
// at an occurrence, sticky, starting at most `before` characters ahead of it on the same line.
// So every quantifier is bounded and no two adjacent quantifiers accept the same characters:
// each attempt costs a bounded number of steps, and a file's scan stays linear.
// `private-key` and `jwt-token` have hand-written matchers (secret-scanner.ts) because their
// secrets have no useful length bound.
import type { Rule, Severity } from '../types';

export interface SecretRuleSpec {
  id: string;
  category: string;
  title: string;
  severity: Severity;
  /** Trivy's keywords: the rule runs only where one occurs (ASCII case-insensitive). */
  keywords: readonly string[];
  /**
   * The pattern (JavaScript syntax), tried sticky at each keyword occurrence. A named group
   * `secret` marks the secret; without it the whole match is the secret.
   */
  pattern?: string;
  /** `i` for a case-insensitive pattern. */
  flags?: 'i';
  /** How far before the keyword the match may start (same line). Default 0: at the keyword. */
  before?: number;
  /** Only files whose root-relative path matches. */
  path?: RegExp;
  /** A rule of Vigil's own, not in Trivy's set. */
  vigil?: true;
}

/** Start of a token: not preceded by a letter or digit (Trivy's `startWord`). */
const START = '(?<![0-9A-Za-z])';
/** End of a token: not followed by a letter or digit. */
const END = '(?![0-9A-Za-z])';
/** Trivy's `endSecret`: an optional quote, `.` or `,`, then white space or the end of the text. */
const END_SECRET = `["']?[.,]?(?=\\s|$)`;
const UUID_HEX = '[0-9a-h]{8}-[0-9a-h]{4}-[0-9a-h]{4}-[0-9a-h]{4}-[0-9a-h]{12}';

/**
 * `<keyword><up to 25 name characters><operator><up to 5 characters>"<secret>"`: the shape of
 * Trivy's keyed rules (`facebook_token = "..."`), case-insensitive.
 */
function keyed(keyword: string, secret: string, quoted = true): Pick<SecretRuleSpec, 'pattern' | 'flags'> {
  const quote = quoted ? `['"]` : '';
  return { pattern: `${keyword}[\\w .,-]{0,25}(?:=|>|:=|\\|\\|:|<=|=>|:).{0,5}${quote}(?<secret>${secret})${quote}`, flags: 'i' };
}

/** A token that starts with a fixed prefix (the keyword): `ghp_...`. */
function token(body: string, flags?: 'i'): Pick<SecretRuleSpec, 'pattern' | 'flags'> {
  return { pattern: `${START}(?<secret>${body})`, ...(flags ? { flags } : {}) };
}

/** The same, between quotes (Trivy requires them for these formats). */
function quotedToken(body: string, flags?: 'i'): Pick<SecretRuleSpec, 'pattern' | 'flags' | 'before'> {
  return { pattern: `['"](?<secret>${body})['"]`, before: 1, ...(flags ? { flags } : {}) };
}

/** An OpenAI key of the given prefix with the `T3BlbkFJ` marker (the keyword) inside it. */
function openAi(prefix: string): Pick<SecretRuleSpec, 'pattern' | 'before'> {
  return { pattern: `${START}(?<secret>${prefix}[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})${END}`, before: prefix.length + 200 };
}

const MAVEN_SETTINGS = /(^|\/)settings\.xml$/i;
const MAVEN_SECURITY = /(^|\/)settings-security\.xml$/i;

/** An XML element whose text is a plain secret: not empty, not `{encrypted}`, not `${property}`. */
function xmlValue(element: string): Pick<SecretRuleSpec, 'pattern'> {
  return { pattern: `<${element}>[ \\t]{0,40}(?<secret>[^<>\\s{}$][^<>\\s]{0,199})[ \\t]{0,40}</${element}>` };
}

export const SECRET_RULE_SPECS: readonly SecretRuleSpec[] = [
  { id: 'aws-access-key-id', category: 'AWS', severity: 'CRITICAL', title: 'AWS Access Key ID',
    keywords: ['AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'],
    pattern: `${START}(?<secret>(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16})${END_SECRET}` },
  // Trivy asks for an `aws` prefix; Vigil also takes `secret_key`/`secret_access_key` alone
  // (Terraform's aws provider block names it so).
  { id: 'aws-secret-access-key', category: 'AWS', severity: 'CRITICAL', title: 'AWS Secret Access Key', keywords: ['key'],
    pattern: `["']?(?:aws_?(?:sec(?:ret)?)?_?(?:access)?_?|sec(?:ret)?_?(?:access)?_?)key["']?[ \\t]{0,10}(?::|=>|=)?[ \\t]{0,10}["']?(?<secret>[A-Za-z0-9/+=]{40})${END_SECRET}`,
    flags: 'i', before: 20 },
  { id: 'github-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub Personal Access Token', keywords: ['ghp_'], ...token('ghp_[0-9a-zA-Z]{36}') },
  { id: 'github-oauth', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub OAuth Access Token', keywords: ['gho_'], ...token('gho_[0-9a-zA-Z]{36}') },
  // Classic, and the stateless installation token (`ghs_<id>_<JWT>`).
  { id: 'github-app-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub App Token', keywords: ['ghu_', 'ghs_'],
    ...token('(?:ghu|ghs)_[0-9a-zA-Z]{36}|ghs_[0-9]{1,20}_ey[A-Za-z0-9_-]{10,2000}\\.ey[A-Za-z0-9_-]{10,8000}\\.[A-Za-z0-9_-]{10,2000}') },
  { id: 'github-refresh-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub Refresh Token', keywords: ['ghr_'], ...token('ghr_[0-9a-zA-Z]{76}') },
  { id: 'github-fine-grained-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub Fine-grained personal access tokens', keywords: ['github_pat_'],
    pattern: 'github_pat_[a-zA-Z0-9]{22}_[a-zA-Z0-9]{59}' },
  { id: 'gitlab-pat', category: 'GitLab', severity: 'CRITICAL', title: 'GitLab Personal Access Token', keywords: ['glpat-'], ...token('glpat-[0-9a-zA-Z_-]{20}') },
  { id: 'hugging-face-access-token', category: 'HuggingFace', severity: 'CRITICAL', title: 'Hugging Face Access Token', keywords: ['hf_'], ...token(`hf_[A-Za-z0-9]{34,40}${END}`) },
  // Matched by hand (secret-scanner.ts): BEGIN ... PRIVATE KEY, a body of base64 (or `\n`-escaped, in JSON), END.
  { id: 'private-key', category: 'AsymmetricPrivateKey', severity: 'HIGH', title: 'Asymmetric Private Key', keywords: ['-----'] },
  { id: 'shopify-token', category: 'Shopify', severity: 'HIGH', title: 'Shopify token', keywords: ['shpss_', 'shpat_', 'shpca_', 'shppa_'],
    pattern: 'shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}' },
  // The whole token, dashes included, so that all of it is masked (Trivy stops at the first dash).
  { id: 'slack-access-token', category: 'Slack', severity: 'HIGH', title: 'Slack token', keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'],
    ...token('xox[baprs]-[0-9a-zA-Z]{10,48}(?:-[0-9a-zA-Z]{1,64}){0,4}') },
  { id: 'stripe-publishable-token', category: 'Stripe', severity: 'LOW', title: 'Stripe Publishable Key', keywords: ['pk_test_', 'pk_live_'],
    ...token('pk_(?:test|live)_[0-9a-z]{10,99}', 'i') },
  { id: 'stripe-secret-token', category: 'Stripe', severity: 'CRITICAL', title: 'Stripe Secret Key', keywords: ['sk_test_', 'sk_live_'],
    ...token('sk_(?:test|live)_[0-9a-z]{10,99}', 'i') },
  { id: 'pypi-upload-token', category: 'PyPI', severity: 'HIGH', title: 'PyPI upload token', keywords: ['pypi-AgEIcHlwaS5vcmc'],
    pattern: 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}' },
  { id: 'gcp-service-account', category: 'Google', severity: 'CRITICAL', title: 'Google (GCP) Service-account', keywords: ['"type": "service_account"'],
    pattern: '"type": "service_account"' },
  { id: 'heroku-api-key', category: 'Heroku', severity: 'HIGH', title: 'Heroku API Key', keywords: ['heroku'],
    ...keyed('heroku', '[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}') },
  { id: 'slack-web-hook', category: 'Slack', severity: 'MEDIUM', title: 'Slack Webhook', keywords: ['hooks.slack.com'],
    pattern: 'https://hooks\\.slack\\.com/services/[A-Za-z0-9+/]{44,48}', before: 8 },
  { id: 'twilio-api-key', category: 'Twilio', severity: 'MEDIUM', title: 'Twilio API Key', keywords: ['SK'], ...token(`SK[0-9a-fA-F]{32}${END}`) },
  { id: 'age-secret-key', category: 'Age', severity: 'MEDIUM', title: 'Age secret key', keywords: ['AGE-SECRET-KEY-1'],
    pattern: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}' },
  { id: 'facebook-token', category: 'Facebook', severity: 'LOW', title: 'Facebook token', keywords: ['facebook'], ...keyed('facebook', '[a-f0-9]{32}') },
  { id: 'twitter-token', category: 'Twitter', severity: 'LOW', title: 'Twitter token', keywords: ['twitter'], ...keyed('twitter', '[a-f0-9]{35,44}') },
  { id: 'adobe-client-id', category: 'Adobe', severity: 'LOW', title: 'Adobe Client ID (Oauth Web)', keywords: ['adobe'], ...keyed('adobe', '[a-f0-9]{32}') },
  { id: 'adobe-client-secret', category: 'Adobe', severity: 'LOW', title: 'Adobe Client Secret', keywords: ['p8e-'], pattern: 'p8e-[a-zA-Z0-9]{32}' },
  { id: 'alibaba-access-key-id', category: 'Alibaba', severity: 'HIGH', title: 'Alibaba AccessKey ID', keywords: ['LTAI'], ...token(`LTAI[a-zA-Z0-9]{20}${END}`) },
  { id: 'alibaba-secret-key', category: 'Alibaba', severity: 'HIGH', title: 'Alibaba Secret Key', keywords: ['alibaba'], ...keyed('alibaba', '[a-z0-9]{30}') },
  { id: 'asana-client-id', category: 'Asana', severity: 'MEDIUM', title: 'Asana Client ID', keywords: ['asana'], ...keyed('asana', '[0-9]{16}') },
  { id: 'asana-client-secret', category: 'Asana', severity: 'MEDIUM', title: 'Asana Client Secret', keywords: ['asana'], ...keyed('asana', '[a-z0-9]{32}') },
  { id: 'atlassian-api-token', category: 'Atlassian', severity: 'HIGH', title: 'Atlassian API token', keywords: ['atlassian'], ...keyed('atlassian', '[a-z0-9]{24}') },
  { id: 'bitbucket-client-id', category: 'Bitbucket', severity: 'HIGH', title: 'Bitbucket client ID', keywords: ['bitbucket'], ...keyed('bitbucket', '[a-z0-9]{32}') },
  { id: 'bitbucket-client-secret', category: 'Bitbucket', severity: 'HIGH', title: 'Bitbucket client secret', keywords: ['bitbucket'], ...keyed('bitbucket', '[a-z0-9_-]{64}') },
  { id: 'beamer-api-token', category: 'Beamer', severity: 'LOW', title: 'Beamer API token', keywords: ['beamer'], ...keyed('beamer', 'b_[a-z0-9=_-]{44}') },
  { id: 'clojars-api-token', category: 'Clojars', severity: 'MEDIUM', title: 'Clojars API token', keywords: ['CLOJARS_'], pattern: 'CLOJARS_[a-zA-Z0-9]{60}' },
  { id: 'contentful-delivery-api-token', category: 'ContentfulDelivery', severity: 'LOW', title: 'Contentful delivery API token', keywords: ['contentful'],
    ...keyed('contentful', '[a-z0-9=_-]{43}') },
  { id: 'databricks-api-token', category: 'Databricks', severity: 'MEDIUM', title: 'Databricks API token', keywords: ['dapi'], ...token(`dapi[a-h0-9]{32}${END}`) },
  { id: 'discord-api-token', category: 'Discord', severity: 'MEDIUM', title: 'Discord API key', keywords: ['discord'], ...keyed('discord', '[a-h0-9]{64}') },
  { id: 'discord-client-id', category: 'Discord', severity: 'MEDIUM', title: 'Discord client ID', keywords: ['discord'], ...keyed('discord', '[0-9]{18}') },
  { id: 'discord-client-secret', category: 'Discord', severity: 'MEDIUM', title: 'Discord client secret', keywords: ['discord'], ...keyed('discord', '[a-z0-9=_-]{32}') },
  { id: 'doppler-api-token', category: 'Doppler', severity: 'MEDIUM', title: 'Doppler API token', keywords: ['dp.pt.'], ...quotedToken('dp\\.pt\\.[a-zA-Z0-9]{43}') },
  { id: 'dropbox-api-secret', category: 'Dropbox', severity: 'HIGH', title: 'Dropbox API secret/key', keywords: ['dropbox'], ...keyed('dropbox', '[a-z0-9]{15}') },
  { id: 'dropbox-short-lived-api-token', category: 'Dropbox', severity: 'HIGH', title: 'Dropbox short lived API token', keywords: ['dropbox'],
    ...keyed('dropbox', 'sl\\.[a-z0-9=_-]{135}') },
  { id: 'dropbox-long-lived-api-token', category: 'Dropbox', severity: 'HIGH', title: 'Dropbox long lived API token', keywords: ['dropbox'],
    ...keyed('dropbox', '[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}') },
  { id: 'duffel-api-token', category: 'Duffel', severity: 'LOW', title: 'Duffel API token', keywords: ['duffel_test_', 'duffel_live_'],
    ...quotedToken('duffel_(?:test|live)_[a-zA-Z0-9_-]{43}') },
  { id: 'dynatrace-api-token', category: 'Dynatrace', severity: 'MEDIUM', title: 'Dynatrace API token', keywords: ['dt0c01.'],
    ...quotedToken('dt0c01\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{64}') },
  { id: 'easypost-api-token', category: 'Easypost', severity: 'LOW', title: 'EasyPost API token', keywords: ['EZAK', 'EZAT'], ...quotedToken('EZ[AT]K[a-zA-Z0-9]{54}') },
  { id: 'fastly-api-token', category: 'Fastly', severity: 'MEDIUM', title: 'Fastly API token', keywords: ['fastly'], ...keyed('fastly', '[a-z0-9=_-]{32}') },
  { id: 'finicity-client-secret', category: 'Finicity', severity: 'MEDIUM', title: 'Finicity client secret', keywords: ['finicity'], ...keyed('finicity', '[a-z0-9]{20}') },
  { id: 'finicity-api-token', category: 'Finicity', severity: 'MEDIUM', title: 'Finicity API token', keywords: ['finicity'], ...keyed('finicity', '[a-f0-9]{32}') },
  { id: 'flutterwave-public-key', category: 'Flutterwave', severity: 'MEDIUM', title: 'Flutterwave public/secret key', keywords: ['FLWSECK_TEST-', 'FLWPUBK_TEST-'],
    ...token('FLW(?:SEC|PUB)K_TEST-[a-h0-9]{32}-X', 'i') },
  { id: 'flutterwave-enc-key', category: 'Flutterwave', severity: 'MEDIUM', title: 'Flutterwave encrypted key', keywords: ['FLWSECK_TEST'],
    ...token('FLWSECK_TEST[a-h0-9]{12}', 'i') },
  { id: 'frameio-api-token', category: 'Frameio', severity: 'LOW', title: 'Frame.io API token', keywords: ['fio-u-'], pattern: 'fio-u-[a-zA-Z0-9_=-]{64}' },
  { id: 'gocardless-api-token', category: 'GoCardless', severity: 'MEDIUM', title: 'GoCardless API token', keywords: ['live_'], ...quotedToken('live_[a-zA-Z0-9_=-]{40}') },
  { id: 'grafana-api-token', category: 'Grafana', severity: 'MEDIUM', title: 'Grafana API token', keywords: ['eyJrIjoi'], pattern: 'eyJrIjoi[a-zA-Z0-9_=-]{72,92}' },
  { id: 'hashicorp-tf-api-token', category: 'HashiCorp', severity: 'MEDIUM', title: 'HashiCorp Terraform user/org API token', keywords: ['atlasv1.'],
    pattern: `['"](?<secret>[a-zA-Z0-9]{14}\\.atlasv1\\.[a-zA-Z0-9_=-]{60,70})['"]`, before: 15 },
  { id: 'hubspot-api-token', category: 'HubSpot', severity: 'LOW', title: 'HubSpot API token', keywords: ['hubspot'], ...keyed('hubspot', UUID_HEX) },
  { id: 'intercom-api-token', category: 'Intercom', severity: 'LOW', title: 'Intercom API token', keywords: ['intercom'], ...keyed('intercom', '[a-z0-9=_]{60}') },
  { id: 'intercom-client-secret', category: 'Intercom', severity: 'LOW', title: 'Intercom client secret/ID', keywords: ['intercom'], ...keyed('intercom', UUID_HEX) },
  // Trivy's rule has no severity, which its reports show as UNKNOWN.
  { id: 'ionic-api-token', category: 'Ionic', severity: 'UNKNOWN', title: 'Ionic API token', keywords: ['ionic'], ...keyed('ionic', 'ion_[a-z0-9]{42}') },
  // Matched by hand (secret-scanner.ts): header.payload.signature around the `.eyJ` keyword.
  { id: 'jwt-token', category: 'JWT', severity: 'MEDIUM', title: 'JWT token', keywords: ['.eyJ'] },
  { id: 'linear-api-token', category: 'Linear', severity: 'MEDIUM', title: 'Linear API token', keywords: ['lin_api_'], pattern: 'lin_api_[a-zA-Z0-9]{40}' },
  { id: 'linear-client-secret', category: 'Linear', severity: 'MEDIUM', title: 'Linear client secret/ID', keywords: ['linear'], ...keyed('linear', '[a-f0-9]{32}') },
  { id: 'lob-api-key', category: 'Lob', severity: 'LOW', title: 'Lob API Key', keywords: ['lob'], ...keyed('lob', '(?:live|test)_[a-f0-9]{35}') },
  { id: 'lob-pub-api-key', category: 'Lob', severity: 'LOW', title: 'Lob Publishable API Key', keywords: ['lob'], ...keyed('lob', '(?:test|live)_pub_[a-f0-9]{31}') },
  { id: 'mailchimp-api-key', category: 'Mailchimp', severity: 'MEDIUM', title: 'Mailchimp API key', keywords: ['mailchimp'], ...keyed('mailchimp', '[a-f0-9]{32}-us20') },
  { id: 'mailgun-token', category: 'Mailgun', severity: 'MEDIUM', title: 'Mailgun private API token', keywords: ['mailgun'], ...keyed('mailgun', '(?:pub)?key-[a-f0-9]{32}') },
  { id: 'mailgun-signing-key', category: 'Mailgun', severity: 'MEDIUM', title: 'Mailgun webhook signing key', keywords: ['mailgun'],
    ...keyed('mailgun', '[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}') },
  { id: 'mapbox-api-token', category: 'Mapbox', severity: 'MEDIUM', title: 'Mapbox API token', keywords: ['pk.'], pattern: 'pk\\.[a-z0-9]{60}\\.[a-z0-9]{22}', flags: 'i' },
  { id: 'messagebird-api-token', category: 'MessageBird', severity: 'MEDIUM', title: 'MessageBird API token', keywords: ['messagebird'], ...keyed('messagebird', '[a-z0-9]{25}') },
  { id: 'messagebird-client-id', category: 'MessageBird', severity: 'MEDIUM', title: 'MessageBird API client ID', keywords: ['messagebird'], ...keyed('messagebird', UUID_HEX) },
  { id: 'new-relic-user-api-key', category: 'NewRelic', severity: 'MEDIUM', title: 'New Relic user API Key', keywords: ['NRAK-'], ...quotedToken('NRAK-[A-Z0-9]{27}') },
  { id: 'new-relic-user-api-id', category: 'NewRelic', severity: 'MEDIUM', title: 'New Relic user API ID', keywords: ['newrelic'], ...keyed('newrelic', '[A-Z0-9]{64}') },
  { id: 'new-relic-browser-api-token', category: 'NewRelic', severity: 'MEDIUM', title: 'New Relic ingest browser API token', keywords: ['NRJS-'],
    ...quotedToken('NRJS-[a-f0-9]{19}') },
  { id: 'npm-access-token', category: 'Npm', severity: 'CRITICAL', title: 'npm access token', keywords: ['npm_'], ...quotedToken('npm_[a-zA-Z0-9]{36}') },
  { id: 'planetscale-password', category: 'Planetscale', severity: 'MEDIUM', title: 'PlanetScale password', keywords: ['pscale_pw_'], pattern: 'pscale_pw_[a-zA-Z0-9_.-]{43}' },
  { id: 'planetscale-api-token', category: 'Planetscale', severity: 'MEDIUM', title: 'PlanetScale API token', keywords: ['pscale_tkn_'], pattern: 'pscale_tkn_[a-zA-Z0-9_.-]{43}' },
  { id: 'private-packagist-token', category: 'Private Packagist', severity: 'HIGH', title: 'Private Packagist token',
    keywords: ['packagist_uut_', 'packagist_ort_', 'packagist_out_'], ...token(`packagist_(?:uut|ort|out)_[a-fA-F0-9]{68}${END}`) },
  { id: 'postman-api-token', category: 'Postman', severity: 'MEDIUM', title: 'Postman API token', keywords: ['PMAK-'], pattern: 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}' },
  { id: 'pulumi-api-token', category: 'Pulumi', severity: 'HIGH', title: 'Pulumi API token', keywords: ['pul-'], pattern: 'pul-[a-f0-9]{40}' },
  { id: 'rubygems-api-token', category: 'RubyGems', severity: 'MEDIUM', title: 'Rubygem API token', keywords: ['rubygems_'], pattern: 'rubygems_[a-f0-9]{48}' },
  { id: 'sendgrid-api-token', category: 'SendGrid', severity: 'MEDIUM', title: 'SendGrid API token', keywords: ['SG.'], pattern: 'SG\\.[a-zA-Z0-9_.-]{66}' },
  { id: 'sendinblue-api-token', category: 'Sendinblue', severity: 'LOW', title: 'Sendinblue API token', keywords: ['xkeysib-'], pattern: 'xkeysib-[a-f0-9]{64}-[a-zA-Z0-9]{16}' },
  { id: 'shippo-api-token', category: 'Shippo', severity: 'LOW', title: 'Shippo API token', keywords: ['shippo_live_', 'shippo_test_'], pattern: 'shippo_(?:live|test)_[a-f0-9]{40}' },
  { id: 'linkedin-client-secret', category: 'LinkedIn', severity: 'LOW', title: 'LinkedIn Client secret', keywords: ['linkedin'], ...keyed('linkedin', '[a-z]{16}') },
  { id: 'linkedin-client-id', category: 'LinkedIn', severity: 'LOW', title: 'LinkedIn Client ID', keywords: ['linkedin'], ...keyed('linkedin', '[a-z0-9]{14}') },
  { id: 'twitch-api-token', category: 'Twitch', severity: 'LOW', title: 'Twitch API token', keywords: ['twitch'], ...keyed('twitch', '[a-z0-9]{30}') },
  { id: 'typeform-api-token', category: 'Typeform', severity: 'LOW', title: 'Typeform API token', keywords: ['typeform'], ...keyed('typeform', 'tfp_[a-z0-9_.=-]{59}', false) },
  { id: 'dockerconfig-secret', category: 'Docker', severity: 'HIGH', title: 'Dockerconfig secret exposed', keywords: ['dockerc'],
    pattern: `\\.docker(?:configjson|cfg)["']?[ \\t]{0,5}:[ \\t]{0,5}["']?(?<secret>[A-Za-z0-9+/]{8,100000}={0,2})`, flags: 'i', before: 1 },
  { id: 'symfony-default-secret', category: 'Symfony', severity: 'HIGH', title: 'Symfony Default Secret', keywords: ['TokenIsNotSoSecret'],
    pattern: 'ThisTokenIsNotSoSecretChangeIt', before: 4 },
  { id: 'azure-storage-account-key', category: 'Azure', severity: 'CRITICAL', title: 'Azure Storage Account Key', keywords: ['AccountKey'],
    pattern: `AccountKey[ \\t]{0,3}=[ \\t]{0,3}["']?(?<secret>[A-Za-z0-9+/]{86}==)`, flags: 'i' },
  // The `sig=` of a URL that also carries a signed version (`sv=YYYY-MM-DD`) before it.
  { id: 'azure-sas-token', category: 'Azure', severity: 'HIGH', title: 'Azure Shared Access Signature Token', keywords: ['sig=', 'sv='],
    pattern: `sv=[0-9]{4}-[0-9]{2}-[0-9]{2}[^\\s"'<>]{0,400}?sig=(?<secret>[A-Za-z0-9%+/]{30,120}(?:=|%3D){0,2})`, flags: 'i' },
  { id: 'azure-devops-pat', category: 'Azure', severity: 'HIGH', title: 'Azure DevOps Personal Access Token',
    keywords: ['azure_devops', 'azuredevops', 'azure-devops', 'ado_pat', 'ado_token', 'ado-pat', 'ado-token'],
    pattern: `(?:azure[_-]?devops|ado[_-](?:pat|token))[\\w.-]{0,25}["']?[ \\t]{0,3}(?::|=)[ \\t]{0,3}["']?(?<secret>[a-z2-7]{52}|[a-zA-Z0-9]{76}AZDO[a-zA-Z0-9]{4})${END}`,
    flags: 'i' },
  { id: 'azure-entra-client-secret', category: 'Azure', severity: 'CRITICAL', title: 'Azure Entra ID Client Secret', keywords: ['8Q~'],
    pattern: `(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`, before: 3 },
  { id: 'azure-container-registry-credential', category: 'Azure', severity: 'CRITICAL', title: 'Azure Container Registry Credential', keywords: ['ACYeBjFEqg7NAAA'],
    pattern: `${START}(?<secret>[a-zA-Z0-9]{52}JQQJ99[a-zA-Z0-9]{2}ACYeBjFEqg7NAAA[a-zA-Z0-9]{9})${END}`, before: 60 },
  { id: 'azure-container-registry-password', category: 'Azure', severity: 'CRITICAL', title: 'Azure Container Registry Password', keywords: ['azurecr.io'],
    pattern: `azurecr\\.io[^\\n]{0,40}?(?:password|passwd|pwd|-p)["']?[ \\t]{0,3}[:=]?[ \\t]{0,3}["']?(?<secret>[A-Za-z0-9+/]{42}\\+ACR[A-Za-z0-9]{6}|[A-Za-z0-9+/]{32})(?![A-Za-z0-9+/])`,
    flags: 'i' },
  { id: 'azure-app-config-connection-string', category: 'Azure', severity: 'CRITICAL', title: 'Azure App Configuration Connection String', keywords: ['azconfig.io'],
    pattern: `Endpoint=https://[a-zA-Z0-9-]{1,64}\\.azconfig\\.io;Id=[^;\\s]{1,64};Secret=(?<secret>[A-Za-z0-9+/]{30,88}={0,2})`, before: 82 },
  { id: 'azure-ai-services-key', category: 'Azure', severity: 'HIGH', title: 'Azure AI Services Key', keywords: ['XJ3w3'],
    pattern: `${START}(?<secret>[a-zA-Z0-9]{52}JQQJ99[a-zA-Z0-9]{2}ACYeBjFXJ3w3[a-zA-Z0-9]{12})${END}`, before: 67 },
  { id: 'maven-settings-password', category: 'Maven', severity: 'HIGH', title: 'Maven settings.xml password', keywords: ['password'],
    path: MAVEN_SETTINGS, ...xmlValue('password'), before: 1 },
  { id: 'maven-settings-passphrase', category: 'Maven', severity: 'HIGH', title: 'Maven settings.xml passphrase', keywords: ['passphrase'],
    path: MAVEN_SETTINGS, ...xmlValue('passphrase'), before: 1 },
  { id: 'maven-settings-security-master', category: 'Maven', severity: 'HIGH', title: 'Maven settings-security.xml master password', keywords: ['master'],
    path: MAVEN_SECURITY, ...xmlValue('master'), before: 1 },
  { id: 'openai-project-api-key', category: 'OpenAI', severity: 'CRITICAL', title: 'OpenAI Project API Key', keywords: ['T3BlbkFJ'], ...openAi('sk-proj-') },
  { id: 'openai-service-account-key', category: 'OpenAI', severity: 'CRITICAL', title: 'OpenAI Service Account Key', keywords: ['T3BlbkFJ'], ...openAi('sk-svcacct-') },
  { id: 'openai-admin-api-key', category: 'OpenAI', severity: 'CRITICAL', title: 'OpenAI Admin API Key', keywords: ['T3BlbkFJ'], ...openAi('sk-admin-') },
  { id: 'openai-legacy-api-key', category: 'OpenAI', severity: 'HIGH', title: 'OpenAI Legacy User API Key', keywords: ['T3BlbkFJ'],
    pattern: `${START}(?<secret>sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${END}`, before: 23 },
  { id: 'openai-service-api-key', category: 'OpenAI', severity: 'HIGH', title: 'OpenAI Service API Key', keywords: ['T3BlbkFJ'], ...openAi('sk-service-') },
  { id: 'openai-realtime-client-secret', category: 'OpenAI', severity: 'MEDIUM', title: 'OpenAI Realtime Client Secret', keywords: ['ek_'], ...token(`ek_[A-Za-z0-9]{32}${END}`) },
  // IR@<GUID>@<resource>@<location>@<base64 key>
  { id: 'azure-data-factory-registration-key', category: 'Azure', severity: 'HIGH', title: 'Azure Data Factory Self-Hosted Integration Runtime registration key',
    keywords: ['IR@'], pattern: 'IR@[0-9a-zA-Z-]{36}@[^@\\s]{1,200}@[0-9a-zA-Z=-]{0,100}@[A-Za-z0-9+/=]{44}' },

  // Vigil's own rules, for credentials Trivy's set misses.
  { id: 'gcp-api-key', category: 'Google', severity: 'HIGH', title: 'Google API Key', keywords: ['AIza'], vigil: true,
    ...token(`AIza[0-9A-Za-z_-]{35}${END}`) },
  { id: 'database-url-password', category: 'Database', severity: 'HIGH', title: 'Password in a database connection URL', vigil: true,
    keywords: ['postgres://', 'postgresql://', 'mysql://', 'mariadb://', 'mongodb://', 'mongodb+srv://', 'redis://', 'rediss://', 'amqp://', 'amqps://', 'mssql://', 'sqlserver://'],
    pattern: `(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^\\s:@/'"]{0,128}:(?<secret>[^\\s:@/'"\${}<>]{4,128})@[A-Za-z0-9.-]{1,253}`, flags: 'i' },
  // Docker's config.json: "auth" is base64 of user:password (checked in secret-scanner.ts).
  { id: 'docker-registry-auth', category: 'Docker', severity: 'HIGH', title: 'Docker registry credentials (config.json auth)', vigil: true,
    keywords: ['"auth"'], pattern: `"auth"[ \\t]{0,5}:[ \\t]{0,5}"(?<secret>[A-Za-z0-9+/]{8,2000}={0,2})"` },
];

export const SECRET_REMEDIATION = 'Revoke this secret, then load it from the environment or a secret store instead of the file.';

/** The secret rules as the rule table shows them. */
export const SECRET_RULE_TABLE: readonly Rule[] = SECRET_RULE_SPECS.map(spec => ({
  id: spec.id,
  kind: 'secret',
  title: spec.title,
  severity: spec.severity,
  category: spec.category,
  remediation: SECRET_REMEDIATION,
}));
