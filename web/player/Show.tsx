/**
 * The live show, followed by push only (`TriviaClient.watch`: the Event API's channel, snapshots to (re)join and to
 * fill gaps, reconnection with backoff). The countdown is drawn from the server's clock.
 */
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { WatchStatus } from '../../client/watch.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { recordTiming } from './timings.ts';
import { initialShow, localized, phaseOf, secondsLeft, showReducer, type LiveItem } from './show.ts';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';


export function Show({ client, episodeId, onLeave }: { client: TriviaClient; episodeId: string; onLeave: () => void }) {
  const { t, language, num } = useI18n();
  const [state, dispatch] = useReducer(showReducer, initialShow);
  const [connection, setConnection] = useState<WatchStatus>('connecting');
  const [error, setError] = useState('');
  const [now, setNow] = useState(() => client.serverNow());

  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        // One read to set the server clock, and the player's own standing (neither is on the public channel).
        const [, me] = await Promise.all([client.syncClock(3), client.getMyStanding(episodeId)]);
        dispatch({ kind: 'standing', status: me.status, ...(me.eliminated_at_question !== undefined ? { eliminatedAt: me.eliminated_at_question } : {}) });
      } catch (err) {
        setError(errorText(err));
      }
    })();
    void (async () => {
      try {
        for await (const item of client.watch(episodeId, { signal: abort.signal, onStatus: setConnection })) {
          recordTiming({ kind: 'received', type: item.type, state: item.episode.state, seq: item.seq, server_time: item.server_time, index: item.episode.current_question_index });
          dispatch({ kind: 'live', item: item as LiveItem });
        }
      } catch (err) {
        if (!abort.signal.aborted) setError(errorText(err));
      }
    })();
    return () => abort.abort();
  }, [episodeId]);

  const e = state.episode;
  const phase = phaseOf(e);
  useEffect(() => {
    if (phase !== 'open' && e?.state !== 'STARTED') return;
    const timer = setInterval(() => setNow(client.serverNow()), 200);
    return () => clearInterval(timer);
  }, [phase, e?.state]);

  const q = e?.current_question ?? null;
  const index = e?.current_question_index ?? -1;
  const shownRef = useRef(-1);
  useLayoutEffect(() => {
    if (phase === 'open' && shownRef.current !== index) {
      shownRef.current = index;
      recordTiming({ kind: 'shown', index, server_now: client.serverNow() });
    }
  }, [phase, index]);

  // Results this page never saw (it joined late, or the results came and went between two snapshots): ask the server
  // for this player's standing once, instead of guessing. Rare, so the standing route is not read once per question.
  const missedResults = state.standing === 'playing' && index > 0 && (phase === 'open' || phase === 'ended') && state.judged !== (phase === 'ended' ? index : index - 1);
  useEffect(() => {
    if (!missedResults) return;
    client.getMyStanding(episodeId, state.seq).then(
      (me) => dispatch({ kind: 'standing', status: me.status, ...(me.eliminated_at_question !== undefined ? { eliminatedAt: me.eliminated_at_question } : {}) }),
      () => undefined,
    );
  }, [missedResults, index, phase]);

  const answer = async (option: number) => {
    if (!e || !q) return;
    dispatch({ kind: 'answering', index, option });
    try {
      await client.submitAnswer({ episode_id: e.id, question_id: q.id, answer: String(option) });
      dispatch({ kind: 'answered', index, option });
    } catch (err) {
      const code = (err as { code?: string }).code;
      dispatch({ kind: 'answerRefused', index, eliminated: code === 'eliminated' });
      setError(code === 'answer_window_closed' ? t('show.tooLate') : errorText(err));
    }
  };

  const text = q ? localized(q, language) : undefined;
  const picked = state.answers[index] ?? (state.pending?.index === index ? state.pending.option : undefined);
  const locked = state.answers[index] !== undefined;
  const out = state.standing === 'eliminated' || state.standing === 'not_registered';
  const correct = q?.answer !== undefined ? Number(q.answer) : undefined;
  const total = state.statistics?.answer_counts.reduce((s, c) => s + c.count, 0) ?? 0;

  return (
    <main class="stack show" data-state={e?.state ?? ''} data-connection={connection}>
      <div class="row spread">
        <button type="button" onClick={onLeave}>
          {t('show.back')}
        </button>
        <span role="status" class={`connection ${connection}`} aria-live="polite">
          {t(`connection.${connection}`)}
        </span>
      </div>
      <h1>{e ? (e.title ?? e.game_id) : t('loading')}</h1>
      {e && (
        <p class="muted">
          {t('show.counts', { players: num(e.participant_count), remaining: num(e.remaining_count) })}
        </p>
      )}
      <ErrorAlert message={error} />
      {out && phase !== 'ended' && (
        <p class="notice eliminated" role="status">
          {state.standing === 'not_registered' ? t('show.watchingOnly') : t('show.eliminatedWatching', { question: (state.eliminatedAt ?? 0) + 1 })}
        </p>
      )}

      {phase === 'waiting' && e && (
        <section class="card" aria-labelledby="waiting">
          <h2 id="waiting">{t('show.waiting')}</h2>
          {e.state === 'STARTED' && <p class="countdown">{t('show.firstQuestionIn', { seconds: secondsLeft(e.next_step_at, now) })}</p>}
        </section>
      )}

      {q && text && (phase === 'open' || phase === 'closed' || phase === 'results') && (
        <section class="card question" aria-labelledby="question-text">
          <p class="muted">{t('show.questionOf', { n: index + 1, total: e!.qset.length })}</p>
          <h2 id="question-text" data-question-index={index}>
            {text.question}
          </h2>
          {q.media_url && <img src={q.media_url} alt={t('show.questionImage')} class="media" />}
          {phase === 'open' && (
            <p class="countdown" role="timer" aria-label={t('show.timeLeft')}>
              {t('show.secondsLeft', { seconds: secondsLeft(e!.question_end_timestamp, now) })}
            </p>
          )}
          {phase === 'open' ? (
            <div class="options" role="group" aria-label={t('show.options')}>
              {text.options.map((option, i) => (
                <button
                  key={i}
                  type="button"
                  class={`option${picked === i ? ' picked' : ''}`}
                  aria-pressed={picked === i}
                  disabled={out || picked !== undefined}
                  onClick={() => void answer(i)}
                >
                  {option}
                </button>
              ))}
            </div>
          ) : (
            <ol class="results" aria-label={t('show.results')}>
              {text.options.map((option, i) => {
                const count = state.statistics?.answer_counts[i]?.count;
                const share = count !== undefined && total > 0 ? Math.round((count / total) * 100) : 0;
                return (
                  <li key={i} class={`result${correct === i ? ' correct' : ''}${picked === i ? ' picked' : ''}`}>
                    <span class="label">
                      {option}
                      {correct === i && <span class="mark"> ✓ {t('show.rightAnswer')}</span>}
                      {picked === i && <span class="mark"> · {t('show.yourAnswer')}</span>}
                    </span>
                    {count !== undefined && (
                      <span class="count-bar" role="img" aria-label={t('show.answerCount', { count: num(count), share })}>
                        <progress max={100} value={share} aria-hidden="true" />
                        <span>{num(count)}</span>
                      </span>
                    )}
                  </li>
                );
              })}
            </ol>
          )}
          {phase === 'open' && locked && (
            <p class="notice locked" role="status">
              {t('show.locked', { option: text.options[picked!] ?? '' })}
            </p>
          )}
          {phase === 'closed' && <p role="status">{t('show.counting')}</p>}
          {phase === 'results' && (
            <p class={`notice ${state.standing === 'eliminated' ? 'eliminated' : 'through'}`} role="status">
              {state.standing === 'playing'
                ? t('show.through')
                : state.standing === 'eliminated' && state.eliminatedAt === index
                  ? t('show.eliminated')
                  : t('show.stillWatching')}
            </p>
          )}
        </section>
      )}

      {phase === 'ended' && e && <Winners client={client} episodeId={e.id} winnersCount={e.remaining_count} standing={state.standing} eliminatedAt={state.eliminatedAt} />}
      {phase === 'cancelled' && (
        <section class="card">
          <h2>{t('show.cancelled')}</h2>
        </section>
      )}
    </main>
  );
}

function Winners(props: { client: TriviaClient; episodeId: string; winnersCount: number; standing: string; eliminatedAt?: number }) {
  const { t, num } = useI18n();
  const [names, setNames] = useState<(string | null)[] | undefined>();
  useEffect(() => {
    props.client
      .getWinners(props.episodeId)
      .then((w) => setNames(w.winners.map((x) => x.nickname)))
      .catch(() => setNames([]));
  }, [props.episodeId]);
  return (
    <section class="card winners" aria-labelledby="winners">
      <h2 id="winners">{t('show.winnersTitle', { count: num(props.winnersCount) })}</h2>
      {names && names.length > 0 && (
        <ul aria-label={t('show.winnersList')}>
          {names.map((n, i) => (
            <li key={i}>{n ?? t('show.aPlayer')}</li>
          ))}
        </ul>
      )}
      <p class={`notice ${props.standing === 'winner' ? 'through' : 'eliminated'}`} role="status">
        {props.standing === 'winner'
          ? t('show.youWon')
          : props.standing === 'eliminated'
            ? t('show.youLost', { question: (props.eliminatedAt ?? 0) + 1 })
            : t('show.youWatched')}
      </p>
    </section>
  );
}
