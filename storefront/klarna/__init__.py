"""The Klarna core: the only code that speaks HTTP to Klarna, and the bodies it sends.

Client (`client`), Order Management writes (`order_management`), typed errors and answers
(`errors`, `results`), scrubbed call log (`call_log`), request bodies built from plain values
(`bodies`), Klarna's rules checked before sending (`preflight`, `address_rules`), API regions
(`regions`), the SDK's URL (`sdk`) and idempotency keys (`idempotency`). Nothing here imports
Flask or the rest of the shop, and the modules import each other relatively, so the package
can be copied into another app, under any name, on its own (it needs `requests`).
`storefront/klarna_extension.py` is this shop's Flask adapter.
"""
