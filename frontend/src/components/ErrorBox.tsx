// ErrorBox shows an error where it happened, in words a person can act on.
export function ErrorBox({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-700 dark:bg-red-950 dark:text-red-200">
      <p className="font-semibold">{title}</p>
      <p className="mt-1 whitespace-pre-line text-sm">{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 text-sm font-medium underline focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500">
          Try again
        </button>
      )}
    </div>
  )
}
