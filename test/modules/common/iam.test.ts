import { expect } from 'chai';
import { policyDocument, policyObject, trustPolicy } from '../../../modules/common/iam';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { statementsOf, synth } from '../../support/synth';

describe('common/iam: typed statements → policy JSON', () => {
  it('renders statements with Sid, Allow by default, single values unwrapped', () => {
    // Given two statements, one with a condition
    const doc = policyObject([
        { sid: 'Write', actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: ['arn:aws:kinesis:eu-west-1:1:stream/s'] },
        { sid: 'Key', actions: ['kms:GenerateDataKey'], resources: ['arn:k'], conditions: { StringEquals: { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' } } },
      ]);
    // Then the document is the IAM shape
    expect(doc).to.deep.equal({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Write', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: 'arn:aws:kinesis:eu-west-1:1:stream/s' },
        { Sid: 'Key', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: 'arn:k', Condition: { StringEquals: { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' } } },
      ],
    });
  });

  it('refuses a wildcard resource without a reason naming the API', () => {
    expect(() => policyObject([{ sid: 'Eni', actions: ['ec2:DescribeSubnets'], resources: ['*'] }])).to.throw(
      /Eni: wildcard action or resource needs a wildcardReason/,
    );
  });

  it('refuses a service-wide action without a reason', () => {
    expect(() => policyObject([{ sid: 'All', actions: ['s3:*'], resources: ['arn:aws:s3:::b'] }])).to.throw(/All: wildcard/);
  });

  it('accepts a wildcard when the reason is given', () => {
    const doc = policyObject([{ sid: 'Eni', actions: ['ec2:DescribeSubnets'], resources: ['*'], wildcardReason: 'no resource-level permissions' }]);
    expect((doc.Statement as { Resource: string }[])[0].Resource).to.equal('*');
  });

  it('refuses duplicate sids, non-alphanumeric sids, empty lists and malformed actions', () => {
    const ok = { sid: 'A', actions: ['s3:GetObject'], resources: ['arn:b'] };
    expect(() => policyObject([ok, ok])).to.throw(/duplicate sid "A"/);
    expect(() => policyObject([{ ...ok, sid: 'a-b' }])).to.throw(/sid "a-b" must be letters and digits/);
    expect(() => policyObject([{ ...ok, actions: [] }])).to.throw(/A: actions must not be empty/);
    expect(() => policyObject([{ ...ok, resources: [] }])).to.throw(/A: resources must not be empty/);
    expect(() => policyObject([{ ...ok, actions: ['GetObject'] }])).to.throw(/malformed action "GetObject"/);
    expect(() => policyObject([])).to.throw(/at least one statement/);
  });

  it('renders a policy document data source with principals and conditions as blocks', () => {
    // Given a resource-policy statement with a principal and two condition operators
    let ref = '';
    const tf = synth((scope) => {
      ref = policyDocument(scope, 'doc', [
        {
          sid: 'Allow',
          principals: { AWS: ['111111111111', '222222222222'] },
          actions: ['logs:PutSubscriptionFilter'],
          resources: ['arn:dest'],
          conditions: { StringEquals: { 'aws:SourceAccount': ['1', '2'] }, Bool: { 'aws:SecureTransport': 'true' } },
        },
      ]);
    });
    // Then the data source holds the statement as structured blocks
    expect(ref).to.match(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    const s = statementsOf(tf, '${data.aws_iam_policy_document.doc.json}');
    expect(s.Allow).to.deep.equal({
      sid: 'Allow',
      effect: 'Allow',
      actions: ['logs:PutSubscriptionFilter'],
      resources: ['arn:dest'],
      principals: { AWS: ['111111111111', '222222222222'] },
      conditions: { StringEquals: { 'aws:SourceAccount': ['1', '2'] }, Bool: { 'aws:SecureTransport': ['true'] } },
    });
  });

  it('without a scope, renders a jsonencode expression (HCL-safe) of the same document', () => {
    // Given a statement holding a reference
    const tf = synth((scope) => {
      const bucketArn = new TerraformVariable(scope, 'bucket_arn', { type: 'string' }).stringValue;
      const doc = policyDocument([{ sid: 'Read', actions: ['s3:GetObject'], resources: [`${bucketArn}/*`] }]);
      new TerraformOutput(scope, 'doc', { value: doc });
    });
    const value = String(tf.output?.doc.value);
    // Then it is a jsonencode call over the HCL object of the policy
    expect(value).to.equal(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "Read", "Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = "${var.bucket_arn}/*"}]})}',
    );
  });

  it('refuses an invalid statement in a document before creating anything', () => {
    expect(() => synth((scope) => policyDocument(scope, 'doc', [{ sid: 'X', actions: ['*'], resources: ['arn:x'] }]))).to.throw(
      /X: wildcard/,
    );
  });

  it('builds a service trust policy with conditions', () => {
    const tf = synth((scope) => trustPolicy(scope, 'trust', 'logs.amazonaws.com', { StringEquals: { 'aws:SourceAccount': '123456789012' } }));
    const s = statementsOf(tf, '${data.aws_iam_policy_document.trust.json}');
    expect(s).to.deep.equal({
      AssumeRole: {
        sid: 'AssumeRole',
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        resources: [],
        principals: { Service: ['logs.amazonaws.com'] },
        conditions: { StringEquals: { 'aws:SourceAccount': ['123456789012'] } },
      },
    });
  });
});
