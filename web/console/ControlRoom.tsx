/**
 * The live control room of one episode, by push (`TriviaClient.watch`): state and countdown, participants, the answer
 * distribution of each question as its results arrive, the survival curve, publish lag; errors and dead letters
 * (with redrive); cancel after a confirmation.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { WatchStatus } from '../../client/watch.ts';
import type { EpisodeView } from '../../lambda/domain/episode.ts';
import type { PublicStatistics } from '../../lambda/domain/live.ts';
import type { DeadLetterStatus, ErrorRecord } from '../../lambda/domain/operations.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { LineChart } from './Chart.tsx';
import { Distribution } from './Distribution.tsx';
import { TableHead } from './TableHead.tsx';


export function ControlRoom({ client, episodeId }: { client: TriviaClient; episodeId: string }) {
  const { t, num, time } = useI18n();
  const [episode, setEpisode] = useState<EpisodeView | undefined>();
  const [stats, setStats] = useState<Record<number, PublicStatistics>>({});
  // Each question's options, seen while it was the current one (the statistics carry counts by index only).
  const [options, setOptions] = useState<Record<number, string[]>>({});
  const [lags, setLags] = useState<number[]>([]);
  const [connection, setConnection] = useState<WatchStatus>('connecting');
  const [errors, setErrors] = useState<ErrorRecord[]>([]);
  const [dlq, setDlq] = useState<DeadLetterStatus | undefined>();
  const [message, setMessage] = useState('');
  const [now, setNow] = useState(() => client.serverNow());
  const dialog = useRef<HTMLDialogElement>(null);

  const loadOperations = () => {
    client.errors({ episode_id: episodeId, limit: 20 }).then((p) => setErrors(p.items), () => undefined);
    client.dlqStatus().then(setDlq, () => undefined);
  };

  useEffect(() => {
    const abort = new AbortController();
    client.getEpisode(episodeId).catch((err) => setMessage(errorText(err)));
    loadOperations();
    void (async () => {
      try {
        for await (const item of client.watch(episodeId, { signal: abort.signal, onStatus: setConnection })) {
          setEpisode(item.episode);
          const q = item.episode.current_question;
          if (q) setOptions((old) => (old[item.episode.current_question_index] ? old : { ...old, [item.episode.current_question_index]: q.options }));
          // How long the push took: the server's clock at arrival minus the commit time the event carries.
          if (item.type !== 'snapshot') setLags((l) => [...l.slice(-49), Math.max(0, client.serverNow() - item.server_time)]);
          const s = item.statistics;
          if (s) setStats((old) => ({ ...old, [s.question_index]: s }));
          if (item.type === 'question.results' || item.type === 'episode.ended') loadOperations();
        }
      } catch (err) {
        if (!abort.signal.aborted) setMessage(errorText(err));
      }
    })();
    const timer = setInterval(() => setNow(client.serverNow()), 500);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [episodeId]);

  const cancel = async () => {
    dialog.current?.close();
    try {
      setEpisode(await client.cancelEpisode(episodeId));
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  const redrive = async (queue: string) => {
    try {
      const r = await client.redriveDlq(queue);
      setMessage(t('c.live.redriveStarted', { queue, count: r.approximate_messages }));
      loadOperations();
    } catch (err) {
      setMessage(errorText(err));
    }
  };

  const e = episode;
  const over = e?.state === 'ENDED' || e?.state === 'CANCELLED';
  const due = e?.state === 'QUESTION_OPEN' ? e.question_end_timestamp : e?.next_step_at;
  const finals = Object.values(stats).sort((a, b) => a.question_index - b.question_index);
  const curve = e ? [{ q: 0, remaining: e.participant_count }, ...finals.map((s) => ({ q: s.question_index + 1, remaining: s.players_before - s.eliminated_count }))] : [];
  const lastLag = lags.at(-1);
  return (
    <main class="stack">
      <div class="row spread">
        <h1>{t('c.live.title', { id: episodeId })}</h1>
        <span role="status" class={`connection ${connection}`}>
          {t(`connection.${connection}`)}
        </span>
      </div>
      {message && <p role="alert">{message}</p>}
      {e && (
        <section class="grid2" aria-label={t('c.live.summary')}>
          <div class="card">
            <h2>{t('c.live.state')}</h2>
            <p class="stat" data-testid="state">
              {e.state}
              {e.current_question_index >= 0 && !over ? ` · ${t('c.live.question', { n: e.current_question_index + 1, total: e.qset.length })}` : ''}
            </p>
            {!over && due ? <p>{t('c.live.nextStep', { seconds: Math.max(0, Math.ceil((due - now) / 1000)) })}</p> : null}
            {e.start_at && <p class="muted">{t('c.live.startAt', { time: time(e.start_at) })}</p>}
          </div>
          <div class="card">
            <h2>{t('c.live.participants')}</h2>
            <p class="stat" data-testid="participants">
              {num(e.participant_count)}
            </p>
            <p>{t('c.live.remaining', { count: num(e.remaining_count) })}</p>
          </div>
          <div class="card">
            <h2>{t('c.live.lag')}</h2>
            <p class="stat">{lastLag === undefined ? '—' : `${num(lastLag)} ms`}</p>
            {lags.length > 0 && <p class="muted">{t('c.live.lagMax', { max: num(Math.max(...lags)), n: lags.length })}</p>}
          </div>
        </section>
      )}
      {e?.current_question && (
        <section class="card" aria-labelledby="current">
          <h2 id="current">{t('c.live.current')}</h2>
          <p>{e.current_question.question}</p>
        </section>
      )}
      <section class="card" aria-labelledby="distribution">
        <h2 id="distribution">{t('c.live.distribution')}</h2>
        {finals.length === 0 && <p class="muted">{t('c.live.noResults')}</p>}
        {finals.map((s) => (
          <Distribution key={s.question_index} stats={s} options={options[s.question_index]} />
        ))}
      </section>
      {curve.length > 1 && (
        <section class="card" aria-labelledby="survival">
          <h2 id="survival">{t('c.live.survival')}</h2>
          <LineChart title={t('c.live.survivalCaption')} xLabel={t('c.live.afterQuestion')} x={curve.map((p) => p.q)} series={[{ label: t('c.live.remainingLabel'), values: curve.map((p) => p.remaining) }]} />
        </section>
      )}
      <section class="card" aria-labelledby="errors">
        <h2 id="errors">{t('c.live.errors')}</h2>
        {errors.length === 0 ? (
          <p class="muted">{t('c.live.noErrors')}</p>
        ) : (
          <table>
            <TableHead columns={[t('c.live.at'), t('c.live.reason'), t('c.live.source')]} />
            <tbody>
              {errors.map((r) => (
                <tr key={r.id}>
                  <td>{time(r.at)}</td>
                  <td>{r.reason}</td>
                  <td>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>{t('c.live.deadLetters')}</h3>
        <ul class="plain stack">
          {dlq?.queues.map((q) => (
            <li key={q.queue} class="row">
              <span>{t('c.live.dlqLine', { queue: q.queue, count: q.messages })}</span>
              {q.redrivable && q.messages > 0 && (
                <button type="button" onClick={() => void redrive(q.queue)}>
                  {t('c.live.redrive', { queue: q.queue })}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      <div class="row">
        {!over && (
          <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
            {t('c.live.cancel')}
          </button>
        )}
        {e?.state === 'ENDED' && <a href={`#/report/${encodeURIComponent(episodeId)}`}>{t('c.live.report')}</a>}
      </div>
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t('c.live.confirmTitle')}</h2>
        <p>{t('c.live.confirmBody', { count: num(e?.participant_count ?? 0) })}</p>
        <div class="row">
          <button type="button" class="danger" onClick={() => void cancel()}>
            {t('c.live.confirmYes')}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('c.live.confirmNo')}
          </button>
        </div>
      </dialog>
    </main>
  );
}
