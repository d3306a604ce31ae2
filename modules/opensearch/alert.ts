import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import type { AlertState } from '../../functions/opensearch-bootstrap/contract';
import { deployEnvironment } from '../common/environment';
import { policyDocument, trustPolicy, type PolicyStatement } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { failFor, isLiteral } from '../common/validation';

export interface OpenSearchAlertTopicProps {
  /** SNS topic name (also names the role OpenSearch assumes: `<name>-publisher`). */
  readonly name: string;
  /** More than this many ELB 5xx in 5 minutes raise the alert. @default 10 */
  readonly threshold?: number;
  /** KMS key of the topic. @default the AWS managed key `alias/aws/sns` */
  readonly kmsKeyArn?: string;
  readonly tags?: Record<string, string>;
}

export const OPENSEARCH_ALERT_DEFAULTS = { threshold: 10, kmsKeyId: 'alias/aws/sns' } as const;

/**
 * Where the bootstrap's ELB 5xx monitor sends its notification: an encrypted SNS topic and the role
 * OpenSearch's notifications plugin assumes to publish to it (trusting `es.amazonaws.com` from this
 * account only, allowed `sns:Publish` on this topic only). `alert` is `desiredState.alert`; subscribe
 * people or chat to the topic.
 */
export class OpenSearchAlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly role: IamRole;
  /** `desiredState.alert` of `OpenSearchBootstrap`. */
  readonly alert: AlertState;

  constructor(scope: Construct, id: string, p: OpenSearchAlertTopicProps) {
    super(scope, id);
    useStableLogicalIds(this);
    const fail = failFor('OpenSearchAlertTopic');
    if (isLiteral(p.name) && !/^[A-Za-z0-9_-]{1,246}$/.test(p.name)) fail(`name must be 1..246 of A-Z, a-z, 0-9, "-", "_", got "${p.name}"`);
    const threshold = p.threshold ?? OPENSEARCH_ALERT_DEFAULTS.threshold;
    if (!Number.isInteger(threshold) || threshold < 0) fail(`threshold must be a non-negative integer, got ${threshold}`);
    const env = deployEnvironment(this);

    this.topic = new SnsTopic(this, 'topic', { name: p.name, kmsMasterKeyId: p.kmsKeyArn ?? OPENSEARCH_ALERT_DEFAULTS.kmsKeyId, tags: p.tags });
    this.role = new IamRole(this, 'role', {
      name: `${p.name}-publisher`.slice(0, 64),
      description: `OpenSearch notifications publish alerts to SNS topic ${p.name}`,
      assumeRolePolicy: trustPolicy(this, 'trust', 'es.amazonaws.com', { StringEquals: { 'aws:SourceAccount': env.accountId } }),
      tags: p.tags,
    });
    const statements: PolicyStatement[] = [{ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [this.topic.arn] }];
    // A customer key must let the publisher encrypt; the AWS managed key needs no grant.
    if (p.kmsKeyArn) statements.push({ sid: 'EncryptAlerts', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [p.kmsKeyArn] });
    new IamRolePolicy(this, 'policy', { name: 'publish-alerts', role: this.role.id, policy: policyDocument(this, 'policy_document', statements) });
    this.alert = { threshold, snsTopicArn: this.topic.arn, snsRoleArn: this.role.arn };
    new TerraformOutput(this, 'topic_arn', { value: this.topic.arn, description: `SNS topic of the OpenSearch alerts (${p.name}): subscribe to it` });
  }
}
