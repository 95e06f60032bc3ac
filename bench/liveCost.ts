/**
 * A modelled AWS cost of telling one show's audience what happens: push over the live channel (AppSync Events) against
 * polling `GET /api/v1/episode/{id}` once a second through CloudFront with one shared cache entry per second.
 * docs/SCALING.md ("Live channel") walks through the same numbers; `npm run bench:live` prints them with the event and
 * response sizes it measured.
 *
 * Prices: AWS list prices, us-east-1, pay as you go, without free tiers, as of LIVE_PRICES.asOf, from
 * - AWS AppSync pricing (aws.amazon.com/appsync/pricing), AppSync Events: $1.00 per million Event API operations
 *   (the AWS Price List's AWSAppSync offer: "$1 per million Event API operations", effective 2024-09-01) and $0.08 per
 *   million connection-minutes; a message is metered in 5 KB increments; data transfer out at EC2 rates;
 * - Amazon EC2 data transfer out to the internet, first 10 TB a month: $0.09/GB;
 * - Amazon CloudFront pricing (aws.amazon.com/cloudfront/pricing), United States/Europe: HTTPS requests $0.0100 per
 *   10,000, data transfer out first 10 TB a month $0.085/GB, Origin Shield $0.0075 per 10,000 requests;
 * - API Gateway HTTP API and Lambda requests as in bench/cost.ts.
 * The machines that run this have no internet: update the table and its date when prices change.
 */
import { PRICES } from './cost.ts';

export const LIVE_PRICES = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  eventApiOperation: 1.0 / 1e6,
  eventApiConnectionMinute: 0.08 / 1e6,
  eventApiMessageIncrementBytes: 5 * 1024,
  ec2DataTransferOutPerGb: 0.09,
  cloudFrontHttpsRequest: 0.01 / 1e4,
  cloudFrontDataTransferOutPerGb: 0.085,
  originShieldRequest: 0.0075 / 1e4,
  httpApiRequest: PRICES.httpApiRequest,
  lambdaRequest: PRICES.lambdaRequest,
} as const;

export interface ShowModel {
  players: number;
  minutes: number;
  questions: number;
  /** Mean size of one live event as published (JSON). */
  eventBytes: number;
  /** Size of the body of `GET /api/v1/live/{id}` (what a joining player fetches once). */
  snapshotBytes: number;
  /** Size of the body of `GET /api/v1/episode/{id}` (what a polling player fetches every second). */
  pollBodyBytes: number;
  /** Response headers CloudFront sends with each body (billed as data transfer too). */
  responseHeaderBytes: number;
}

/** The show of the issue: 15 minutes, 12 questions, a million players (sizes measured by the bench, or from the domain). */
export const MILLION_PLAYER_SHOW: Omit<ShowModel, 'eventBytes' | 'snapshotBytes' | 'pollBodyBytes'> = {
  players: 1_000_000,
  minutes: 15,
  questions: 12,
  responseHeaderBytes: 400,
};

/** episode.started, then question.opened, question.closed and question.results per question, then episode.ended. */
export const transitionsPerShow = (questions: number) => 1 + 3 * questions + 1;

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}
export interface CostModel {
  usd: number;
  lines: CostLine[];
  /** Requests that reach the API (a function) during the show. */
  originRequests: number;
}

const GB = 1024 ** 3;
const sum = (lines: CostLine[]) => lines.reduce((t, l) => t + l.usd, 0);

/**
 * Push: every player connects once, subscribes to the episode's channel and fetches the snapshot once (through
 * CloudFront, the shared entry); every transition is one publish and one delivery per player. Keep-alives are not
 * operations. Participant counts are left out: they are announced before the show starts (see perLobbyMinute).
 */
