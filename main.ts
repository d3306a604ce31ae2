/**
 * The example app: one stack with a LogPipeline, synthesizable as-is with no AWS credentials
 * and no network (`npm run synth`). Every value a real deployment must change is a Terraform
 * variable with a placeholder default; set them with `TF_VAR_...` or `cdktf deploy --var`.
 */
import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LogPipeline } from './modules/log-pipeline';
import { ElbProcessor } from './modules/elb-processor';

export const EXAMPLE_STACK = 'logs-to-opensearch-example';
/** Region of the example stack. A synth-time literal because the ELB bucket policy's delivery principal depends on it. */
export const EXAMPLE_REGION = 'eu-west-1';

export class ExampleStack extends TerraformStack {
  readonly pipeline: LogPipeline;
  readonly elb: ElbProcessor;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const region = new TerraformVariable(this, 'region', {
      type: 'string',
      default: EXAMPLE_REGION,
      description: `AWS region of the pipeline (same region as the OpenSearch domain and the log groups). To change it, edit EXAMPLE_REGION in main.ts and synthesize again.`,
      // The ELB bucket policy was synthesized for EXAMPLE_REGION: refuse a plan for another region instead of
      // deploying a bucket that load balancers cannot write to.
      validation: [
        {
          condition: `\${var.region == "${EXAMPLE_REGION}"}`,
          errorMessage: `This stack was synthesized for ${EXAMPLE_REGION}; edit EXAMPLE_REGION in main.ts and run npm run synth again.`,
        },
      ],
    });
    const offline = new TerraformVariable(this, 'skip_aws_validation', {
      type: 'bool',
      default: true,
      description:
        'Skip the provider credential, account-id and metadata-API checks. Default true so the example synthesizes and validates without credentials; set false (TF_VAR_skip_aws_validation=false) to plan or deploy.',
    });
    const endpoint = new TerraformVariable(this, 'opensearch_endpoint', {
      type: 'string',
      default: 'https://search-example.eu-west-1.es.amazonaws.com',
      description: 'PLACEHOLDER: HTTPS endpoint of your OpenSearch domain (Domain endpoint in the console).',
    });
    const domainArn = new TerraformVariable(this, 'opensearch_domain_arn', {
      type: 'string',
      default: 'arn:aws:es:eu-west-1:123456789012:domain/example',
      description: 'PLACEHOLDER: ARN of your OpenSearch domain; the shipper may only POST/PUT to <arn>/*.',
    });

    // cdktf's implicit local backend writes the absolute checkout path into the stack JSON; this
    // relative path (from cdktf.out/stacks/<stack>/) keeps the same state file in the project root
    // and makes the synthesized bytes independent of where the project is checked out.
    // Real deployments: replace with an S3 backend.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    new AwsProvider(this, 'aws', {
      region: region.stringValue,
      skipCredentialsValidation: offline.booleanValue,
      skipRequestingAccountId: offline.booleanValue,
      skipMetadataApiCheck: offline.stringValue,
      defaultTags: [{ tags: { project: 'logs-to-opensearch' } }],
    });

    this.pipeline = new LogPipeline(this, 'logs', {
      name: 'example-logs',
      // Edit: the log groups to ship (or use `accountPolicy: {}` for every log group of the account).
      logGroupNames: ['/aws/lambda/example-app', '/ecs/example-service'],
      opensearch: {
        endpoint: endpoint.stringValue,
        domainArn: domainArn.stringValue,
        indexPrefix: 'logs',
        indexRules: [
          { logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' },
          { logGroupPattern: '/ecs/*', indexPrefix: 'ecs' },
        ],
      },
    });

    // ---- ELB processor: load-balancer access logs from an S3 bucket into the same domain. ----
    this.elb = new ElbProcessor(this, 'elb', {
      // A literal (not var.region): it picks the ELB log-delivery principal of the bucket policy.
      region: EXAMPLE_REGION,
      opensearchEndpoint: endpoint.stringValue,
      opensearchArn: domainArn.stringValue,
      // Edit: the prefix configured on your load balancers' access logs.
      logPrefix: 'alb',
      // EventBridge leaves the bucket's single notification configuration free for other consumers.
      notification: 'eventbridge',
      metadata: { environment: 'example', application: 'example-app' },
    });
  }
}

/**
 * Builds the example app without synthesizing it (tests call this). For HCL set
 * SYNTH_HCL_OUTPUT=true before calling (`npm run synth:hcl` does): in cdktf 0.21 the stack reads
 * that variable, and `new App({ hclOutput: true })` alone writes JSON into a .tf file.
 */
export function buildApp(options: { outdir?: string } = {}): { app: App; stack: ExampleStack } {
  const app = new App({ outdir: options.outdir });
  const stack = new ExampleStack(app, EXAMPLE_STACK);
  return { app, stack };
}

if (require.main === module) {
  buildApp().app.synth();
}
