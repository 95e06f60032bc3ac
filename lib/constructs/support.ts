/**
 * What every construct of the stack shares: the stage's facts (prod or not, what a removal keeps) and the naming of
 * construct ids. CDK context is read through lib/cdkContext.ts (`contextReader(this.node)`).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import type { FunctionSpec, Trigger } from '../wiring.ts';

export const isProd = (stage: string) => stage === 'prod';

/**
 * What happens to a stateful resource (a table, a user pool, a key, a log group) when the stack deletes or replaces it:
 * prod keeps it, every other stage is disposable. Resources that must outlive even a dev stack (a backup vault, an
 * audit trail) say RETAIN where they are defined, with the reason.
 */
export const removalPolicyFor = (stage: string): RemovalPolicy => (isProd(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

/** `episodeRunner` → `EpisodeRunner`: construct ids are built from the wiring's camelCase ids. */
export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** How long a stage keeps its logs (function, API access and live channel logs): a year in prod, a month elsewhere. */
export const logRetentionFor = (stage: string): RetentionDays => (isProd(stage) ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);

/** What every bucket of ours shares but the access-log bucket (CloudFront logs through ACLs): private, TLS 1.2+, no ACLs. */
export const PRIVATE_BUCKET = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const satisfies BucketProps;

/** A function's triggers of one kind (lib/wiring.ts), typed as that kind. */
export const triggersOf = <K extends Trigger['kind']>(spec: FunctionSpec, kind: K): Extract<Trigger, { kind: K }>[] =>
  (spec.triggers as Trigger[]).filter((t): t is Extract<Trigger, { kind: K }> => t.kind === kind);
