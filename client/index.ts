/**
 * Trivia Live's typed client: `import { TriviaClient, CognitoAuth, findOutputs } from 'trivia-live'`.
 *
 *   const stack = findOutputs();                                   // cdk-outputs.json or cdk-outputs.local.json
 *   const auth = new CognitoAuth({ clientId: stack.outputs.UserPoolClientId, endpoint: stack.outputs.CognitoEndpoint });
 *   await auth.signIn('player1@example.com', 'Passw0rd!');
 *   const api = new TriviaClient({ apiUrl: stack.outputs.ApiUrl, auth });
 *   const episode = await api.getEpisode('e1');
 */
export { TriviaClient, type TriviaClientOptions, type RawResponse, type RequestOptions, type AnswerResult } from './client.ts';
export { CognitoAuth, sdkCognitoTransport, staticToken, jwtClaims, regionOf, type CognitoAuthOptions, type CognitoTransport, type TokenSource, type Tokens, type SignInFlow } from './auth.ts';
export { ApiError, NetworkError, ContractError, AuthError, isApiError } from './errors.ts';
export { connectRealtime, RealtimeError, RealtimeClosedError, REALTIME_SUBPROTOCOL, type RealtimeOptions, type RealtimeConnection, type RealtimeSubscription, type RealtimeSocketConstructor } from './realtime.ts';
export { ServerClock, type ClockSample } from './clock.ts';
export { backoffMs, isRetryableStatus, retryAfterMs, DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
export { findOutputs, readOutputs, isLocalEndpoint, OutputsError, type StackOutputs, type StackTarget } from './outputs.ts';
export { provisionLocalBots, readBotsFile, mapLimit, type BotCredentials } from './bots.ts';
export { simulate, pickAnswer, QUESTION_BANK, type SimulationOptions, type SimulationResult, type SimulationEvent, type Timings } from './simulate.ts';
export * as contract from '../lambda/domain/contract.ts';
