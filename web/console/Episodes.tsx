/** Scheduling an episode (timings within their allowed ranges), and the upcoming and live episodes with their control rooms. */
import { useEffect, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { EpisodeViewOut } from '../../lambda/domain/contract.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';
import { TableHead } from './TableHead.tsx';

/** The contract's ranges (DESIGN.md, `POST /api/v1/episode/`). */
export const TIMING_RANGES = {
  answer_window_seconds: { min: 1, max: 60, default: 10 },
  reveal_seconds: { min: 0, max: 60, default: 5 },
  lead_seconds: { min: 0, max: 3600, default: 60 },
} as const;
type Timing = keyof typeof TIMING_RANGES;

export function Episodes({ client, gameId }: { client: TriviaClient; gameId: string }) {
  const { t, time, num } = useI18n();
  const [game, setGame] = useState(gameId);
  const [minParticipants, setMinParticipants] = useState(2);
  const [startAt, setStartAt] = useState('');
  const [timings, setTimings] = useState<Record<Timing, number>>({ answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60 });
  const [episodes, setEpisodes] = useState<EpisodeViewOut[]>([]);
  const [created, setCreated] = useState<EpisodeViewOut | undefined>();
  const [reportId, setReportId] = useState('');
  const [error, setError] = useState('');

  const load = () => client.listEpisodes().then((l) => setEpisodes(l.items), (err) => setError(errorText(err)));
  useEffect(() => void load(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      // datetime-local is the viewer's own time zone; the API takes epoch ms.
      const start = startAt ? new Date(startAt).getTime() : undefined;
      const episode = await client.createEpisode({ game_id: game.trim(), min_participant: minParticipants, ...(start ? { start_at: start } : {}), ...timings });
      setCreated(episode);
      void load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const timingLabel: Record<Timing, string> = {
    answer_window_seconds: t('c.episodes.window'),
    reveal_seconds: t('c.episodes.reveal'),
    lead_seconds: t('c.episodes.lead'),
  };
  return (
    <main class="stack">
      <h1>{t('c.episodes.title')}</h1>
      <section class="card" aria-labelledby="schedule">
        <h2 id="schedule">{t('c.episodes.schedule')}</h2>
        <form class="stack" onSubmit={submit}>
          <label>
            {t('c.episodes.game')}
            <input required value={game} onInput={(e) => setGame(e.currentTarget.value)} />
          </label>
          <label>
            {t('c.episodes.minParticipants')}
            <input type="number" min={1} max={10_000_000} required value={minParticipants} onInput={(e) => setMinParticipants(Number(e.currentTarget.value))} />
          </label>
          <label>
            {t('c.episodes.startAt', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
            <input type="datetime-local" value={startAt} onInput={(e) => setStartAt(e.currentTarget.value)} />
          </label>
          {(Object.keys(TIMING_RANGES) as Timing[]).map((k) => (
            <label key={k}>
              {timingLabel[k]} ({t('c.episodes.range', { min: TIMING_RANGES[k].min, max: TIMING_RANGES[k].max })})
              <input
                type="number"
                required
                min={TIMING_RANGES[k].min}
                max={TIMING_RANGES[k].max}
                value={timings[k]}
                onInput={(e) => setTimings({ ...timings, [k]: Number(e.currentTarget.value) })}
              />
            </label>
          ))}
          <ErrorAlert message={error} />
          <button type="submit" class="primary">
            {t('c.episodes.create')}
          </button>
          {created && (
            <p role="status">
              {t('c.episodes.created', { id: created.id })} <a href={`#/live/${encodeURIComponent(created.id)}`}>{t('c.episodes.controlRoom')}</a>
            </p>
          )}
        </form>
      </section>
      <section class="card" aria-labelledby="running">
        <h2 id="running">{t('c.episodes.running')}</h2>
        <table>
          <TableHead columns={[t('c.episodes.episode'), t('c.episodes.state'), t('c.episodes.players'), t('c.episodes.starts')]} />
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id}>
                <td>
                  <a href={`#/live/${encodeURIComponent(e.id)}`}>{e.title ?? e.id}</a>
                </td>
                <td>{e.state}</td>
                <td>{num(e.participant_count)}</td>
                <td>{e.start_at ? time(e.start_at) : e.state === 'STARTED' ? time(e.next_step_at) : t('c.episodes.whenFull')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="reports">
        <h2 id="reports">{t('c.episodes.reports')}</h2>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            location.hash = `#/report/${encodeURIComponent(reportId.trim())}`;
          }}
        >
          <label>
            {t('c.episodes.episodeId')}
            <input required value={reportId} onInput={(e) => setReportId(e.currentTarget.value)} />
          </label>
          <button type="submit">{t('c.episodes.openReport')}</button>
        </form>
      </section>
    </main>
  );
}
