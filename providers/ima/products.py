"""IMA product lists: the tree walk, the leaf for a model, parameters and the credit rule (pure, no I/O).

Follows the official scripts (providers.md §2.2-2.3): leaves are ``type "3"`` nodes at any depth; the
last leaf matching a :class:`ModelRef` wins; form defaults resolve virtual fields through their
``value_mapping``; the credit rule is the first whose attributes all equal the parameters (compared
case-insensitively, booleans as ``"true"``/``"false"``), else the one matching most, else rule 0, and
its canonical values (with their JSON types) overwrite ours.

Our :class:`VideoParams` are mapped onto the leaf's own option values (``5`` -> ``"5"`` for Kling/Sora,
``"720p"`` -> ``"720P"`` for Wan, ``"1080p"`` -> ``mode: "pro"`` through Kling O1's virtual ``quality``).
A value the model does not offer raises :class:`UnsupportedParamsError` before anything is spent. Where
an option is ``disabled`` next to another value (Veo 1080p needs 8 s), a default gives way to what was
asked; two asked values that exclude each other are unsupported.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from providers.errors import UnexpectedResponseError, UnsupportedParamsError
from providers.types import CreditUnit, EtaRange, LiveModel, ModelRef, VideoParams

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True)


class CreditRule(_Node):
    attribute_id: int
    points: int
    attributes: JsonDict = Field(default_factory=dict)


class Option(_Node):
    value: Any = None
    disabled: dict[str, list[Any]] | None = None  # {other field: [values this option excludes]}


class UiParam(_Node):
    field: str
    value: Any = None
    options: Annotated[list[Option], BeforeValidator(_none_as_empty)] = []


class MappingRule(_Node):
    source_values: JsonDict = Field(default_factory=dict)
    target_value: Any = None


class ValueMapping(_Node):
    mapping_rules: Annotated[list[MappingRule], BeforeValidator(_none_as_empty)] = []


class FormField(_Node):
    field: str
    value: Any = None
    options: Annotated[list[Option], BeforeValidator(_none_as_empty)] = []
    is_ui_virtual: bool = False
    ui_params: Annotated[list[UiParam], BeforeValidator(_none_as_empty)] = []
    value_mapping: ValueMapping | None = None


class Tag(_Node):
    tag_type: str = ""
    tag_value: str = ""


class ProductLeaf(_Node):
    """One ``type "3"`` version node; ``id`` is the create call's ``model_version``, ``name`` its name."""

    id: str
    model_id: str
    name: str
    tags: Annotated[list[Tag], BeforeValidator(_none_as_empty)] = []
    form_config: Annotated[list[FormField], BeforeValidator(_none_as_empty)] = []
    credit_rules: list[CreditRule] = Field(min_length=1)


# Our VideoParams name -> the API fields (real or virtual UI fields) that can carry it, in order.
_CARRIERS: dict[str, tuple[str, ...]] = {
    "duration": ("duration",),
    "aspect_ratio": ("aspect_ratio",),
    "resolution": ("resolution", "quality"),
}
_ETA = re.compile(r"(\d+)\s*[~-]\s*(\d+)")
_VERSION = re.compile(r"(?<![A-Za-z])[vV]\s*(\d+(?:\.\d+)*)")


def iter_leaves(nodes: Any) -> list[ProductLeaf]:
    """Every well-formed ``type "3"`` leaf of the tree, depth first in list order (malformed ones skipped)."""
    if not isinstance(nodes, list):
        raise UnexpectedResponseError("product list data is not a list")
    leaves: list[ProductLeaf] = []

    def walk(level: list[Any]) -> None:
        for node in level:
            if not isinstance(node, dict):
                continue
            if str(node.get("type")) == "3":
                try:
                    leaves.append(ProductLeaf.model_validate(node))
                except ValidationError:
                    log.warning("skipping malformed IMA product %r", node.get("id"))
            children = node.get("children")
            if isinstance(children, list):
                walk(children)

    walk(nodes)
    return leaves


