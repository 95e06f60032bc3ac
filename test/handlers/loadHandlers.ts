/**
 * The handler tests' way to load the functions under test. Handlers read settings when their modules load (log level,
 * cache TTL), so a test file names the handlers it calls and `loadHandlers` imports them in its `beforeAll`, after
 * `stubEnvironment()`. The table below is also the index of which handlers have tests here.
 */
import { beforeAll } from 'vitest';
import { stubEnvironment } from './support.ts';

const handlerModules = {
  cancelEpisode: () => import('../../lambda/http/cancelEpisode.ts'),
  collectClientEvents: () => import('../../lambda/http/collectClientEvents.ts'),
  createEpisode: () => import('../../lambda/http/createEpisode.ts'),
  createGame: () => import('../../lambda/http/createGame.ts'),
  createMediaUpload: () => import('../../lambda/http/createMediaUpload.ts'),
  createQuestion: () => import('../../lambda/http/createQuestion.ts'),
  deadLetterStatus: () => import('../../lambda/http/deadLetterStatus.ts'),
  deleteMe: () => import('../../lambda/http/deleteMe.ts'),
  getAttribution: () => import('../../lambda/http/getAttribution.ts'),
  getEpisode: () => import('../../lambda/http/getEpisode.ts'),
  getGame: () => import('../../lambda/http/getGame.ts'),
  getFunnel: () => import('../../lambda/http/getFunnel.ts'),
  getLiveSnapshot: () => import('../../lambda/http/getLiveSnapshot.ts'),
  getLiveStats: () => import('../../lambda/http/getLiveStats.ts'),
  getMe: () => import('../../lambda/http/getMe.ts'),
  getMyStanding: () => import('../../lambda/http/getMyStanding.ts'),
  getQuestion: () => import('../../lambda/http/getQuestion.ts'),
  getReport: () => import('../../lambda/http/getReport.ts'),
  getStatistics: () => import('../../lambda/http/getStatistics.ts'),
  getWinners: () => import('../../lambda/http/getWinners.ts'),
  health: () => import('../../lambda/http/health.ts'),
  listClientEvents: () => import('../../lambda/http/listClientEvents.ts'),
  listEpisodes: () => import('../../lambda/http/listEpisodes.ts'),
  listErrors: () => import('../../lambda/http/listErrors.ts'),
  listQuestions: () => import('../../lambda/http/listQuestions.ts'),
  listWinners: () => import('../../lambda/http/listWinners.ts'),
  openapiSpec: () => import('../../lambda/http/openapiSpec.ts'),
  redriveDeadLetters: () => import('../../lambda/http/redriveDeadLetters.ts'),
  registerParticipant: () => import('../../lambda/http/registerParticipant.ts'),
  submitResponse: () => import('../../lambda/http/submitResponse.ts'),
  updateMe: () => import('../../lambda/http/updateMe.ts'),
  episodeRunner: () => import('../../lambda/queue/episodeRunner.ts'),
  recordAnswers: () => import('../../lambda/queue/recordAnswers.ts'),
  recordClientEvents: () => import('../../lambda/queue/recordClientEvents.ts'),
  countRegistrations: () => import('../../lambda/stream/countRegistrations.ts'),
  publishEvents: () => import('../../lambda/stream/publishEvents.ts'),
  relayLiveEvents: () => import('../../lambda/stream/relayLiveEvents.ts'),
  scoreResponses: () => import('../../lambda/stream/scoreResponses.ts'),
  inspectDeadLetters: () => import('../../lambda/schedule/inspectDeadLetters.ts'),
  preTokenGeneration: () => import('../../lambda/cognito/preTokenGeneration.ts'),
};

export type HandlerName = keyof typeof handlerModules;
export type HandlerOf<N extends HandlerName> = Awaited<ReturnType<(typeof handlerModules)[N]>>['handler'];

let episodesStore: typeof import('../../lambda/store/episodes.ts') | undefined;

/**
 * Stubs the environment (`stubEnvironment(extraEnvironment)`) and then imports the named handlers, once for the file.
 * Each returned function calls its handler, so a file can name them as constants.
 */
export function loadHandlers<N extends HandlerName>(names: N[], extraEnvironment: Record<string, string> = {}): { [K in N]: HandlerOf<K> } {
  const loaded = new Map<HandlerName, (...args: unknown[]) => unknown>();
  beforeAll(async () => {
    stubEnvironment(extraEnvironment);
    for (const name of names) loaded.set(name, (await handlerModules[name]()).handler as (...args: unknown[]) => unknown);
    episodesStore = await import('../../lambda/store/episodes.ts');
  }, 120_000); // handler modules with their SDK clients: slow to import on a loaded machine
  const callers = names.map((name) => [name, (...args: unknown[]) => loaded.get(name)!(...args)]);
  return Object.fromEntries(callers) as { [K in N]: HandlerOf<K> };
}

/** Empties the episode cache that the loaded handlers share (lambda/store/episodes.ts keeps one per module). */
export function clearEpisodeCache(): void {
  episodesStore?.clearEpisodeCache();
}
