"""The only code that speaks HTTP to Klarna: client, errors, payload builder, pre-flight checks."""