def pick_leaf(leaves: list[ProductLeaf], ref: ModelRef) -> ProductLeaf | None:
    """The last leaf with ``ref.model_id`` (and ``id == ref.version`` when given), as the scripts do."""
    matches = [leaf for leaf in leaves if leaf.model_id == ref.model_id and ref.version in (None, leaf.id)]
    return matches[-1] if matches else None


def live_model(leaf: ProductLeaf, provider: str) -> LiveModel:
    """The leaf as a :class:`LiveModel`: credit range over its rules, ETA from its ``EET`` tag."""
    points = [rule.points for rule in leaf.credit_rules]
    return LiveModel(
        provider=provider,
        ref=ModelRef(model_id=leaf.model_id, version=leaf.id),
        name=leaf.name,
        credits_min=min(points),
        credits_max=max(points),
        unit=CreditUnit.POINTS,
        eta=leaf_eta(leaf),
    )


def leaf_eta(leaf: ProductLeaf) -> EtaRange | None:
    """The ``EET`` tag (``"300~420s"``) as an :class:`EtaRange`, when present and readable."""
    for tag in leaf.tags:
        match = _ETA.search(tag.tag_value) if tag.tag_type == "EET" else None
        if match:
            low, high = sorted((int(match[1]), int(match[2])))
            return EtaRange(min_s=low, max_s=high)
    return None


def normalise(value: Any) -> str:
    """The scripts' comparison form, case-insensitive: booleans ``"true"``/``"false"``, else stripped text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower()


def same(left: Any, right: Any) -> bool:
    return normalise(left) == normalise(right)


def virtual_value(field: FormField, ui_values: JsonDict | None = None) -> Any:
    """A virtual field's API value: its UI values (given or default) through ``mapping_rules``."""
    rules = field.value_mapping.mapping_rules if field.value_mapping else []
    if field.ui_params and rules:
        chosen = {ui.field: (ui_values or {}).get(ui.field, ui.value) for ui in field.ui_params}
        for rule in rules:
            if all(chosen.get(key) == value for key, value in rule.source_values.items()):
                return rule.target_value
    return field.value


def form_defaults(leaf: ProductLeaf) -> JsonDict:
    """Each field's default value (virtual fields resolved); ``None`` values are left out. A Pixverse
    leaf without its ``model`` field gets it from its version name ("Pixverse V5.5" -> ``v5.5``), as
    IMA's own scripts do: Pixverse's API needs the version there."""
    defaults: JsonDict = {}
    for field in leaf.form_config:
        value = virtual_value(field) if field.is_ui_virtual else field.value
        if value is not None:
            defaults[field.field] = value
    pixverse = leaf.model_id.lower() == "pixverse" and "model" not in defaults
    if pixverse and (version := _VERSION.search(leaf.name) or _VERSION.search(leaf.id)):
        defaults["model"] = f"v{version[1]}"
    return defaults


def rule_attributes(rule: CreditRule) -> JsonDict:
    """A rule's attributes without the single-rule marker ``{"default": "enabled"}`` (the 6009 fix)."""
    return {key: value for key, value in rule.attributes.items() if (key, value) != ("default", "enabled")}


def select_rule(rules: list[CreditRule], params: JsonDict) -> CreditRule:
    """First rule whose attributes all equal ``params``, else the one matching most, else rule 0."""
    given = {key.strip().lower(): normalise(value) for key, value in params.items()}
    wanted = [
        {key.strip().lower(): normalise(value) for key, value in rule_attributes(rule).items()}
        for rule in rules
    ]
    for rule, attributes in zip(rules, wanted, strict=True):
        if attributes and all(given.get(key) == value for key, value in attributes.items()):
            return rule
    best, best_count = rules[0], 0
    for rule, attributes in zip(rules, wanted, strict=True):
        count = sum(given.get(key) == value for key, value in attributes.items())
        if count > best_count:
            best, best_count = rule, count
    return best


