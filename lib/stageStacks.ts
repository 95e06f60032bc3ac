/**
 * The stacks of one stage: `TriviaLive-<stage>` in the target Region and, when that Region is known, its companion
 * `TriviaLiveEdge-<stage>` in us-east-1 with the distribution's web ACL (lib/edgeStack.ts), handed over as a
 * cross-region reference (which also makes the edge stack a dependency: deployed first). bin/app.ts (in the app),
 * the pipeline (lib/pipeline.ts, in each of its stages) and the infrastructure tests build a stage the same way.
 */
import type { Environment } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EDGE_REGION, EdgeStack } from './edgeStack.ts';
import { TriviaStack } from './triviaStack.ts';

export interface StageStacks {
  main: TriviaStack;
  /** Absent in an env-agnostic synth: a cross-region reference needs both Regions. */
  edge?: EdgeStack;
}

/** `scope` is the app, or a pipeline's Stage: the stack names are the same either way (`TriviaLive-<stage>`). */
export function addStageStacks(scope: Construct, stage: string, env: Environment | undefined): StageStacks {
  const edge = env?.region
    ? new EdgeStack(scope, `TriviaLiveEdge-${stage}`, {
        stage,
        stackName: `TriviaLiveEdge-${stage}`,
        env: { account: env.account, region: EDGE_REGION },
        crossRegionReferences: true,
        description: `Trivia Live: the CloudFront web ACL of stage ${stage} (AWS WAF, us-east-1)`,
      })
    : undefined;
  const main = new TriviaStack(scope, `TriviaLive-${stage}`, {
    stage,
    stackName: `TriviaLive-${stage}`,
    env,
    ...(edge ? { crossRegionReferences: true, webAclArn: edge.cdnWebAcl.webAcl.attrArn } : {}),
    description: `Trivia Live: serverless backend for live trivia shows (${stage})`,
  });
  return { main, ...(edge ? { edge } : {}) };
}
