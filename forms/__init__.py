"""Flask-WTF form classes: fields and field-level checks only; rules live in zet.rules/services."""
