import { Token } from 'cdktf';

/**
 * Construct id of the subscription filter of one log group: derived from the log group name
 * (`/aws/lambda/app` → `filter_aws_lambda_app`) so that adding or removing another log
 * group never renames (and so recreates) this one. Falls back to the list index for tokens.
 */
export function subscriptionId(logGroupName: string, index: number): string {
  if (Token.isUnresolved(logGroupName)) return `filter_${index}`;
  const slug = logGroupName.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `filter_${slug || index}`;
}
