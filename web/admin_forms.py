"""The admin's change form of an event or a venue: its fields, built from its schema.

An operator corrects a node through boxes for the fields that may be corrected
(``carpenter.overrides.FIELDS``): a title box, a day picker, a time, the lineup one
artist a line, a hidden box; each form field is made from the label's pydantic field
(graph.schemas: its type, whether it is required, its docstring as help). Saving does
not write ``data``: each changed field becomes an override (who, when, the value
before), and a ticked "back to the sources" box takes one off.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from django import forms

from carpenter import events as ev
from carpenter import overrides
from graph import schemas
from graph.models import Node

RESTORE = "restore_"
"""Prefix of the "back to the sources" box of a field."""
LINEUP_HELP = "One artist a line, in billing order."


def form_for(label: str) -> type[forms.ModelForm]:
    """Return the change form class of ``label``'s correctable fields."""
    schema = schemas.schema_for(label)
    declared: dict[str, forms.Field] = {}
    for name in overrides.FIELDS[label]:
        if name == "lineup":
            declared[name] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=LINEUP_HELP
            )
        else:
            help_text = schemas.field_docs(schema).get(name, "")
            declared[name] = _field_for(schema.model_fields[name], help_text)
        declared[RESTORE + name] = forms.BooleanField(
            required=False, label=f"{name.replace('_', ' ')}: back to the sources"
        )
    meta = type("Meta", (), {"model": Node, "fields": ()})
    return type(f"{label.title()}Form", (CorrectionForm,), {**declared, "Meta": meta})


def _field_for(info: Any, help_text: str) -> forms.Field:
    """Return the form field of one schema field, by its type."""
    kinds = set(typing.get_args(info.annotation)) | {info.annotation}
    if info.metadata:  # pydantic keeps Annotated's validators apart: put them back
        kinds.add(typing.Annotated[(info.annotation, *info.metadata)])
    common = {"required": info.is_required(), "help_text": help_text}
    if bool in kinds:
        return forms.BooleanField(**{**common, "required": False})
    if schemas.Day in kinds:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if schemas.Time in kinds:
        return forms.TimeField(
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **common
        )
    return forms.CharField(max_length=200, **common)


class CorrectionForm(forms.ModelForm):
    """Shows the values in force; hands the changes to ``corrections``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        node = self.instance
        held = node.data.get("overrides") or {}
        for name in list(self.fields):
            if name.startswith(RESTORE):
                field = name[len(RESTORE) :]
                if field not in held:
                    del self.fields[name]  # nothing to go back from
                continue
            value = ev.billing(node.data) if name == "lineup" else node.data.get(name)
            if name == "lineup":
                names = _artist_names(value)
                value = "\n".join(names.get(slug, slug) for slug in value)
            if value and name == "day":
                value = dt.date.fromisoformat(value)  # compared as the field's own type
            elif value and name == "start_time":
                value = dt.time.fromisoformat(value)
            self.initial[name] = value
            if name in held:
                self.fields[name].help_text = (
                    f"Corrected by {held[name]['by']} ({held[name]['at'][:16]}); "
                    f"the sources say {held[name]['was']!r}. {self.fields[name].help_text}"
                )

    def corrections(self) -> tuple[dict[str, Any], list[str]]:
        """Return the fields changed (name -> value) and those going back to the sources."""
        restore = [
            n[len(RESTORE) :] for n, v in self.cleaned_data.items() if n.startswith(RESTORE) and v
        ]
        changes: dict[str, Any] = {}
        for name in self.changed_data:
            if name.startswith(RESTORE) or name in restore:
                continue
            value = self.cleaned_data[name]
            if name == "lineup":
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif name == "day":
                value = value.isoformat() if value else None
            elif name == "start_time":
                value = value.strftime("%H:%M") if value else None
            elif isinstance(value, str):
                value = value.strip() or None
            changes[name] = value
        if "lineup" in changes and _same_lineup(self.instance, changes["lineup"]):
            del changes["lineup"]
        return changes, restore


def _same_lineup(node: Node, names: list[str]) -> bool:
    from carpenter.artists import artist_slug

    return [artist_slug(n) for n in names] == ev.billing(node.data)


def _artist_names(slugs: list[str]) -> dict[str, str]:
    return {slug: node.data["name"] for slug, node in Node.objects.by_keys("artist", slugs).items()}
