/**
 * The one list of what moto (5.2, requirements-dev.txt) cannot do that the real AWS provider asks of
 * it. Each entry names the exact resource type and, for read-back differences, the attributes it
 * excuses; the apply suite prints every excuse it uses and fails on anything not listed here.
 * Remove an entry when moto catches up: the suite then proves the resource end to end.
 */
import { PEXIP_ENV } from '../../functions/pexip-wrangler/contract';

export interface KnownGap {
  /** Short name, printed with every excuse. */
  readonly id: string;
  /** Why it is moto's gap and not ours. */
  readonly reason: string;
  readonly resourceType: string;
  /**
   * `apply-error`: creating (or deleting) a resource of this type fails with an error matching `error`;
   * the resource stays out of the state, so the plan after apply still wants to create it.
   * `read-back`: after a successful apply, a plan wants to change `attributes` because moto returns
   * less than it stored (the value was sent; moto drops it).
   * `destroy-error`: moto cannot delete resources of this type; before destroy the suite takes them out of
   * the state (`terraform state rm`, reported), so destroy proves every other resource and its order.
   * `runtime`: after apply and the second plan, before the functions run, the suite changes what moto
   * evaluates wrongly at run time (`denyCondition`: Deny statements conditioned on that key are taken out
   * of the deployed policies of this type; `authorizedAgainstStar`: see there); terraform has already
   * created and read back the real value.
   */
  readonly kind: 'apply-error' | 'read-back' | 'runtime' | 'destroy-error';
  readonly error?: RegExp;
  readonly attributes?: readonly string[];
  /** Excuse the attributes only when the plan cannot know their new value yet (never a different known value). */
  readonly onlyUnknown?: boolean;
  readonly denyCondition?: string;
  /** `runtime` on role policies: Allow statements whose actions all have this prefix get a copy on Resource `*` in the deployed roles. */
  readonly authorizedAgainstStar?: string;
  /** `runtime`: functions whose environment sets this variable run with moto's authorization off (see the gap's reason). */
  readonly authorizationOffWhenEnv?: string;
  /** `runtime`: a function whose OpenSearch endpoint is not the test's gets the test's local node instead (see the gap's reason). */
  readonly endpointReplacedByLocalNode?: boolean;
}

