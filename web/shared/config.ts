/**
 * Where the stack is, read at start from `/config.json` (written at deploy and by `npm start`): nothing is baked into
 * the build. The names are the stack's outputs (cdk-outputs.json), so one fact keeps one name everywhere.
 */
export interface AppConfig {
  ApiUrl: string;
  UserPoolId: string;
  UserPoolClientId: string;
  CognitoEndpoint: string;
  EventApiHttpEndpoint?: string;
  EventApiRealtimeEndpoint?: string;
  /** The pool lets people sign up themselves and confirms their email with a code (AWS: yes; locally: no mail). */
  SignUpEnabled?: boolean;
  Stage?: string;
}

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const config = (await res.json()) as AppConfig;
  // The API may be this very origin (CloudFront serves both): an empty ApiUrl means "here".
  return { ...config, ApiUrl: (config.ApiUrl || location.origin).replace(/\/+$/, '') };
}
