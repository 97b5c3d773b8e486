"""The commissioner API, under /api/v1/: pseudonymised extracts and aggregate figures.

- `api/`: the machinery every endpoint shares (authentication, access,
  throttles, query parameters, pagination, errors, schema, the request log).
- `extracts/`: the extract framework (`base`) and the extracts of each layer
  below, one module per layer (`cases`, `outcomes`, `risk`).
- `figures/`: how a figure family becomes an endpoint (`endpoint`), and the
  endpoints of each layer's families (`outcomes`, `risk`, `deathreviews`).
- `models`, `services`, `selectors`, `access`, `admin`: API clients, their
  tokens and the request log; whom a caller reaches (`selectors.api_scope`).
- `urls`: every endpoint, mounted at /api/v1/ by `config.urls`.

It sits above the domain layers and reads from all of them; none of them imports it.
"""
