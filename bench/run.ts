/**
 * `npm run bench`: one question, N players, two answer paths, the same DynamoDB Local.
 *
 * - ours: players register and answer through the real HTTP API (JWT authorizer, answer handler, answers queue,
 *   consumer, stream grader, runner); "counted" means the grader's partial sums reached every accepted answer.
 * - refused: the same players answer again at the same concurrency, 409 each, recorded in the background; their
 *   latency and CPU beside the accepted answers', and proof that every refusal's event was recorded.
 * - baseline: the original system's synchronous path (bench/baseline/submitResponse.ts), behind the same kind of
 *   HTTP server and authorizer, at the same concurrency.
 * A metering proxy in front of DynamoDB Local counts the write requests of each phase and the hottest item.
 * Each path first plays a smaller warm-up round (warm containers and JIT, as in a show's steady state), and each
 * measured phase starts once the stack's event sources are idle (the previous phase's backlog has drained).
 * Both paths share this machine's cores, so the bench also reports the CPU each costs per answer.
 *
 * The phases live in bench/answers/: config.ts (flags), setUp.ts (stack and players), ours.ts (our path, its
 * final statistics), refusals.ts (the same players' second answers, refused), baseline.ts (the original path), report.ts (figures, price, the table and the file).
 *
 * Flags: --players N (2000), --concurrency C (64), --accuracy p (0.7), --out FILE (bench-results.json).
 */
import { log, readConfig } from './answers/config.ts';
import { measureBaseline } from './answers/baseline.ts';
import { finalStatistics, playShow } from './answers/ours.ts';
import { measureRefusals } from './answers/refusals.ts';
import { computeBetween, report } from './answers/report.ts';
import { meter, quiescent, setUpBench } from './answers/setUp.ts';

async function main() {
  const config = readConfig();
  const bench = await setUpBench(config);
  const { stack, run, players } = bench;
  try {
    // Warm containers, as in a show's steady state: a first, smaller show loads and JIT-compiles the answer path
    // (and DynamoDB Local's) before the measured one.
    log(`warm-up show: ${config.warmupPlayers} players`);
    await playShow(bench, `${run}-warmup`, bench.warmupPlayers);

    log(`measured show: ${config.players} players register, then answer`);
    const episodeId = `${run}-episode`;
    const show = await playShow(bench, episodeId, players);
    log(`ours: ${show.accepted} accepted in ${((show.tAccepted - show.t0) / 1000).toFixed(2)} s, counted after ${((show.tCounted - show.t0) / 1000).toFixed(2)} s`);
    const closeToFinalMs = await finalStatistics(bench, episodeId, show.accepted);
    const ours = {
      answers: show.accepted,
      seconds: (show.tCounted - show.t0) / 1000,
      latencies: show.latencies,
      meter: meter(stack),
      compute: computeBetween(show.statsBefore, stack.stats().sources),
      // SendMessage per answer; consumers receive and delete in batches of up to 10 requests' worth.
      sqsRequests: show.accepted + 2 * Math.ceil(show.accepted / 10),
      closeToFinalMs,
      cpu: show.cpu,
    };

    const refused = await measureRefusals(bench, episodeId, players);
    log(`refused: ${refused.latencies.length} second answers, ${JSON.stringify(refused.refused_by_code)}, every one recorded`);

    await quiescent(stack);
    const baseline = await measureBaseline(bench);

    report(config, { ours, baseline, refused });
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
