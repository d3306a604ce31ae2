import { expect } from 'chai';
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { useStableLogicalIds } from '../../../modules/common/logical-ids';
import { resourcesOf, synth } from '../../support/synth';

class OptedIn extends Construct {
  constructor(scope: Construct, id: string, build: (self: Construct) => void) {
    super(scope, id);
    useStableLogicalIds(this);
    build(this);
  }
}

describe('common/logical-ids: readable ids under opted-in constructs', () => {
  it('joins the construct path below the stack with "_" and leaves other elements to cdktf', () => {
    // Given a queue nested two levels under an opted-in construct, and one outside it
    const tf = synth((scope) => {
      new OptedIn(scope, 'my-module', (self) => {
        const inner = new Construct(self, 'inner');
        const q = new SqsQueue(inner, 'queue', { name: 'a' });
        new TerraformOutput(self, 'queue_url', { value: q.url });
      });
      new SqsQueue(new Construct(scope, 'plain'), 'queue', { name: 'b' });
    });
    // Then the opted-in ids are readable paths, and references use them
    const ids = Object.keys(resourcesOf(tf, 'aws_sqs_queue'));
    expect(ids).to.include('my_module_inner_queue');
    expect(ids.find((i) => i !== 'my_module_inner_queue')).to.match(/^plain_queue_[0-9A-F]{8}$/);
    expect(tf.output?.my_module_queue_url.value).to.equal('${aws_sqs_queue.my_module_inner_queue.url}');
  });

  it('refuses two construct paths that map to the same id of the same kind', () => {
    expect(() =>
      synth((scope) => {
        new OptedIn(scope, 'm', (self) => {
          new SqsQueue(self, 'a-b', { name: 'x' });
          new SqsQueue(self, 'a_b', { name: 'y' });
        });
      }),
    ).to.throw(/Terraform logical id "m_a_b" is claimed by both .*m\/a-b and .*m\/a_b/);
  });
});
