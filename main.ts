/**
 * The example app: one stack with a LogPipeline, an ElbProcessor and a PexipIngest, synthesizable as-is with no AWS credentials
 * and no network (`npm run synth`). Every value a real deployment must change is a Terraform
 * variable with a placeholder default; set them with `TF_VAR_...` or `cdktf deploy --var`.
 */
import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LogPipeline } from './modules/log-pipeline';
import { ElbProcessor } from './modules/elb-processor';
import { PexipIngest } from './modules/pexip-ingest';
import { GlueCatalog } from './modules/glue-catalog';
import { ENDPOINT_RULE } from './functions/shared/contract';
import { ruleValidation } from './modules/common/variable-validation';

export const EXAMPLE_STACK = 'logs-to-opensearch-example';
/** Default region of the example stack (a Terraform variable: any region works, nothing is region-specific at synth). */
export const EXAMPLE_REGION = 'eu-west-1';

export class ExampleStack extends TerraformStack {
  readonly pipeline: LogPipeline;
  readonly elb: ElbProcessor;
  readonly pexip: PexipIngest;
  readonly catalog: GlueCatalog;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const region = new TerraformVariable(this, 'region', {
      type: 'string',
      default: EXAMPLE_REGION,
      description: 'AWS region of the pipeline (same region as the OpenSearch domain, the log groups and the load balancers).',
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
    // The construct cannot check a variable at synth: the same rule runs at plan time instead.
    endpoint.addValidation(ruleValidation(endpoint, ENDPOINT_RULE, 'opensearch_endpoint'));
    const domainArn = new TerraformVariable(this, 'opensearch_domain_arn', {
      type: 'string',
      default: 'arn:aws:es:eu-west-1:123456789012:domain/example',
      description: 'PLACEHOLDER: ARN of your OpenSearch domain; the functions may only POST to <arn>/_bulk.',
    });

    // cdktf's implicit local backend writes the absolute checkout path into the stack JSON; this
    // relative path (from cdktf.out/stacks/<stack>/) keeps the same state file in the project root
    // and makes the synthesized bytes independent of where the project is checked out.
    // Real deployments: replace with an S3 backend.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    const aws = new AwsProvider(this, 'aws', {
      region: region.stringValue,
      skipCredentialsValidation: offline.booleanValue,
      skipRequestingAccountId: offline.booleanValue,
      skipMetadataApiCheck: offline.stringValue,
      defaultTags: [{ tags: { project: 'logs-to-opensearch' } }],
    });
    awsProviderAtLeastBindings(this, aws);

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
      name: 'example-elb',
      opensearch: { endpoint: endpoint.stringValue, domainArn: domainArn.stringValue },
      // Edit: the prefix configured on your load balancers' access logs.
      logBucket: { logPrefix: 'alb' },
      // EventBridge leaves the bucket's single notification configuration free for other consumers.
      notification: 'eventbridge',
      metadata: { environment: 'example', application: 'example-app' },
    });

    // ---- Pexip Infinity: syslog from the nodes into S3 (Athena), the _JSON groups and the same domain. ----
    this.pexip = new PexipIngest(this, 'pexip', {
      name: 'example-pexip',
      opensearch: { endpoint: endpoint.stringValue, domainArn: domainArn.stringValue },
      // Edit: the host folders rsyslog writes for your Management and Conferencing Nodes.
      agent: { managementNodeHosts: ['pxpmgmt'], conferencingNodeHosts: ['pxpconf*'] },
    });

    // ---- Glue catalog + Athena: the Pexip export, the load balancers' logs and the dead letters, queryable. ----
    this.catalog = new GlueCatalog(this, 'catalog', {
      name: 'example-catalog',
      pexip: { bucketName: this.pexip.exportBucketName!, prefix: this.pexip.exportPrefix },
      elb: { bucketName: this.elb.bucketName, logPrefix: 'alb' },
      deadLetters: [{ name: 'elb', bucketName: this.elb.deadLetterBucketName }, { name: 'pexip', bucketName: this.pexip.deadLetterBucketName }],
    });
  }
}

/**
 * cdktf pins the provider to the exact version its bindings were generated from (6.25.0); a lower bound
 * on that version's minor lets users (and the apply tests, which run a newer provider built from source)
 * install any later 6.x. The bound is read from the bindings, so it moves when they do.
 */
export function awsProviderAtLeastBindings(stack: TerraformStack, provider: AwsProvider): string {
  const generated = provider.terraformGeneratorMetadata?.providerVersion;
  const m = generated ? /^(\d+)\.(\d+)\./.exec(generated) : null;
  if (!m) throw new Error(`cannot read the AWS provider version the bindings were generated from (got ${generated})`);
  const constraint = `>= ${m[1]}.${m[2]}`;
  stack.addOverride(`terraform.required_providers.${provider.terraformResourceType}.version`, constraint);
  return constraint;
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
