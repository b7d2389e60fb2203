import { useApp } from "../store";

export function LoadingIndicator() {
  const loading = useApp((s) => s.loading);
  if (loading.length === 0) return null;
  return (
    <div className="loading" data-testid="loading">
      {loading.map((l) => (
        <div key={l.id} className="loading-item">
          <span>{l.label}…</span>
          <div className="progress" />
        </div>
      ))}
    </div>
  );
}
