import type { ComponentChildren } from 'preact';

/**
 * The UI's tables: inside a box that scrolls sideways on narrow screens (the page itself never does),
 * one header cell per column and, when rows carry buttons, a last column named "Actions" for screen
 * readers only. `class` adds the table's own classes (`stack`: rows become blocks on phones).
 */
export function DataTable(props: { class?: string; columns: readonly string[]; actions?: boolean; children: ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table class={props.class}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {props.actions && (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
