/**
 * The stacks of one stage: `TriviaLive-<stage>` in the target Region and, when that Region is known, its companion
 * `TriviaLiveEdge-<stage>` in us-east-1 with the distribution's web ACL (lib/edgeStack.ts), handed over as a
 * cross-region reference (which also makes the edge stack a dependency: deployed first). bin/app.ts and the
 * infrastructure tests build a stage the same way.
 */
import type { App, Environment } from 'aws-cdk-lib';
import { EDGE_REGION, EdgeStack } from './edgeStack.ts';
import { TriviaStack } from './triviaStack.ts';

export interface StageStacks {
  main: TriviaStack;
  /** Absent in an env-agnostic synth: a cross-region reference needs both Regions. */
  edge?: EdgeStack;
}

export function addStageStacks(app: App, stage: string, env: Environment | undefined): StageStacks {
  const edge = env?.region
    ? new EdgeStack(app, `TriviaLiveEdge-${stage}`, {
        stage,
        env: { account: env.account, region: EDGE_REGION },
        crossRegionReferences: true,
        description: `Trivia Live: the CloudFront web ACL of stage ${stage} (AWS WAF, us-east-1)`,
      })
    : undefined;
  const main = new TriviaStack(app, `TriviaLive-${stage}`, {
    stage,
    env,
    ...(edge ? { crossRegionReferences: true, webAclArn: edge.cdnWebAcl.webAcl.attrArn } : {}),
    description: `Trivia Live: serverless backend for live trivia shows (${stage})`,
  });
  return { main, ...(edge ? { edge } : {}) };
}