def resolve_params(leaf: ProductLeaf, params: VideoParams) -> tuple[JsonDict, CreditRule]:
    """The exact inner parameters (without ``prompt``/``input_images``) and the credit rule that prices them.

    Priority: rule 0's attributes < form defaults < what was asked; then the chosen rule's canonical
    values; then ``n = 1`` and ``cast``. Raises :class:`UnsupportedParamsError` for values not offered.
    """
    asked = requested_fields(leaf, params)
    merged = settle_exclusions(leaf, {**form_defaults(leaf), **asked}, set(asked))
    rule = select_rule(leaf.credit_rules, _rule_keyed(leaf, merged))
    inner = {**rule_attributes(leaf.credit_rules[0]), **merged, **rule_attributes(rule)}
    for key, value in asked.items():
        if not same(inner.get(key), value):
            raise UnsupportedParamsError(f"{leaf.name}: no price for {key}={value!r}")
    inner["n"] = 1
    inner["cast"] = {"points": rule.points, "attribute_id": rule.attribute_id}
    return inner, rule


def _rule_keyed(leaf: ProductLeaf, params: JsonDict) -> JsonDict:
    """``params`` restricted to keys any rule prices (the npm CLI's dynamic candidate keys)."""
    keys = {key for rule in leaf.credit_rules for key in rule_attributes(rule)}
    return {key: value for key, value in params.items() if key in keys}


def requested_fields(leaf: ProductLeaf, params: VideoParams) -> JsonDict:
    """Our asked-for values as the leaf's API fields and option values (types and case as offered)."""
    asked: JsonDict = {}
    for name, value in params.model_dump(exclude_none=True).items():
        field, ui = _carrier(leaf, name)
        if field is None:
            raise UnsupportedParamsError(f"{leaf.name} has no {name} setting")
        options = ui.options if ui else field.options
        chosen = _offered(options, value, field.value)
        if chosen is None:
            raise UnsupportedParamsError(f"{leaf.name} does not offer {name}={value!r}")
        asked[field.field] = virtual_value(field, {ui.field: chosen}) if ui else chosen
    return asked


def _carrier(leaf: ProductLeaf, name: str) -> tuple[FormField | None, UiParam | None]:
    for carrier in _CARRIERS[name]:
        for field in leaf.form_config:
            if not field.is_ui_virtual and field.field == carrier:
                return field, None
            for ui in field.ui_params if field.is_ui_virtual else []:
                if ui.field == carrier:
                    return field, ui
    return None, None


def _offered(options: list[Option], value: Any, default: Any) -> Any:
    """The option value equal to ``value``; with no options, ``value`` typed like the default."""
    if not options:
        return str(value) if isinstance(default, str) else value
    return next((option.value for option in options if same(option.value, value)), None)


def settle_exclusions(leaf: ProductLeaf, params: JsonDict, asked: set[str]) -> JsonDict:
    """Resolve a ``disabled`` clash by moving the field nobody asked for to its first compatible option."""
    clash = _first_clash(leaf, params)
    if clash is None:
        return params
    movable = next((name for name in clash if name not in asked), None)
    settled = _first_compatible(leaf, params, movable) if movable else None
    if settled is None:
        first, other = clash
        raise UnsupportedParamsError(
            f"{leaf.name} does not offer {first}={params[first]!r} with {other}={params[other]!r}"
        )
    return settled


def _first_compatible(leaf: ProductLeaf, params: JsonDict, name: str) -> JsonDict | None:
    field = next((f for f in leaf.form_config if f.field == name and not f.is_ui_virtual), None)
    for option in field.options if field else []:
        trial = {**params, name: option.value}
        if _first_clash(leaf, trial) is None:
            return trial
    return None


def _first_clash(leaf: ProductLeaf, params: JsonDict) -> tuple[str, str] | None:
    """The first (field, other field) pair whose chosen option is disabled next to the other's value."""
    for field in leaf.form_config:
        if field.is_ui_virtual or field.field not in params:
            continue
        option = next((o for o in field.options if same(o.value, params[field.field])), None)
        for other, excluded in (option.disabled or {}).items() if option else ():
            if other in params and any(same(params[other], value) for value in excluded):
                return field.field, other
    return None
