// Per-developer API keys of a propitbox server (`serve --admin-key`). Types only.
//
// POST   /v1/api-keys      {name}   (admin key) -> 201 CreatedApiKey (the key is shown this once)
// GET    /v1/api-keys               (admin key) -> List<ApiKey>
// DELETE /v1/api-keys/:id           (admin key) -> {id, object, deleted: true}; the key is refused at once

export interface ApiKey {
  object: 'api_key';
  id: string; // key_…: the owner of everything made with the key
  name: string;
  prefix: string; // the first characters, to tell keys apart (never enough to use one)
  created: string;
  revoked: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string; // ppk_live_…: shown once; only its hash is stored
}
