/** Resource names reach functions through environment variables named by ./resources.ts (envNames); nothing is hard-coded. */
import { envNames, type BusId, type BucketId, type QueueId, type SettingId, type TableId, type TopicId } from './resources.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const tableName = (t: TableId) => required(envNames.table(t));
export const queueUrl = (q: QueueId) => required(envNames.queue(q));
export const topicArn = (t: TopicId) => required(envNames.topic(t));
export const busName = (b: BusId) => required(envNames.bus(b));
export const bucketName = (b: BucketId) => required(envNames.bucket(b));
export const setting = (s: SettingId) => required(envNames.setting(s));
export const eventApiEndpoint = () => required(envNames.eventApi);
export const userPoolId = () => required(envNames.userPool);

export const numberFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : fallback;
};

export const version = () => process.env.APP_VERSION ?? '0.1.0';
