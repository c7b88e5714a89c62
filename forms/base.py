"""The base form: Dutch messages from WTForms' own translations, and shared field helpers."""
from __future__ import annotations

from datetime import timezone

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from zet.rules.dates import FORMATS as DATE_FORMATS, parse_date


class ZetForm(FlaskForm):
    class Meta:
        locales = ("nl",)


def version_stamp(record) -> str:
    """What a form keeps in its hidden ``geladen`` field, so a save can tell whether someone
    else saved the record in the meantime: its last change in UTC (PostgreSQL returns it with a
    time zone, SQLite without)."""
    stamp = record.updated_at
    if stamp is None:
        return ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp.isoformat(timespec="microseconds")


class DutchDateField(DateField):
    """A date typed as dd-mm-jjjj (ISO yyyy-mm-dd accepted too), with a Dutch error message.

    A plain text input: the browser's own date picker would show and send another format.
    """
    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd-mm-jjjj", "inputmode": "numeric"})
        super().__init__(label, validators, format=list(DATE_FORMATS), **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d-%m-%Y") if self.data else ""

    def process_formdata(self, valuelist):
        """zet.rules.dates.parse_date: the same formats and message as the import."""
        self.data = None
        self.data = parse_date(valuelist[0] if valuelist else None)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes, usable by keyboard."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class TrimmedStringField(StringField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        super().__init__(label, validators, **kwargs)


def choices(pairs, empty: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs (or plain values) as WTForms choices, optionally after an empty one."""
    result = [SelectChoice("", empty)] if empty is not None else []
    for item in pairs:
        value, label = item if isinstance(item, tuple) else (item, item)
        result.append(SelectChoice(value, label))
    return result


class RuleCheck:
    """A field checked by a zet.rules field rule: the form shows the very message the service
    and the import give, and the browser gets the rule's maxlength (no 'required' attribute, so
    the message stays ZET's Dutch one instead of the browser's)."""

    def __init__(self, rule):
        self.rule = rule
        self.field_flags = {}
        if getattr(rule, "max_length", None):
            self.field_flags["maxlength"] = rule.max_length

    def __call__(self, form, field):
        from wtforms.validators import StopValidation
        message = self.rule.problem(field.data)
        if message:
            raise StopValidation(message)
