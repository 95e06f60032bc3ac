import { render } from 'preact';
import { loadConfig } from '../shared/config.ts';
import '../shared/base.css';
import { App } from './App.tsx';

const root = document.getElementById('app')!;
loadConfig()
  .then((config) => render(<App config={config} />, root))
  .catch((err: Error) => {
    root.textContent = `The console cannot start: ${err.message}`;
  });
