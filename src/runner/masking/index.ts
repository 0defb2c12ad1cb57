export { createMasker, maskText, MASK, type Masker } from './masker.js';
export { secretForms, MIN_SECRET_LENGTH } from './secret-forms.js';
