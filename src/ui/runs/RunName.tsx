// A run's name, editable in place (Enter or blur saves, Escape cancels).
import { useState } from 'react';
import { renameRun } from '../../store/actions';
import type { CompareRow } from '../../store/selectors';

export function RunName({ row }: { row: CompareRow }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (editing !== null) {
    return (
      <input
        className="rename"
        aria-label="Run name"
        autoFocus
        value={editing}
        data-testid="rename-input"
        onChange={(e) => setEditing(e.target.value)}
        onClick={(e) => e.stopPropagation()}
        onBlur={() => {
          renameRun(row.id, editing);
          setEditing(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') setEditing(null);
        }}
      />
    );
  }
  return (
    <span className="run-name">
      <span data-testid="run-name">{row.name}</span>
      <button
        type="button"
        className="icon"
        title="Rename"
        aria-label={`Rename ${row.name}`}
        onClick={(e) => {
          e.stopPropagation();
          setEditing(row.name);
        }}
      >
        ✎
      </button>
    </span>
  );
}
