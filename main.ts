/**
 * The example app, synthesizable as-is with no AWS credentials and no network (`npm run synth`). Two
 * stacks; deploy one of them (`cdktf deploy <stack>`):
 *
 * - `logs-to-opensearch-example` (EXAMPLE_STACK): everything, nothing to click. An OpenSearch domain with
 *   secure defaults, and the opensearch-bootstrap function invoked during apply, whose role is the domain's
 *   fine-grained access control master user: it installs the index templates, the retention policies,
 *   the shippers' role and its mapping to the three functions' roles, the Dashboards objects and the
 *   ELB 5xx monitor (to an SNS topic made here). The LogPipeline, ElbProcessor and PexipIngest write to it.
 * - `logs-to-opensearch-example-existing-domain` (EXAMPLE_EXISTING_STACK): bring your own endpoint. The same
 *   pipelines write to the domain named by the `opensearch_endpoint` / `opensearch_domain_arn` variables;
 *   you prepare that domain yourself (or add an OpenSearchBootstrap with `opensearch`, see modules/opensearch).
 *
 * Every value a real deployment must change is a Terraform variable with a placeholder default (set them
 * with `TF_VAR_...` or `cdktf deploy --var`) or a line marked "Edit".
 */
import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LogPipeline } from './modules/log-pipeline';
import { ElbProcessor } from './modules/elb-processor';
import { PexipIngest } from './modules/pexip-ingest';
import { GlueCatalog } from './modules/glue-catalog';
import { OpenSearchAlertTopic, OpenSearchBootstrap, OpenSearchDomain } from './modules/opensearch';
import type { OpenSearchTarget } from './modules/common/opensearch-target';
import { ENDPOINT_RULE } from './functions/shared/contract';
import { SHIPPER_DEFAULTS } from './functions/shipper/contract';
import { ELB_DEFAULTS } from './functions/elb-processor/contract';
import { PEXIP_DEFAULTS } from './functions/pexip-wrangler/contract';
import { ruleValidation } from './modules/common/variable-validation';

export const EXAMPLE_STACK = 'logs-to-opensearch-example';
/** The same pipelines into a domain you already have. */
export const EXAMPLE_EXISTING_STACK = 'logs-to-opensearch-example-existing-domain';
/** Default region of the example stack (a Terraform variable: any region works, nothing is region-specific at synth). */
export const EXAMPLE_REGION = 'eu-west-1';

export interface ExampleStackProps {
  /**
   * `create`: an OpenSearch domain made and prepared here (OpenSearchDomain + OpenSearchBootstrap).
   * `existing`: your domain's endpoint and ARN as Terraform variables; nothing is installed on it.
   * @default 'create'
   */
  readonly opensearch?: 'create' | 'existing';
}

export class ExampleStack extends TerraformStack {
  readonly pipeline: LogPipeline;
  readonly elb: ElbProcessor;
  readonly pexip: PexipIngest;
  readonly catalog: GlueCatalog;
  /** The domain and its bootstrap (`opensearch: 'create'` only). */
  readonly domain?: OpenSearchDomain;
  readonly bootstrap?: OpenSearchBootstrap;

  constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
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

    let target: OpenSearchTarget;
    if ((props.opensearch ?? 'create') === 'create') {
      // Secure defaults (modules/opensearch/README.md): KMS at rest, node-to-node TLS, HTTPS with TLS 1.2+,
      // fine-grained access control, audit/error/slow logs. 2 x r7g.large.search over 2 zones: the cost of a real cluster.
      this.domain = new OpenSearchDomain(this, 'search', { domainName: 'example-logs' });
      target = this.domain.target;
    } else {
      target = existingDomainVariables(this);
    }

