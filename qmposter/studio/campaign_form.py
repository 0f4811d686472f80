"""The 活动 form: campaign.toml ↔ form fields, checked by the CLI's own reader.

Values are written into the existing tomlkit document, so people's comments and the order
of keys survive a save. Checking writes the candidate text to a scratch file and reads it
with `load_campaign` — the messages are exactly the CLI's — and the message is shown next
to the field its key names.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import tomlkit
from tomlkit.items import Array, Table

from qmposter.campaign import Campaign, load_campaign
from qmposter.errors import CampaignError
from qmposter.fileio import atomic_write_bytes


@dataclass(frozen=True)
class Field:
    """One field of the campaign form: its campaign key, kind, label, help and choices."""

    key: str
    kind: str  # text | int | lines | choice | multi
    label: str
    help: str
    choices: tuple[tuple[str, str], ...] | str = ()

    @property
    def name(self) -> str:
        return self.key.replace(".", "__")


@dataclass(frozen=True)
class Checked:
    """A form checked against the CLI's reader: the campaign, or the message and the field it names."""

    text: str
    campaign: Campaign | None
    error: str | None = None
    error_field: str | None = None

    @property
    def field_message(self) -> str | None:
        """The message without its "活动文件 PATH：" lead, for beside the field it is about."""
        if self.error is None or self.campaign is not None:
            return self.error
        return self.error.split("：", 1)[1] if self.error.startswith("活动文件 ") and "：" in self.error else self.error


def form_fields() -> tuple[Field, ...]:
    data = tomllib.loads(resources.files("qmposter.studio").joinpath("fields.toml").read_text(encoding="utf-8"))
    return tuple(
        Field(f["key"], f["kind"], f["label"], f["help"],
              f.get("choices", ()) if isinstance(f.get("choices"), str) else tuple(map(tuple, f.get("choices", ()))))
        for f in data["field"]
    )  # fmt: skip


def read_values(text: str) -> dict[str, object]:
    """Every form field's current value from campaign.toml text (absent keys are empty)."""
    data = tomllib.loads(text.lstrip("\ufeff"))
    values: dict[str, object] = {}
    for field in form_fields():
        table, _, key = field.key.rpartition(".")
        scope = data.get(table, {}) if table else data
        values[field.name] = scope.get(key, [] if field.kind in ("lines", "multi") else "")
    return values


def apply_form(text: str, form: dict[str, str | list[str]]) -> str:
    """campaign.toml text with the form's values written into it (comments and order kept)."""
    document = tomlkit.parse(text.lstrip("\ufeff"))
    for field in form_fields():
        raw = form.get(field.name)
        if raw is None and field.kind != "multi":
            continue
        table_name, _, key = field.key.rpartition(".")
        existing = (document.get(table_name) or {}) if table_name else document
        value = _value(field, raw)
        if (_unwrap(value) in ("", []) and key not in existing) or _unwrap(existing.get(key)) == _unwrap(value):
            continue  # an empty optional key stays absent; an unchanged value keeps its exact formatting
        scope = _table(document, table_name) if table_name else document
        scope[key] = value
    return tomlkit.dumps(document)


def set_keys(text: str, updates: dict[str, object]) -> str:
    """campaign.toml text with `updates` ({"table.key": value}) written in, comments kept."""
    document = tomlkit.parse(text.lstrip("\ufeff"))
    for dotted, value in updates.items():
        table_name, _, key = dotted.rpartition(".")
        scope = _table(document, table_name) if table_name else document
        scope[key] = _array(list(value)) if isinstance(value, list) else value
    return tomlkit.dumps(document)


def _unwrap(value: object) -> object:
    return value.unwrap() if hasattr(value, "unwrap") else value


def _table(document: tomlkit.TOMLDocument, name: str) -> Table:
    if name not in document:
        document[name] = tomlkit.table()
    return document[name]


def _value(field: Field, raw: str | list[str] | None) -> object:
    if field.kind == "multi":
        items = raw if isinstance(raw, list) else ([raw] if raw else [])
        return _array([str(v) for v in items if str(v).strip()])
    text = raw if isinstance(raw, str) else ""
    if field.kind == "lines":
        return _array([line.strip() for line in text.splitlines() if line.strip()])
    if field.kind == "int":
        stripped = text.strip()
        return int(stripped) if re.fullmatch(r"-?\d{1,6}", stripped) else stripped
    return text.strip()


def _array(items: list[str]) -> Array:
    array = tomlkit.array()
    array.extend(items)
    if len(items) > 1:
        array.multiline(True)
    return array


def check(text: str, path: Path) -> Checked:
    """Read `text` as `path` would be read by the CLI; never touches `path` itself."""
    with tempfile.TemporaryDirectory(prefix="qmposter-studio-") as scratch:
        candidate = Path(scratch) / path.name
        candidate.write_text(text, encoding="utf-8")
        try:
            campaign = load_campaign(candidate)
        except CampaignError as error:
            message = str(error).replace(str(candidate), str(path))
            return Checked(text, None, message, field_of(message))
    from dataclasses import replace

    return Checked(text, replace(campaign, path=path))


def field_of(message: str) -> str | None:
    """The form field a CLI message is about: the key right after "活动文件 PATH：" ("year", "build.out",
    "[sms] signature")."""
    match = re.search(r"：(?:\[([a-z_]+)\] |([a-z_]+)\.)?([a-z_]+)\s", message)
    if match is None:
        return None
    table = match.group(1) or match.group(2)
    key = f"{table}.{match.group(3)}" if table else match.group(3)
    names = {f.key: f.name for f in form_fields()}
    return names.get(key) or names.get(key.partition(".")[0])


def save(path: Path, checked: Checked) -> None:
    """Write a checked campaign atomically; refuse one that the CLI would refuse."""
    if checked.campaign is None:
        raise CampaignError(checked.error or "活动文件有误。")
    atomic_write_bytes(path, checked.text.encode("utf-8"))


def read_values_lenient(form: dict[str, str | list[str]]) -> dict[str, object]:
    """The values as typed, to show a refused form again without losing the person's edits."""
    values: dict[str, object] = {}
    for field in form_fields():
        raw = form.get(field.name, [] if field.kind == "multi" else "")
        values[field.name] = raw.splitlines() if field.kind == "lines" and isinstance(raw, str) else raw
    return values
