/**
 * The companion stack of a stage in us-east-1: the CLOUDFRONT web ACL of the distribution, which AWS WAF only creates
 * there. bin/app.ts builds it beside TriviaStack (`TriviaLiveEdge-<stage>`) and hands its ARN over as a cross-region
 * reference (`crossRegionReferences`: CDK writes it to an SSM parameter in us-east-1 and the main stack reads it with a
 * custom resource), so one `cdk deploy --all` deploys both, the edge stack first.
 */
import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CdnWebAcl } from './constructs/waf.ts';

export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  readonly stage: string;
}

export class EdgeStack extends Stack {
  readonly cdnWebAcl: CdnWebAcl;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    this.cdnWebAcl = new CdnWebAcl(this, 'CdnWebAcl', { stage: props.stage });
    Tags.of(this).add('project', 'trivia-live');
    Tags.of(this).add('stage', props.stage);
  }
}
