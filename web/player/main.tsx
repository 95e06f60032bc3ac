import { render } from 'preact';
import { loadConfig } from '../shared/config.ts';
import '../shared/base.css';
import { App } from './App.tsx';

const root = document.getElementById('app')!;
loadConfig()
  .then((config) => render(<App config={config} />, root))
  .catch((err: Error) => {
    root.textContent = `Trivia Live cannot start: ${err.message}`;
  });

// The service worker caches the app shell only; live data always comes from the network.
if ('serviceWorker' in navigator && location.protocol === 'https:') {
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
