import { z } from 'zod';

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long.')
  .pipe(z.email('Enter a valid email address.'));

export const SignUpForm = z.object({
  /** Business name, shown to partners. */
  name: z.string().trim().min(1, 'Enter your business name.').max(100, 'Keep the business name under 100 characters.'),
  email,
  password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Keep the password under 200 characters.'),
});
export type SignUpForm = z.infer<typeof SignUpForm>;

export const LoginForm = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(200),
});

export const InviteForm = z.object({
  role: z.enum(['admin', 'read_only', 'owner'], 'Choose a role.'),
});

export const AcceptInviteForm = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100),
  email,
  password: SignUpForm.shape.password,
});
