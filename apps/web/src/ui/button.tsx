import type { ComponentProps, ReactNode } from 'react';
import { Link, type LinkProps } from 'react-router';

type Variant = 'primary' | 'secondary' | 'danger' | 'text';

const base =
  'inline-flex items-center justify-center gap-2 rounded-8 px-4 py-2 text-oln-16B-100 min-h-11 border-2 transition-colors focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black focus-visible:bg-yellow-300 focus-visible:text-black disabled:cursor-not-allowed disabled:opacity-60';
const variants: Record<Variant, string> = {
  primary: 'bg-blue-900 border-blue-900 text-white hover:bg-blue-1000 hover:border-blue-1000',
  secondary: 'bg-white border-blue-900 text-blue-900 hover:bg-blue-50',
  danger: 'bg-white border-error-2 text-error-2 hover:bg-red-50',
  text: 'bg-transparent border-transparent text-blue-900 underline hover:bg-blue-50',
};

/** (React 19: `ref` is an ordinary prop, passed on to the button, so a page can give the focus back to it.) */
export function Button({
  variant = 'primary',
  className = '',
  type = 'button',
  ...props
}: ComponentProps<'button'> & { variant?: Variant }) {
  return <button type={type} className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

/** A link that looks like a button (it goes somewhere; it does not act). */
export function ButtonLink({
  variant = 'secondary',
  className = '',
  ...props
}: LinkProps & { variant?: Variant; children: ReactNode }) {
  return <Link className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

/** A link that looks like a button and leaves the app for a server route (a whole-page navigation, not the router's). */
export function AnchorButton({
  variant = 'secondary',
  className = '',
  ...props
}: ComponentProps<'a'> & { variant?: Variant; href: string }) {
  return <a className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

/** An ordinary text link in the design system's link colour with a visible focus ring. */
export function TextLink({ className = '', ...props }: LinkProps) {
  return (
    <Link
      className={`text-blue-1000 underline underline-offset-2 hover:text-blue-1200 hover:decoration-2 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black focus-visible:bg-yellow-300 rounded-4 ${className}`}
      {...props}
    />
  );
}