export function pushCostPerShow(m: ShowModel): CostModel {
  const transitions = transitionsPerShow(m.questions);
  const incrementsPerEvent = Math.ceil(m.eventBytes / LIVE_PRICES.eventApiMessageIncrementBytes);
  const deliveries = m.players * transitions;
  const operations = m.players /* connect */ + m.players /* subscribe */ + transitions * incrementsPerEvent /* publish */ + deliveries * incrementsPerEvent;
  const connectionMinutes = m.players * m.minutes;
  const pushedGb = (deliveries * m.eventBytes) / GB;
  const snapshotGb = (m.players * (m.snapshotBytes + m.responseHeaderBytes)) / GB;
  // Joins spread over the show's first minute: with the shared key and the shield, about one origin request a second.
  const originRequests = 60 + transitions; // the snapshot's misses, and one publishing invocation per transition
  const lines: CostLine[] = [
    { item: 'AppSync Events operations (connect, subscribe, publish, deliver)', quantity: operations, unit: 'operation', usd: operations * LIVE_PRICES.eventApiOperation },
    { item: 'AppSync Events connection-minutes', quantity: connectionMinutes, unit: 'minute', usd: connectionMinutes * LIVE_PRICES.eventApiConnectionMinute },
    { item: 'AppSync Events data transfer out', quantity: pushedGb, unit: 'GB', usd: pushedGb * LIVE_PRICES.ec2DataTransferOutPerGb },
    { item: 'CloudFront: one snapshot per player (HTTPS requests)', quantity: m.players, unit: 'request', usd: m.players * LIVE_PRICES.cloudFrontHttpsRequest },
    { item: 'CloudFront: snapshot data transfer out', quantity: snapshotGb, unit: 'GB', usd: snapshotGb * LIVE_PRICES.cloudFrontDataTransferOutPerGb },
    { item: 'API Gateway + Lambda requests reaching the origin', quantity: originRequests, unit: 'request', usd: originRequests * (LIVE_PRICES.httpApiRequest + LIVE_PRICES.lambdaRequest) },
  ];
  return { usd: sum(lines), lines, originRequests };
}

/**
 * Polling once a second through CloudFront with one shared cache entry (max-age=1) and Origin Shield: every player
 * makes `minutes × 60` requests; the origin sees about one a second (the shield's miss), whatever the audience.
 */
export function pollCostPerShow(m: ShowModel): CostModel {
  const requests = m.players * m.minutes * 60;
  const gb = (requests * (m.pollBodyBytes + m.responseHeaderBytes)) / GB;
  const originRequests = m.minutes * 60;
  // Each regional edge cache misses about once a second into the shield (13 regional edge caches).
  const shieldRequests = 13 * m.minutes * 60;
  const lines: CostLine[] = [
    { item: 'CloudFront HTTPS requests', quantity: requests, unit: 'request', usd: requests * LIVE_PRICES.cloudFrontHttpsRequest },
    { item: 'CloudFront data transfer out', quantity: gb, unit: 'GB', usd: gb * LIVE_PRICES.cloudFrontDataTransferOutPerGb },
    { item: 'Origin Shield requests', quantity: shieldRequests, unit: 'request', usd: shieldRequests * LIVE_PRICES.originShieldRequest },
    { item: 'API Gateway + Lambda requests reaching the origin', quantity: originRequests, unit: 'request', usd: originRequests * (LIVE_PRICES.httpApiRequest + LIVE_PRICES.lambdaRequest) },
  ];
  return { usd: sum(lines), lines, originRequests };
}

/** What one minute of participant counts (one a second) costs on the channel, pushed to `players` subscribers. */
export function pushCountsPerLobbyMinute(m: Pick<ShowModel, 'players' | 'eventBytes'>): number {
  const increments = Math.ceil(m.eventBytes / LIVE_PRICES.eventApiMessageIncrementBytes);
  return 60 * m.players * increments * LIVE_PRICES.eventApiOperation + (60 * m.players * m.eventBytes * LIVE_PRICES.ec2DataTransferOutPerGb) / GB;
}

/** The model as text lines, for the benchmark's report. */
export function describeCost(name: string, c: CostModel): string[] {
  const n = (x: number) => (Number.isInteger(x) || x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
  const plural = (l: CostLine) => (l.quantity === 1 || l.unit === 'GB' ? l.unit : `${l.unit}s`);
  return [
    `${name}: $${c.usd.toFixed(2)} per show (prices ${LIVE_PRICES.region}, ${LIVE_PRICES.asOf}); origin requests ${n(c.originRequests)}`,
    ...c.lines.map((l) => `  ${l.item}: ${n(l.quantity)} ${plural(l)} → $${l.usd.toFixed(2)}`),
  ];
}
