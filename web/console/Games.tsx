/** The game builder: pick questions from the bank and put them in order. */
import { useEffect, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { GameOut, QuestionOut } from '../../lambda/domain/contract.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';

export function Games({ client }: { client: TriviaClient }) {
  const { t } = useI18n();
  const [bank, setBank] = useState<QuestionOut[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [created, setCreated] = useState<GameOut | undefined>();
  const [error, setError] = useState('');

  useEffect(() => {
    void (async () => {
      try {
        const all: QuestionOut[] = [];
        for await (const q of client.allQuestions()) all.push(q);
        setBank(all);
      } catch (err) {
        setError(errorText(err));
      }
    })();
  }, []);

  const byId = new Map(bank.map((q) => [q.id, q]));
  const move = (i: number, by: number) => {
    const next = [...chosen];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item);
    setChosen(next);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      setCreated(await client.createGame({ qset: chosen, ...(title.trim() ? { title: title.trim() } : {}) }));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <main class="stack">
      <h1>{t('c.games.title')}</h1>
      <div class="grid2">
        <section class="card" aria-labelledby="pick">
          <h2 id="pick">{t('c.games.bank')}</h2>
          <ul class="stack plain">
            {bank.map((q) => (
              <li key={q.id} class="row spread">
                <span>{q.question}</span>
                <button type="button" disabled={chosen.includes(q.id)} onClick={() => setChosen([...chosen, q.id])} aria-label={t('c.games.add', { question: q.question })}>
                  {t('c.games.addShort')}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="order">
          <h2 id="order">{t('c.games.order', { count: chosen.length })}</h2>
          <form class="stack" onSubmit={submit}>
            <label>
              {t('c.games.gameTitle')}
              <input maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            </label>
            <ol class="stack">
              {chosen.map((id, i) => {
                const text = byId.get(id)?.question ?? id;
                return (
                  <li key={id}>
                    <span>{text}</span>
                    <div class="row">
                      <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('c.games.up', { question: text })}>
                        ↑
                      </button>
                      <button type="button" disabled={i === chosen.length - 1} onClick={() => move(i, 1)} aria-label={t('c.games.down', { question: text })}>
                        ↓
                      </button>
                      <button type="button" onClick={() => setChosen(chosen.filter((c) => c !== id))} aria-label={t('c.games.remove', { question: text })}>
                        ✕
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <ErrorAlert message={error} />
            <button type="submit" class="primary" disabled={chosen.length === 0}>
              {t('c.games.create')}
            </button>
            {created && (
              <p role="status">
                {t('c.games.created', { id: created.id })} <a href={`#/episodes?game=${encodeURIComponent(created.id)}`}>{t('c.games.schedule')}</a>
              </p>
            )}
          </form>
        </section>
      </div>
    </main>
  );
}
