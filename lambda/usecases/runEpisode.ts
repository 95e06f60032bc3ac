/**
 * The episode runner's use case: apply every step of `advance()` that is due, each as a conditional write, then
 * schedule a tick for the next step. Duplicate ticks cannot multiply: at the next step only the runner whose write won
 * goes on to schedule, so any number of chains collapses into one at every transition. Each committed transition is
 * published to the episode's live channel at once (lambda/usecases/publishLive.ts), and while registration is open the
 * runner also announces the participant count when one is owed (at most once a second).
 */
import { advance, dueAt, earliest, isTerminal, type StepFacts } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { countAnnouncementAt, COUNT_ANNOUNCE_INTERVAL_MS } from '../domain/live.ts';
import { announceParticipantCount, getEpisode, saveTransition } from '../store/episodes.ts';
import { publishNotification } from '../store/notifications.ts';
import { getQuestionCached } from '../store/questions.ts';
import { scheduleTick } from '../store/queues.ts';
import { finalStatistics } from './finalizeQuestion.ts';
import { publishAnnouncement, publishCommitted } from './publishLive.ts';
import { runningEpisodesSharingQuestions } from './questionsInUse.ts';

/** A step due this soon is waited for in-process: SQS delays come in whole seconds. */
export const WAIT_IN_PROCESS_MS = 1500;
const MAX_STEPS_PER_RUN = 20;
/** How long one invocation keeps polling for a question's answers to settle before it hands over to a tick. */
const SETTLE_POLL_BUDGET_MS = 8000;
const SETTLE_POLL_MS = 250;

export interface RunOptions {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * Schedule a tick only for steps due within this horizon. Ticks carry on their own chain (no limit); the minute
   * sweep only starts a chain for a step due before its next sweep, so sweeps never pile up chains for a far start.
   */
  scheduleHorizonMs?: number;
}

export interface RunResult {
  steps: string[];
  state?: Episode['state'];
  scheduledFor?: number;
}

export async function runEpisode(episodeId: string, opts: RunOptions): Promise<RunResult> {
  const steps: string[] = [];
  const started = opts.clock();
  for (let n = 0; n < MAX_STEPS_PER_RUN; n++) {
    const episode = await getEpisode(episodeId, true);
    if (!episode) {
      logger.warn('runner tick for an unknown episode', { episode_id: episodeId });
      return { steps };
    }
    if (isTerminal(episode)) return { steps, state: episode.state };
    const now = opts.clock();
    const announceAt = countAnnouncementAt(episode);
    // A due transition goes first: its event carries the participant count, and an announcement ahead of it would
    // only put a second fan-out to every player between the commit and its delivery.
    const transitionDue = (dueAt(episode) ?? Infinity) <= now;
    if (announceAt !== null && announceAt <= now && !transitionDue) {
      const announced = await announceParticipantCount(episodeId, now, COUNT_ANNOUNCE_INTERVAL_MS);
      if (announced) {
        await publishAnnouncement(announced);
        continue;
      }
    }
    const due = earliest(dueAt(episode), announceAt !== null && announceAt > now ? announceAt : null);
    if (due === null || due > now) {
      if (due !== null && due - now <= WAIT_IN_PROCESS_MS) {
        await opts.sleep(due - now);
        continue;
      }
      if (due !== null && due - now <= (opts.scheduleHorizonMs ?? Infinity)) {
        await scheduleTick({ episode_id: episodeId, due_at: due }, now);
        return { steps, state: episode.state, scheduledFor: due };
      }
      return { steps, state: episode.state };
    }
    const next = await nextTransition(episode, opts.clock, () => startBlocked(episode));
    if (next === 'settling') {
      // Answers of the closed question are still queued or not yet counted: look again shortly.
      if (opts.clock() - started < SETTLE_POLL_BUDGET_MS) {
        await opts.sleep(SETTLE_POLL_MS);
        n--;
        continue;
      }
      await scheduleTick({ episode_id: episodeId, due_at: now + 1000 }, now);
      return { steps, state: episode.state, scheduledFor: now + 1000 };
    }
    if (!next || next === 'held') return { steps, state: episode.state };
    const stored = await saveTransition(episode, next.episode, next.at);
    if (!stored) {
      // Another runner moved the episode first; it owns the follow-up tick.
      logger.info('another runner applied this step', { episode_id: episodeId, step: next.step, version: episode.version });
      return { steps, state: episode.state };
    }
    steps.push(next.step);
    await publishCommitted(episode, stored);
    const transition = metrics.singleMetric();
    transition.addDimension('step', next.step);
    transition.addMetric(metricName.RunnerTransitions, MetricUnit.Count, 1);
    logger.info('episode advanced', {
      episode_id: episodeId,
      step: next.step,
      state: next.episode.state,
      question_index: next.episode.current_question_index,
      version: next.episode.version,
    });
    if (next.step === 'start') {
      await publishNotification({
        type: 'episode.starting',
        episode_id: episodeId,
        first_question_at: next.episode.next_step_at,
        participant_count: next.episode.participant_count,
        ...(next.episode.title ? { title: next.episode.title } : {}),
      });
    }
  }
  return { steps };
}

/** Rule 6 across episodes: a show does not start while a running one shares a question with it (the sweep tries again). */
async function startBlocked(episode: Episode): Promise<boolean> {
  const sharing = await runningEpisodesSharingQuestions(episode);
  if (sharing.length > 0) logger.info('start held: a running episode shares questions with this one', { episode_id: episode.id, sharing });
  return sharing.length > 0;
}

/**
 * Loads whatever facts the due step needs, then asks `advance` again; 'settling' while a question cannot be finalized
 * yet, 'held' while a start is blocked. Each ask reads the clock anew: finalizing takes several reads and writes, and
 * the start a query of the running episodes, and the transition they yield is stamped (`seq_at`, the event's
 * `server_time`) and its reveal or lead counted from when those facts are in, not from before.
 */
async function nextTransition(episode: Episode, clock: () => number, isStartBlocked: () => Promise<boolean>) {
  const facts: StepFacts = {};
  let startChecked = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = clock();
    const result = advance(episode, now, facts);
    if (!result) return null;
    if (result.kind === 'transition') {
      if (result.step !== 'start' || startChecked) return { ...result, at: now };
      if (await isStartBlocked()) return 'held' as const;
      startChecked = true;
      continue;
    }
    const question = await getQuestionCached(result.questionId);
    if (!question) throw new Error(`question ${result.questionId} of episode ${episode.id} is missing`);
    if (result.step === 'open') facts.nextQuestion = question;
    else {
      const stats = await finalStatistics(episode, question, now);
      if (!stats) return 'settling' as const;
      facts.statistics = stats;
      metrics.addMetric(metricName.CloseToFinalMs, MetricUnit.Milliseconds, Math.max(0, stats.finalized_at - episode.question_end_timestamp));
    }
  }
  return null;
}
