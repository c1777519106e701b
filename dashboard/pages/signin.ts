import { signIn } from '../api';
import { h } from '../dom';

export function signInPage(done: () => void): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'signin card' },
    h('h1', {}, 'NFC Pay'),
    h('label', {}, 'Email', email),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await signIn(email.value, password.value);
      done();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  return h('main', { class: 'center' }, form);
}
