"""The emulator's domain: Klarna's objects, rules and transition tables, in plain Python."""
