import { useEffect, useMemo, useState } from 'preact/hooks';
import { createClient } from '../shared/api.ts';
import type { AppConfig } from '../shared/config.ts';
import { useI18n } from '../shared/i18n.ts';
import { LanguagePicker } from '../shared/LanguagePicker.tsx';
import { Session } from '../shared/session.ts';
import { SignIn } from '../shared/SignIn.tsx';
import { Lobby } from './Lobby.tsx';
import { Show } from './Show.tsx';

/** `#/show/<episode id>` is the live show; anything else the lobby. */
const episodeOf = (hash: string) => /^#\/show\/([A-Za-z0-9-]{1,50})$/.exec(hash)?.[1];

export function App({ config }: { config: AppConfig }) {
  const { t } = useI18n();
  const session = useMemo(() => new Session(config), [config]);
  const client = useMemo(() => createClient(config, session), [session]);
  const [signedIn, setSignedIn] = useState(session.signedIn);
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    // The first call creates the player's record (its nickname is what a winners list shows).
    if (signedIn) client.getMe().catch(() => undefined);
  }, [signedIn]);

  const episodeId = episodeOf(hash);
  return (
    <>
      <header class="bar">
        <a href="#/" class="brand">
          Trivia Live
        </a>
        <div class="row">
          <LanguagePicker />
          {signedIn && (
            <button
              type="button"
              onClick={() => {
                session.signOut();
                setSignedIn(false);
              }}
            >
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      {!signedIn ? (
        <SignIn session={session} signUpEnabled={config.SignUpEnabled ?? false} onSignedIn={() => setSignedIn(true)} />
      ) : episodeId ? (
        <Show key={episodeId} client={client} episodeId={episodeId} onLeave={() => (location.hash = '#/')} />
      ) : (
        <Lobby client={client} onOpen={(id) => (location.hash = `#/show/${id}`)} />
      )}
    </>
  );
}
