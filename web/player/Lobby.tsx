/** Upcoming and live episodes, each with `Join` while registration is open (browser tests rely on the name). */
import { useEffect, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { EpisodeViewOut } from '../../lambda/domain/contract.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';

const registrationOpen = (e: EpisodeViewOut) => e.state === 'CREATED' || (e.state === 'STARTED' && e.server_time < e.next_step_at);

export function Lobby({ client, onOpen }: { client: TriviaClient; onOpen: (episodeId: string) => void }) {
  const { t, time, num } = useI18n();
  const [episodes, setEpisodes] = useState<EpisodeViewOut[] | undefined>();
  const [error, setError] = useState('');
  const [joining, setJoining] = useState('');

  const load = async () => {
    setError('');
    try {
      setEpisodes((await client.listEpisodes()).items);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => void load(), []);

  const join = async (e: EpisodeViewOut) => {
    setJoining(e.id);
    setError('');
    try {
      await client.register(e.id);
      onOpen(e.id);
    } catch (err) {
      setError(errorText(err));
      setJoining('');
    }
  };

  return (
    <main class="stack">
      <div class="row spread">
        <h1>{t('lobby.title')}</h1>
        <button type="button" onClick={() => void load()}>
          {t('lobby.refresh')}
        </button>
      </div>
      <ErrorAlert message={error} />
      {episodes === undefined && !error && <p role="status">{t('loading')}</p>}
      {episodes?.length === 0 && <p>{t('lobby.none')}</p>}
      <ul class="episodes" aria-label={t('lobby.title')}>
        {episodes?.map((e) => {
          const live = e.state !== 'CREATED' && e.state !== 'STARTED';
          const startsAt = e.state === 'STARTED' ? e.next_step_at : e.start_at;
          return (
            <li key={e.id} class="card">
              <h2>{e.title ?? e.game_id}</h2>
              <p class="muted">
                {live ? <strong class="badge live">{t('lobby.live')}</strong> : <span class="badge">{t('lobby.upcoming')}</span>}{' '}
                {startsAt ? t('lobby.startsAt', { time: time(startsAt) }) : t('lobby.startsWhenFull', { min: num(e.min_participant) })}
                {' · '}
                {t('lobby.players', { count: num(e.participant_count) })}
              </p>
              {registrationOpen(e) ? (
                <button type="button" class="primary" disabled={joining === e.id} onClick={() => void join(e)} aria-describedby={`ep-${e.id}`}>
                  {t('lobby.join')}
                </button>
              ) : (
                <button type="button" onClick={() => onOpen(e.id)} aria-describedby={`ep-${e.id}`}>
                  {t('lobby.watch')}
                </button>
              )}
              <span id={`ep-${e.id}`} class="visually-hidden">
                {e.title ?? e.game_id}
              </span>
            </li>
          );
        })}
      </ul>
    </main>
  );
}
