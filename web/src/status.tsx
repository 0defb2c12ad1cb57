import type { StatusName } from '../../src/api-client/types.js';
import { STATUS_ICON } from './format.js';

export function Status({ status }: { status: StatusName }) {
  return (
    <span class={`status s-${status}`} data-status={status}>
      <span aria-hidden="true">{STATUS_ICON[status]}</span> {status}
    </span>
  );
}
