from tests.permissions import ANONYMOUS, SIGNED_IN, Case

CASES = [
    Case("home", SIGNED_IN),
    Case("healthz", SIGNED_IN | ANONYMOUS),
    Case("core:home", SIGNED_IN),
    Case("api-schema", SIGNED_IN | ANONYMOUS, note="the schema documents endpoints, not data"),
    Case("api-docs", SIGNED_IN),
    Case("api-root", SIGNED_IN),
]
