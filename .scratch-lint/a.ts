import { pipelineSchema } from '../src/pipeline/schema.js';
import { z } from 'zod';
const r = pipelineSchema.safeParse({ version: 2, on: { push: { branches: 3 } }, jobs: { test: { neds: ['a'], needs: 5, steps: [{ run: 1 }], retry: 'x', matrix: { node: 3 } } } });
if (!r.success) console.log(JSON.stringify(r.error.issues, null, 1));
const r2 = pipelineSchema.safeParse({ version: 1, on: 'pus', jobs: {} });
if (!r2.success) console.log(JSON.stringify(r2.error.issues, null, 1));
const r3 = pipelineSchema.safeParse({ version: 1, jobs: { a: {steps: []} }, notify: 4 });
if (!r3.success) console.log(JSON.stringify(r3.error.issues, null, 1));