export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    id: 'cloudwatch-rpcv2-cbor',
    reason:
      "The provider's CloudWatch client (aws-sdk-go-v2 cloudwatch) speaks the Smithy RPC v2 CBOR protocol; moto serves CloudWatch over the query protocol only, so every alarm call fails.",
    resourceType: 'aws_cloudwatch_metric_alarm',
    kind: 'apply-error',
    // As the provider reports it: moto answers the CBOR request 404 without the smithy-protocol header.
    error: /operation error CloudWatch: PutMetricAlarm,.*deserialization failed, unexpected smithy-protocol response header/s,
  },
  {
    id: 'query-definition-not-implemented',
    reason: "moto's CloudWatch Logs does not implement PutQueryDefinition (it answers 500), so saved Logs Insights queries cannot be created.",
    resourceType: 'aws_cloudwatch_query_definition',
    kind: 'apply-error',
    error: /operation error CloudWatch Logs: PutQueryDefinition,.*StatusCode: 500/s,
  },
  {
    id: 'athena-delete-named-query-not-implemented',
    reason:
      "moto's Athena creates named queries but does not implement DeleteNamedQuery (it answers 500), so destroy could not remove the saved Athena queries, nor the workgroup they belong to.",
    resourceType: 'aws_athena_named_query',
    kind: 'destroy-error',
  },
  {
    id: 'aoss-access-policy-not-implemented',
    reason: "moto's OpenSearch Serverless (5.2.1) implements collections, security policies and VPC endpoints but not CreateAccessPolicy (it answers 500), so the collection's data access policy cannot be created.",
    resourceType: 'aws_opensearchserverless_access_policy',
    kind: 'apply-error',
    error: /operation error OpenSearchServerless: CreateAccessPolicy,.*StatusCode: 500/s,
  },
  {
    id: 'aoss-lifecycle-policy-not-implemented',
    reason: "moto's OpenSearch Serverless (5.2.1) does not implement CreateLifecyclePolicy (it answers 500), so the collection's retention policy cannot be created.",
    resourceType: 'aws_opensearchserverless_lifecycle_policy',
    kind: 'apply-error',
    error: /operation error OpenSearchServerless: CreateLifecyclePolicy,.*StatusCode: 500/s,
  },
  {
    id: 'aoss-delete-security-policy-not-implemented',
    reason: "moto's OpenSearch Serverless (5.2.1) creates, reads and updates security policies but does not implement DeleteSecurityPolicy (it answers 500), so destroy could not remove the encryption and network policies.",
    resourceType: 'aws_opensearchserverless_security_policy',
    kind: 'destroy-error',
  },
  {
    id: 'lambda-invoke-needs-docker',
    reason:
      "moto's Lambda runs invoked functions in Docker, which the test machine does not have, so the OpenSearch bootstrap's aws_lambda_invocation fails; the bootstrap's convergence is proven against the real local node by its own tests (test/functions/opensearch-bootstrap) and the e2e suite.",
    resourceType: 'aws_lambda_invocation',
    kind: 'apply-error',
    error: /invoking Lambda Function .*error running docker/s,
  },
  {
    id: 'subscription-distribution',
    reason: 'moto stores a subscription filter without its distribution and reads back ByLogStream; the provider sent Random.',
    resourceType: 'aws_cloudwatch_log_subscription_filter',
    kind: 'read-back',
    attributes: ['distribution'],
  },
  {
    id: 'lambda-logging-config',
    reason: "moto's Lambda ignores LoggingConfig (JSON format, log levels, log group) and reads back none.",
    resourceType: 'aws_lambda_function',
    kind: 'read-back',
    attributes: ['logging_config'],
  },
  {
    id: 'kinesis-tags-at-create',
    reason: "moto's Kinesis drops the tags sent with CreateStream (the provider's default_tags), so tags_all reads back empty.",
    resourceType: 'aws_kinesis_stream',
    kind: 'read-back',
    attributes: ['tags_all'],
  },
  {
    id: 's3-control-tags-at-create',
    reason:
      "The provider tags a bucket through S3 Control (TagResource, read back with ListTagsForResource); moto's S3 Control returns no tags for it, so tags_all (the provider's default_tags) and tags (a module's `tags` input) read back empty.",
    resourceType: 'aws_s3_bucket',
    kind: 'read-back',
    attributes: ['tags', 'tags_all'],
  },
  {
    id: 'bucket-notification-eventbridge',
    reason: "moto stores the bucket notification's EventBridgeConfiguration but does not return it from GetBucketNotificationConfiguration.",
    resourceType: 'aws_s3_bucket_notification',
    kind: 'read-back',
    attributes: ['eventbridge'],
  },
  {
    id: 'policy-after-pending-read-back',
    reason:
      'A policy document that names a resource with a pending (read-back) change, such as the stream above, is read again at apply, so the role policy shows as known only after apply. A different known policy is not excused.',
    resourceType: 'aws_iam_role_policy',
    kind: 'read-back',
    attributes: ['policy'],
    onlyUnknown: true,
  },
  {
    id: 'bucket-policy-after-pending-read-back',
    reason:
      'A policy document that names a resource with a pending (read-back) change, such as a bucket above, is read again at apply, so the bucket policy shows as known only after apply. A different known policy is not excused.',
    resourceType: 'aws_s3_bucket_policy',
    kind: 'read-back',
    attributes: ['policy'],
    onlyUnknown: true,
  },
  {
    id: 'authorization-resource-star',
    reason:
      "With authorization on, moto checks CloudWatch Logs requests (like those of every service but S3, SQS, IAM and STS) against the resource '*' instead of the log group's ARN, so a statement scoped to the stack's log groups never matches. The action names are still checked.",
    resourceType: 'aws_iam_role_policy',
    kind: 'runtime',
    authorizedAgainstStar: 'logs:',
  },
  {
    id: 's3-signature-keys-with-equals',
    reason:
      "With authorization on, moto's S3 recomputes the SigV4 signature of an object key containing '=' differently from the SDK and answers SignatureDoesNotMatch to a valid request (test/apply/moto-iam.test.ts shows it). The Pexip export writes Hive-style partition keys (`year=YYYY/month=MM/day=DD/`), so a wrangler with the export on runs with authorization off: its IAM actions are not checked at run time.",
    resourceType: 'aws_lambda_function',
    kind: 'runtime',
    authorizationOffWhenEnv: PEXIP_ENV.exportBucket,
  },
  {
    id: 'opensearch-domain-without-cluster',
    reason:
      "moto's OpenSearch Service keeps a domain's configuration but runs no cluster behind its endpoint, so a stack that creates its domain gives its functions an endpoint nothing answers; for the run they get the local OpenSearch node (through the SigV4-verifying proxy) instead. Terraform has created and read back the real domain and the functions' real environment.",
    resourceType: 'aws_opensearch_domain',
    kind: 'runtime',
    endpointReplacedByLocalNode: true,
  },
  {
    id: 'bucket-policy-conditions',
    reason:
      "moto evaluates a bucket policy's Deny statements on object writes without the request's condition keys, so the TLS-only statement (Deny s3:* when aws:SecureTransport is false) denies every PutObject, over HTTPS too; AWS denies only plain-HTTP requests.",
    resourceType: 'aws_s3_bucket_policy',
    kind: 'runtime',
    denyCondition: 'aws:SecureTransport',
  },
];

/** The gap that excuses an error of `resourceType`, if any. */
export function gapForError(resourceType: string, message: string, gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find((g) => g.kind === 'apply-error' && g.resourceType === resourceType && (g.error?.test(message) ?? false));
}

/** The gaps that excuse a second-plan change of `attribute` on `resourceType`. */
export function gapForReadBack(resourceType: string, attribute: string, newValueUnknown: boolean, gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find(
    (g) => g.kind === 'read-back' && g.resourceType === resourceType && (g.attributes ?? []).includes(attribute) && (!g.onlyUnknown || newValueUnknown),
  );
}

/** The state addresses moto cannot delete (`destroy-error` gaps), each with the gap that excuses it. */
export function undeletable(addresses: readonly string[], typeOf: (address: string) => string, gaps: readonly KnownGap[] = KNOWN_GAPS): { address: string; gap: KnownGap }[] {
  const out: { address: string; gap: KnownGap }[] = [];
  for (const address of addresses) {
    const gap = gaps.find((g) => g.kind === 'destroy-error' && g.resourceType === typeOf(address));
    if (gap) out.push({ address, gap });
  }
  return out;
}

/** The gap that makes a function with this environment run with moto's authorization off, if any. */
export function authorizationOffFor(env: Record<string, string> | undefined, gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find((g) => g.kind === 'runtime' && g.authorizationOffWhenEnv !== undefined && env?.[g.authorizationOffWhenEnv] !== undefined);
}

/** The gap that lets a function's OpenSearch endpoint be replaced by the local node, if any. */
export function endpointReplacementGap(gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find((g) => g.kind === 'runtime' && g.endpointReplacedByLocalNode);
}
