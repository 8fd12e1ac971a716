// Talking to the studio's endpoints: JSON in, JSON out, same origin only.

export async function call(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    return { ok: false, status: 0, data: { error: 'the studio is not answering: is it still running?' } };
  }
  let data;
  try {
    data = await response.json();
  } catch (error) {
    data = { error: `unexpected answer (${response.status})` };
  }
  return { ok: response.ok, status: response.status, data };
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);

export function query(path, params) {
  return `${path}?${new URLSearchParams(params).toString()}`;
}
