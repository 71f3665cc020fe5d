import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

const control =
  'block w-full rounded-8 border border-solid-gray-600 bg-white px-4 py-3 text-std-16N-170 text-solid-gray-900 hover:border-black focus:outline-4 focus:outline-offset-2 focus:outline-black focus:ring-2 focus:ring-yellow-300 aria-[invalid=true]:border-error-1 aria-[invalid=true]:border-2 disabled:bg-solid-gray-50';

interface FieldShell {
  label: string;
  /** The server's message for this field (from problem+json `errors[]`). */
  error?: string;
  hint?: ReactNode;
  required?: boolean;
}

/** Label, hint, control and error, wired so a screen reader reads all of them together. */
function Shell({ id, label, error, hint, required, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-std-17B-170 text-solid-gray-900">
        {label}
        {required && <span className="ml-2 rounded-4 bg-error-2 px-1 text-dns-14B-120 text-white">必須</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="text-dns-16N-130 text-solid-gray-700">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="text-dns-16B-130 text-error-2">
          ＊{error}
        </p>
      )}
    </div>
  );
}

function described(id: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

export function TextField({
  label,
  error,
  hint,
  required,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} hint={hint} required={required}>
      <input
        id={id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, hint, error)}
        required={required}
        {...input}
      />
    </Shell>
  );
}

export function TextArea({
  label,
  error,
  hint,
  required,
  ...input
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} hint={hint} required={required}>
      <textarea
        id={id}
        rows={4}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, hint, error)}
        required={required}
        {...input}
      />
    </Shell>
  );
}

export function SelectField({
  label,
  error,
  hint,
  required,
  children,
  ...input
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} error={error} hint={hint} required={required}>
      <select
        id={id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, hint, error)}
        required={required}
        {...input}
      >
        {children}
      </select>
    </Shell>
  );
}

/** A group of checkboxes with one legend (collaborating units, target units). */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-std-17B-170 text-solid-gray-900">{legend}</legend>
      <div className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-4">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-2 text-dns-16N-130">
            <input
              type="checkbox"
              className="size-5 shrink-0 accent-blue-900 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
              checked={value.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="text-dns-16B-130 text-error-2">
          ＊{error}
        </p>
      )}
    </fieldset>
  );
}
