/** The host console: producers (the `admin` group) only; anyone else is told so plainly. Hash routes. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createClient } from '../shared/api.ts';
import type { AppConfig } from '../shared/config.ts';
import { useI18n } from '../shared/i18n.ts';
import { LanguagePicker } from '../shared/LanguagePicker.tsx';
import { Session } from '../shared/session.ts';
import { SignIn } from '../shared/SignIn.tsx';
import { ControlRoom } from './ControlRoom.tsx';
import { Episodes } from './Episodes.tsx';
import { Games } from './Games.tsx';
import { Questions } from './Questions.tsx';
import { Report } from './Report.tsx';

export function App({ config }: { config: AppConfig }) {
  const { t } = useI18n();
  const session = useMemo(() => new Session(config), [config]);
  const client = useMemo(() => createClient(config, session), [session]);
  const [signedIn, setSignedIn] = useState(session.signedIn);
  const [hash, setHash] = useState(location.hash || '#/questions');
  useEffect(() => {
    const onHash = () => setHash(location.hash || '#/questions');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const [, page, arg] = /^#\/([a-z]+)(?:\/([^?]*))?/.exec(hash) ?? [];
  const signOut = () => {
    session.signOut();
    setSignedIn(false);
  };
  const nav = [
    ['questions', t('c.nav.questions')],
    ['games', t('c.nav.games')],
    ['episodes', t('c.nav.episodes')],
  ] as const;

  return (
    <>
      <header class="bar">
        <a href="#/questions" class="brand">
          {t('c.title')}
        </a>
        {signedIn && session.isAdmin && (
          <nav aria-label={t('c.nav.label')}>
            <ul>
              {nav.map(([id, label]) => (
                <li key={id}>
                  <a href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
              <li>
                <a href="/console/apiDocs.html">{t('c.nav.apiDocs')}</a>
              </li>
            </ul>
          </nav>
        )}
        <div class="row">
          <LanguagePicker />
          {signedIn && (
            <button type="button" onClick={signOut}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      {!signedIn ? (
        <SignIn session={session} signUpEnabled={false} onSignedIn={() => setSignedIn(true)} />
      ) : !session.isAdmin ? (
        <main class="card narrow">
          <h1>{t('c.refused.title')}</h1>
          <p role="alert">{t('c.refused.body', { email: session.email })}</p>
          <p>
            <a href="/">{t('c.refused.player')}</a>
          </p>
        </main>
      ) : page === 'games' ? (
        <Games client={client} />
      ) : page === 'episodes' ? (
        <Episodes client={client} gameId={new URLSearchParams(hash.split('?')[1] ?? '').get('game') ?? ''} />
      ) : page === 'live' && arg ? (
        <ControlRoom key={arg} client={client} episodeId={decodeURIComponent(arg)} />
      ) : page === 'report' && arg ? (
        <Report key={arg} client={client} episodeId={decodeURIComponent(arg)} />
      ) : (
        <Questions client={client} />
      )}
    </>
  );
}
