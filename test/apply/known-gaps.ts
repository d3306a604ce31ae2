/**
 * The one list of what moto (5.2, requirements-dev.txt) cannot do that the real AWS provider asks of
 * it. Each entry names the exact resource type and, for read-back differences, the attributes it
 * excuses; the apply suite prints every excuse it uses and fails on anything not listed here.
 * Remove an entry when moto catches up: the suite then proves the resource end to end.
 */
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
   */
  readonly kind: 'apply-error' | 'read-back';
  readonly error?: RegExp;
  readonly attributes?: readonly string[];
}

export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    id: 'cloudwatch-rpcv2-cbor',
    reason:
      "The provider's CloudWatch client (aws-sdk-go-v2 cloudwatch) speaks the Smithy RPC v2 CBOR protocol; moto serves CloudWatch over the query protocol only, so every alarm call fails.",
    resourceType: 'aws_cloudwatch_metric_alarm',
    kind: 'apply-error',
    error: /cloudwatch|CBOR|smithy|deserializ|PutMetricAlarm|DescribeAlarms/i,
  },
];

/** The gap that excuses an error of `resourceType`, if any. */
export function gapForError(resourceType: string, message: string, gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find((g) => g.kind === 'apply-error' && g.resourceType === resourceType && (g.error?.test(message) ?? false));
}

/** The gaps that excuse a second-plan change of `attribute` on `resourceType`. */
export function gapForReadBack(resourceType: string, attribute: string, gaps: readonly KnownGap[] = KNOWN_GAPS): KnownGap | undefined {
  return gaps.find((g) => g.kind === 'read-back' && g.resourceType === resourceType && (g.attributes ?? []).includes(attribute));
}