    this.pipeline = new LogPipeline(this, 'logs', {
      name: 'example-logs',
      // Edit: the log groups to ship (or use `accountPolicy: {}` for every log group of the account).
      logGroupNames: ['/aws/lambda/example-app', '/ecs/example-service'],
      opensearch: {
        ...target,
        // Every prefix starts with the cwl source's `cwl-`, so one template, one retention policy and one
        // shipper role pattern (`cwl-*`) cover them all.
        indexPrefix: SHIPPER_DEFAULTS.indexPrefix,
        indexRules: [
          { logGroupPattern: '/aws/lambda/*', indexPrefix: `${SHIPPER_DEFAULTS.indexPrefix}-lambda` },
          { logGroupPattern: '/ecs/*', indexPrefix: `${SHIPPER_DEFAULTS.indexPrefix}-ecs` },
        ],
      },
    });

    // ---- ELB processor: load-balancer access logs from an S3 bucket into the same domain. ----
    this.elb = new ElbProcessor(this, 'elb', {
      name: 'example-elb',
      opensearch: target,
      // Edit: the prefix configured on your load balancers' access logs.
      logBucket: { logPrefix: 'alb' },
      // EventBridge leaves the bucket's single notification configuration free for other consumers.
      notification: 'eventbridge',
      metadata: { environment: 'example', application: 'example-app' },
    });

    // ---- Pexip Infinity: syslog from the nodes into S3 (Athena), the _JSON groups and the same domain. ----
    this.pexip = new PexipIngest(this, 'pexip', {
      name: 'example-pexip',
      opensearch: target,
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

    // ---- The domain's contents, installed during apply: templates, retention, the shippers' access, dashboards, the 5xx alert. ----
    if (this.domain) {
      const alerts = new OpenSearchAlertTopic(this, 'alerts', { name: 'example-opensearch-alerts', threshold: 10 });
      this.bootstrap = new OpenSearchBootstrap(this, 'bootstrap', {
        // Its role becomes the domain's master user; the shippers' roles are let in by the domain's resource policy.
        domain: this.domain,
        desiredState: {
          sources: {
            cwl: { indexPrefix: SHIPPER_DEFAULTS.indexPrefix, retentionDays: 30 },
            elb: { indexPrefix: ELB_DEFAULTS.indexPrefix, retentionDays: 90 },
            pexip: { indexPrefix: PEXIP_DEFAULTS.indexPrefix, retentionDays: 90 },
          },
          shipperRoleArns: [this.pipeline.shipper.role.arn, this.elb.processor.role.arn, this.pexip.wrangler.role.arn],
          // Edit: the IAM roles of the people who use Dashboards and manage the domain (mapped to all_access).
          adminRoleArns: [],
          alert: alerts.alert,
        },
      });
    }
  }
}

/** Bring your own domain: its endpoint and ARN as variables with placeholder defaults. */
function existingDomainVariables(stack: TerraformStack): OpenSearchTarget {
  const endpoint = new TerraformVariable(stack, 'opensearch_endpoint', {
    type: 'string',
    default: 'https://search-example.eu-west-1.es.amazonaws.com',
    description: 'PLACEHOLDER: HTTPS endpoint of your OpenSearch domain (Domain endpoint in the console).',
  });
  // The construct cannot check a variable at synth: the same rule runs at plan time instead.
  endpoint.addValidation(ruleValidation(endpoint, ENDPOINT_RULE, 'opensearch_endpoint'));
  const domainArn = new TerraformVariable(stack, 'opensearch_domain_arn', {
    type: 'string',
    default: 'arn:aws:es:eu-west-1:123456789012:domain/example',
    description: 'PLACEHOLDER: ARN of your OpenSearch domain; the functions may only POST to <arn>/_bulk.',
  });
  return { endpoint: endpoint.stringValue, domainArn: domainArn.stringValue };
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
export function buildApp(options: { outdir?: string } = {}): { app: App; stack: ExampleStack; existing: ExampleStack } {
  const app = new App({ outdir: options.outdir });
  const stack = new ExampleStack(app, EXAMPLE_STACK);
  const existing = new ExampleStack(app, EXAMPLE_EXISTING_STACK, { opensearch: 'existing' });
  return { app, stack, existing };
}

if (require.main === module) {
  buildApp().app.synth();
}
