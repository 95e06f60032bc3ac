/**
 * `trivia play EPISODE`: a person plays a show from a terminal. It joins the episode, follows it by push
 * (`TriviaClient.watch`), shows each question with a countdown from the server clock, takes the answer as one key
 * (A–D or 1–4), locks it, shows the results and the player's own standing, and ends with the winners.
 */
import type { StandingOut, StatisticsOut } from '../../lambda/domain/contract.ts';
import type { TriviaClient } from '../client.ts';
import { ApiError } from '../errors.ts';
import type { WatchItem, WatchStatus } from '../watch.ts';
import { LETTERS, renderEpisode, type Style } from './render.ts';

export interface Keyboard {
  /** Delivers each key as typed (raw mode on a terminal). */
  onKey(listener: (key: string) => void): void;
  close(): void;
}

export interface PlayIo {
  write(text: string): void;
  keyboard: Keyboard;
  tty: boolean;
  width?: number;
  style: Style;
}

/** A key as an option index: `a`–`d` or `1`–`4`; undefined for any other key. */
export function optionOfKey(key: string, optionCount: number): number | undefined {
  const k = key.toLowerCase();
  const index = k >= 'a' && k <= 'd' ? k.charCodeAt(0) - 97 : k >= '1' && k <= '4' ? Number(k) - 1 : -1;
  return index >= 0 && index < optionCount ? index : undefined;
}

/** The player's lines under the show's view: what the keys do, the locked answer, the standing. */
export function playerLines(
  view: WatchItem['episode'],
  mine: { answers: Map<number, number>; standing?: StandingOut; message?: string },
  s: Style,
): string[] {
  const i = view.current_question_index;
  const lines: string[] = [];
  const out = mine.standing?.status === 'eliminated';
  const answered = mine.answers.get(i);
  if (view.state === 'QUESTION_OPEN' && !out) {
    lines.push(answered === undefined ? s.bold(`Press ${LETTERS.slice(0, view.current_question?.options.length ?? 0).split('').join(', ')} to answer`) : s.green(`Answer locked: ${LETTERS[answered]}`));
  } else if ((view.state === 'QUESTION_CLOSED' || view.state === 'QUESTION_RESULTS') && answered !== undefined) {
    lines.push(`Your answer: ${LETTERS[answered]}`);
  }
  if (mine.standing) {
    const st = mine.standing;
    if (st.status === 'not_registered') lines.push(s.dim('You are watching (not registered for this show).'));
    else if (st.status === 'eliminated') lines.push(s.red(`Eliminated on question ${(st.eliminated_at_question ?? 0) + 1}: you can keep watching.`));
    else if (st.status === 'winner') lines.push(s.green(s.bold('You won!')));
    else if (view.state === 'QUESTION_RESULTS') lines.push(s.green("You're through!"));
  }
  if (mine.message) lines.push(s.yellow(mine.message));
  lines.push(s.dim('q to quit'));
  return lines;
}

export async function play(client: TriviaClient, episodeId: string, io: PlayIo): Promise<number> {
  const s = io.style;
  const mine: { answers: Map<number, number>; standing?: StandingOut; message?: string } = { answers: new Map() };
  try {
    await client.register(episodeId);
  } catch (err) {
    // Registration closes when question 0 opens: the player can still watch.
    if (!(err instanceof ApiError && err.status === 409)) throw err;
    mine.message = `Not registered: ${err.message}`;
  }
  await client.syncClock(3);
  mine.standing = await client.getMyStanding(episodeId);

  let latest: WatchItem | undefined;
  let statistics: StatisticsOut | undefined;
  let lastLines = 0;
  const draw = () => {
    if (!latest) return;
    const view = latest.episode;
    const text = [
      renderEpisode(view, { serverNow: client.serverNow(), statistics, style: s, width: io.width ?? 80 }),
      '',
      ...playerLines(view, mine, s),
    ].join('\n');
    io.write(`${io.tty && lastLines ? `\u001b[${lastLines}F\u001b[0J` : ''}${text}\n`);
    lastLines = text.split('\n').length;
  };

  const stop = new AbortController();
  io.keyboard.onKey((key) => {
    if (key === 'q' || key === '\u0003') return stop.abort();
    const view = latest?.episode;
    const question = view?.current_question;
    if (!view || !question || view.state !== 'QUESTION_OPEN' || mine.answers.has(view.current_question_index)) return;
    const index = optionOfKey(key, question.options.length);
    if (index === undefined) return;
    const questionIndex = view.current_question_index;
    mine.answers.set(questionIndex, index);
    mine.message = undefined;
    draw();
    client.submitAnswer({ episode_id: episodeId, question_id: question.id, answer: index }).then(
      () => draw(),
      (err: unknown) => {
        mine.answers.delete(questionIndex);
        mine.message = err instanceof ApiError ? `Not accepted: ${err.code}` : `Not sent: ${(err as Error).message}`;
        draw();
      },
    );
  });

  const ticker = io.tty ? setInterval(draw, 250) : undefined;
  const onStatus = (status: WatchStatus, detail?: string) => {
    if (status === 'polling' || status === 'reconnecting') mine.message = `live channel: ${status}${detail ? ` (${detail})` : ''}`;
    else if (status === 'live' && mine.message?.startsWith('live channel')) mine.message = undefined;
  };
  try {
    for await (const item of client.watch(episodeId, { signal: stop.signal, onStatus })) {
      latest = item;
      if (item.statistics) statistics = item.statistics;
      // The results and the end decide the standing; the player's own route says it (no event carries it).
      if (item.episode.state === 'QUESTION_RESULTS' || item.episode.state === 'ENDED') mine.standing = await client.getMyStanding(episodeId, item.seq);
      if (!io.tty) lastLines = 0;
      draw();
    }
  } finally {
    if (ticker) clearInterval(ticker);
    io.keyboard.close();
  }
  const end = latest?.episode;
  if (end?.state === 'ENDED') {
    const won = mine.standing?.status === 'winner';
    io.write(`\n${won ? s.green(s.bold('You won!')) : 'The show is over.'} ${end.remaining_count} winner(s) of ${end.participant_count} players.\n`);
  } else if (end?.state === 'CANCELLED') io.write('\nThe show was cancelled.\n');
  return 0;
}

/** The terminal's keys, one at a time (raw mode), for `play`. */
export function terminalKeyboard(stdin: NodeJS.ReadStream): Keyboard {
  const listeners: ((key: string) => void)[] = [];
  const onData = (data: Buffer) => {
    for (const key of data.toString('utf8')) for (const l of listeners) l(key);
  };
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  return {
    onKey: (l) => listeners.push(l),
    close: () => {
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    },
  };
}
