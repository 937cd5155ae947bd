# Local configuration for the storefront. Copy to instance/config.py and uncomment what you need.
# Every setting can also come from an environment variable of the same name (which wins).
# `python app.py` needs none of these: it runs offline against the bundled Klarna emulator.

# Signs the session cookie and CSRF tokens; at least 32 bytes. Required in production (gunicorn);
# `python app.py` generates one into instance/secret_key on first start.
# SECRET_KEY = "output of: python -c 'import secrets; print(secrets.token_hex(32))'"

# SQLAlchemy URL of the database. Default: SQLite file instance/storefront.sqlite.
# DATABASE_URL = "postgresql://user:password@127.0.0.1:5432/storefront"

# Klarna API base URL. Setting it switches the emulator off; nothing else changes.
# Playground: EU https://api.playground.klarna.com/  NA https://api-na.playground.klarna.com/
#             OC https://api-oc.playground.klarna.com/  (credentials are per region)
# KLARNA_API_URL = "https://api.playground.klarna.com/"

# Klarna API credentials (Merchant portal > Settings > Klarna API credentials).
# KLARNA_USERNAME = "PK12345_abcdef012345"
# KLARNA_PASSWORD = "shared secret"

# Optional per-region accounts. Klarna credentials belong to one region (EU, NA: US/CA/MX,
# OC: AU/NZ); purchases in a region with its own three settings use them, all others use
# KLARNA_API_URL/USERNAME/PASSWORD. Set all three of a region, or none.
# KLARNA_EU_API_URL = "https://api.playground.klarna.com/"
# KLARNA_EU_USERNAME = "PK12345_abcdef012345"
# KLARNA_EU_PASSWORD = "shared secret"
# KLARNA_NA_API_URL = "https://api-na.playground.klarna.com/"
# KLARNA_NA_USERNAME = "PN12345_abcdef012345"
# KLARNA_NA_PASSWORD = "shared secret"
# KLARNA_OC_API_URL = "https://api-oc.playground.klarna.com/"
# KLARNA_OC_USERNAME = "PO12345_abcdef012345"
# KLARNA_OC_PASSWORD = "shared secret"

# URL of Klarna's JS SDK. Default: Klarna's CDN (https://x.klarnacdn.net/kp/lib/v1/api.js),
# or the emulator's copy when running offline.
# KLARNA_SDK_URL = "https://x.klarnacdn.net/kp/lib/v1/api.js"

# Read timeout in seconds for each Klarna API call (the connect timeout is at most 3 s).
# KLARNA_TIMEOUT_SECONDS = 10

# true: Klarna completes each payment inside authorize(), one click on Buy. false: categories
# that take the money at once (Pay Now) answer finalize_required and the payment page asks for
# a second click, "Confirm payment", that calls finalize().
# KLARNA_AUTO_FINALIZE = True

# A "Klarna calls" panel on the payment and order pages listing the checkout's Klarna API calls,
# SDK calls and callbacks (scrubbed as the log scrubs them, kept in the database). A developer's
# tool: `python app.py` turns it on; leave it off in production.
# KLARNA_DEV_PANEL = False

# A "Test data" box on the payment page listing Klarna's playground e-mails (approve, decline,
# hold, hide Klarna), each with a button that fills it in. `python app.py` turns it on with the
# bundled emulator. Only for Klarna's playground: these e-mails mean nothing in production.
# KLARNA_TEST_DATA = False

# Answer GraphQL introspection at /graphql (the schema, for tools such as GraphiQL).
# `python app.py` turns it on (demo mode); leave it off in production.
# GRAPHQL_INTROSPECTION = False

# The shop's public base URL, used in the callback URLs Klarna calls (merchant_urls); requests
# for any other host are refused (400), and https here turns on HSTS. Required in production;
# `python app.py` uses the address it listens on. Never taken from a request's Host header.
# PUBLIC_URL = "https://shop.example.com/"

# Reverse proxies in front of the shop (load balancer, nginx) that append to X-Forwarded-For
# and set X-Forwarded-Proto. 0 (default): the headers are ignored, the connecting address is
# the client's. Behind one proxy set 1, or the rate limits count every shopper as the proxy.
# TRUSTED_PROXIES = 1

# Sign an admin out after this many minutes without a request (default 30).
# ADMIN_IDLE_MINUTES = 30

# Send the session cookie over HTTPS only (default true; `python app.py` turns it off).
# SESSION_COOKIE_SECURE = True

# How the shop sends e-mail (order confirmations). "log" (default): only logs that a mail went
# to a masked address. "file": writes each mail as an .eml file into instance/mail/ (demo mode;
# `python app.py` uses it). "smtp": sends it through the server below (production).
# MAIL_BACKEND = "log"
# The SMTP server, for MAIL_BACKEND = "smtp"; STARTTLS on port 587 unless MAIL_USE_TLS is false.
# MAIL_SERVER = "smtp.example.com"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# Login, if the server wants one (set both or neither).
# MAIL_USERNAME = "orders@shop.example.com"
# MAIL_PASSWORD = "an app password"
# The From address of the shop's mail; required for "smtp".
# MAIL_SENDER = "Fjord & Field <orders@shop.example.com>"
