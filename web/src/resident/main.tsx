import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ResidentApp } from './ResidentApp';
import './h5.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ResidentApp />
  </StrictMode>,
);
