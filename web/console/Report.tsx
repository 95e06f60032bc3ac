/** The report of an episode: winners, per-question distributions, the survival curve and answer latency charts, timings. */
import { useEffect, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { ReportOut } from '../../lambda/domain/contract.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { LineChart } from './Chart.tsx';
import { Distribution } from './Distribution.tsx';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';
import { TableHead } from './TableHead.tsx';

export function Report({ client, episodeId }: { client: TriviaClient; episodeId: string }) {
  const { t, num, time } = useI18n();
  const [report, setReport] = useState<ReportOut | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    client.getReport(episodeId).then(setReport, (err) => setError(errorText(err)));
  }, [episodeId]);

  if (error)
    return (
      <main>
        <ErrorAlert message={error} />
      </main>
    );
  if (!report)
    return (
      <main>
        <p role="status">{t('loading')}</p>
      </main>
    );
  const r = report;
  return (
    <main class="stack">
      <h1>{t('c.report.title', { id: episodeId })}</h1>
      <section class="grid2">
        <div class="card">
          <h2>{t('c.report.winners', { count: num(r.winners_count) })}</h2>
          <ul>
            {r.winners.slice(0, 50).map((w) => (
              <li key={w.user_id}>{w.nickname ?? w.user_id}</li>
            ))}
          </ul>
        </div>
        <div class="card">
          <h2>{t('c.report.timings')}</h2>
          <p>{t('c.report.state', { state: r.episode.state, players: num(r.episode.participant_count) })}</p>
          {r.timings.started_at && <p>{t('c.report.started', { time: time(r.timings.started_at) })}</p>}
          {r.timings.duration_ms !== null && <p>{t('c.report.duration', { seconds: num(Math.round(r.timings.duration_ms / 1000)) })}</p>}
        </div>
      </section>
      <section class="card" aria-labelledby="curve">
        <h2 id="curve">{t('c.live.survival')}</h2>
        <LineChart
          title={t('c.live.survivalCaption')}
          xLabel={t('c.live.afterQuestion')}
          x={r.survival_curve.map((p) => p.after_question + 1)}
          series={[{ label: t('c.live.remainingLabel'), values: r.survival_curve.map((p) => p.remaining) }]}
        />
        <table>
          <TableHead columns={[t('c.live.afterQuestion'), t('c.live.remainingLabel')]} />
          <tbody>
            {r.survival_curve.map((p) => (
              <tr key={p.after_question}>
                <td>{p.after_question + 1}</td>
                <td>{num(p.remaining)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {r.questions.length > 0 && (
        <section class="card" aria-labelledby="answered">
          <h2 id="answered">{t('c.report.answeredPerQuestion')}</h2>
          <LineChart
            bars
            title={t('c.report.answeredCaption')}
            xLabel={t('c.report.question')}
            x={r.questions.map((q) => q.question_index + 1)}
            series={[
              { label: t('c.report.answered'), values: r.questions.map((q) => q.answered_count) },
              { label: t('c.report.advancing'), values: r.questions.map((q) => q.advancing_count) },
            ]}
          />
        </section>
      )}
      <section class="card" aria-labelledby="per-question">
        <h2 id="per-question">{t('c.live.distribution')}</h2>
        {r.questions.map((q) => (
          <Distribution key={q.question_index} stats={q} />
        ))}
      </section>
      <section class="card" aria-labelledby="key-events">
        <h2 id="key-events">{t('c.report.keyEvents')}</h2>
        <ul>
          {r.key_events.slice(0, 30).map((k, i) => (
            <li key={i}>
              {time(k.time)}: {k.description}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
