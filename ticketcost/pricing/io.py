"""Price files in and out: import LiteLLM or genai-prices data, diff two files, find stale ones.

Imports read numbers exactly (JSON floats are parsed from their text as ``Decimal``, and LiteLLM's
per-token prices are moved to per-1M by shifting the decimal point), build a ticketcost price file,
and validate it against the schema before anyone sees it. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from ticketcost.errors import TicketcostError
from ticketcost.pricing.model import VARIANTS, ModelPrice, PriceLevel, Rates

LITELLM = "litellm"
GENAI_PRICES = "genai-prices"
KNOWN_NAMES = {"openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Google", "google": "Google",
               "deepseek": "DeepSeek", "mistral": "Mistral AI", "groq": "Groq"}  # fmt: skip
_LITELLM_SUFFIX = {"batch": "_batches", "flex": "_flex", "priority": "_priority"}
_LITELLM_FIELDS = {
    "input_usd_per_mtok": "input_cost_per_token",
    "output_usd_per_mtok": "output_cost_per_token",
    "cache_read_usd_per_mtok": "cache_read_input_token_cost",
    "cache_write_usd_per_mtok": "cache_creation_input_token_cost",
}
_GENAI_FIELDS = {
    "input_usd_per_mtok": "input_mtok",
    "output_usd_per_mtok": "output_mtok",
    "cache_read_usd_per_mtok": "cache_read_mtok",
    "cache_write_usd_per_mtok": "cache_write_mtok",
    "cache_write_1h_usd_per_mtok": "cache_write_1h_mtok",
}


def read_json(text: str | bytes, origin: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise TicketcostError(f"{origin}: not valid JSON ({exc})") from None
    except ArithmeticError:  # a number Decimal cannot hold (an exponent of 10^40, say)
        raise TicketcostError(f"{origin}: a number in the data is out of any range") from None


def detect_format(data: Any, origin: str) -> str:
    if isinstance(data, dict) and any(
        isinstance(v, dict) and "input_cost_per_token" in v for v in data.values()
    ):
        return LITELLM
    providers = data if isinstance(data, list) else [data]
    if providers and all(isinstance(p, dict) and "models" in p for p in providers):
        return GENAI_PRICES
    raise TicketcostError(
        f"{origin}: neither LiteLLM's model_prices_and_context_window.json (a mapping of model "
        "names to *_cost_per_token fields) nor genai-prices data (providers with models and "
        "*_mtok prices)"
    )


def _wanted(name: str, patterns: Sequence[str]) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)


class NotImportable(ValueError):
    """An entry left out of an import, with the reason (the model is named by the caller)."""


class _Refused(NotImportable):
    """A value in the imported data that is not a price."""


class _Skipped(NotImportable):
    """An entry that is not priced by tokens (an embedding, speech, a free model)."""


def _price(value: Any) -> Decimal:
    """A price as the data states it: a JSON number, finite and not negative. Never true/false
    (which would read as 1), text, NaN or Infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise _Refused(f"a price must be a number (got {json.dumps(value, default=str)})")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise _Refused(f"a price must be a finite number, 0 or more (got {value})")
    return number


def _per_mtok(value: Any) -> Decimal | None:
    """LiteLLM's USD per token as USD per 1M tokens, exactly."""
    if value is None:
        return None
    return _price(value).scaleb(6).normalize()


def _mtok(value: Any) -> Decimal | None:
    """genai-prices' USD per 1M tokens."""
    return None if value is None else _price(value).normalize()


def _plain(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


# -------------------------------------------------------------------------------------- LiteLLM


def _litellm_rates(
    entry: dict[str, Any], suffix: str, base: dict[str, Any] | None
) -> dict[str, Any]:
    """Rates from ``<field><suffix>`` keys; an input, output or cache price the variant or tier
    leaves out keeps the standard (``base``) price, as LiteLLM reads it."""
    rates: dict[str, Any] = {}
    for ours, theirs in _LITELLM_FIELDS.items():
        value = _per_mtok(entry.get(theirs + suffix))
        if value is None and base is not None:
            value = base.get(ours)
        rates[ours] = value
    # A cache-write cost of 0 (DeepSeek's entries) means no charge beyond the input price: the
    # first pass is billed as ordinary input, which is what "no cache-write price" (null) says
    # here; 0 would make those tokens free.
    if rates["cache_write_usd_per_mtok"] == 0 and rates["input_usd_per_mtok"]:
        rates["cache_write_usd_per_mtok"] = None
    # The 1-hour write price is never carried over: a variant or tier that does not state one
    # has none in the data.
    hour = _per_mtok(entry.get("cache_creation_input_token_cost_above_1hr" + suffix))
    if hour is not None:
        rates["cache_write_1h_usd_per_mtok"] = hour
    return rates


def _litellm_tiers(
    entry: dict[str, Any], suffix: str, base: dict[str, Any]
) -> list[dict[str, Any]]:
    pattern = re.compile(
        r"^(?:input|output)_cost_per_token_above_(\d+)k_tokens" + re.escape(suffix) + "$"
    )
    thresholds = sorted({int(m.group(1)) * 1000 for k in entry if (m := pattern.match(k))})
    tiers = []
    for threshold in thresholds:
        tier_suffix = f"_above_{threshold // 1000}k_tokens{suffix}"
        tiers.append({"above_input_tokens": threshold} | _litellm_rates(entry, tier_suffix, base))
    return tiers


def litellm_model(name: str, entry: dict[str, Any], provider: str) -> dict[str, Any]:
    """One LiteLLM entry as a price-file entry (its ``provider/`` key prefix dropped)."""
    if entry.get("input_cost_per_token") is None or entry.get("output_cost_per_token") is None:
        raise _Skipped(f"not priced by input and output tokens ({entry.get('mode') or 'no mode'})")
    if entry.get("mode") not in (None, "chat", "completion", "responses"):
        raise _Skipped(f"not a chat model (mode {entry.get('mode')})")
    base = _litellm_rates(entry, "", None)
    model_id = name.removeprefix(f"{provider}/") if provider else name
    model: dict[str, Any] = {"id": model_id, "name": model_id} | base
    if entry.get("prompt_cache_min_tokens"):
        model["cache_min_tokens"] = int(entry["prompt_cache_min_tokens"])
    if entry.get("deprecation_date"):  # LiteLLM's name for the shutdown date
        model["retires"] = dt.date.fromisoformat(str(entry["deprecation_date"]))
        model["retires_source"] = str(
            entry.get("deprecation_source") or "LiteLLM's deprecation_date"
        )
    tiers = _litellm_tiers(entry, "", base)
    if tiers:
        model["tiers"] = tiers
    variants = {}
    for variant, suffix in _LITELLM_SUFFIX.items():
        if entry.get("input_cost_per_token" + suffix) is None:
            continue
        rates = _litellm_rates(entry, suffix, base)
        variant_tiers = _litellm_tiers(entry, suffix, base)
        variants[variant] = rates | ({"tiers": variant_tiers} if variant_tiers else {})
    if variants:
        model["variants"] = variants
    return model


def _litellm_models(
    data: dict[str, Any], patterns: Sequence[str], skipped: list[tuple[str, str, str]]
) -> list[tuple[str, dict[str, Any]]]:
    models = []
    for name, entry in data.items():
        if name == "sample_spec" or not isinstance(entry, dict) or not _wanted(name, patterns):
            continue
        provider = str(entry.get("litellm_provider") or "")
        try:
            models.append((provider, litellm_model(name, entry, provider) | {_KEY: name}))
        except (_Refused, _Skipped, TypeError, ValueError, ArithmeticError) as exc:
            skipped.append((provider, name, str(exc)))
    return models


def _genai_level(prices: dict[str, Any]) -> dict[str, Any]:
    """genai-prices ``*_mtok`` prices, each a number or {base, tiers: [{start, price}]}."""
    rates: dict[str, Any] = {}
    thresholds: set[int] = set()
    for ours, theirs in _GENAI_FIELDS.items():
        value = prices.get(theirs)
        if isinstance(value, dict):
            thresholds |= {int(t["start"]) for t in value.get("tiers", [])}
            value = value["base"]
        rates[ours] = _mtok(value)
    if rates["cache_write_1h_usd_per_mtok"] is None:
        del rates["cache_write_1h_usd_per_mtok"]
    tiers = []
    for threshold in sorted(thresholds):
        tier: dict[str, Any] = {"above_input_tokens": threshold}
        for ours, theirs in _GENAI_FIELDS.items():
            value = prices.get(theirs)
            if isinstance(value, dict):
                passed = [t for t in value.get("tiers", []) if int(t["start"]) <= threshold]
                value = passed[-1]["price"] if passed else value["base"]
            tier[ours] = _mtok(value)
        if tier["cache_write_1h_usd_per_mtok"] is None:
            del tier["cache_write_1h_usd_per_mtok"]
        tiers.append(tier)
    return rates | ({"tiers": tiers} if tiers else {})


def _inherit(level: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """A price level whose unstated (null) rates are ``base``'s, and whose tiers' unstated rates
    are the level's own: a variant or tier that leaves out the cache-read price still has one."""
    for key, value in base.items():
        if key.endswith("_usd_per_mtok") and level.get(key) is None and value is not None:
            level[key] = value
    for tier in level.get("tiers", []):
        for key, value in level.items():
            if key.endswith("_usd_per_mtok") and tier.get(key) is None and value is not None:
                tier[key] = value
    return level


def _starts(item: dict[str, Any]) -> dt.date | None:
    start = (item.get("constraint") or {}).get("start_date")
    return None if start is None else dt.date.fromisoformat(str(start))


def genai_model(entry: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """One genai-prices model as a price-file entry: the prices in force on ``as_of`` (a change
    dated later is left out, and said in the model's notes), earlier ones as history."""
    name = entry["id"]
    prices = entry["prices"]
    every = prices if isinstance(prices, list) else [{"prices": prices}]
    timed = [d for d in every if (d.get("constraint") or {}).get("start_time")]
    dated = [d for d in every if d not in timed and (_starts(d) or as_of) <= as_of]
    later = [d for d in every if d not in timed and (_starts(d) or as_of) > as_of]
    current = dated[-1]
    model: dict[str, Any] = {"id": name, "name": entry.get("name") or name}
    model |= _inherit(_genai_level(current["prices"]), {})
    if model["input_usd_per_mtok"] is None or model["output_usd_per_mtok"] is None:
        raise _Skipped("not priced by input and output tokens")
    if timed:  # time-of-day prices (genai-prices: the last matching entry wins, so they do)
        base = {k: v for k, v in model.items() if k.endswith("_usd_per_mtok")}
        model["time_of_day"] = [
            {
                "from_utc": _clock(d["constraint"]["start_time"]),
                "until_utc": _clock(d["constraint"]["end_time"]),
            }
            | _inherit(_genai_level(d["prices"]), base)
            for d in timed
        ]
    start = _starts(current)
    if start:
        model["effective_from"] = start
        model["history"] = [
            ({"effective_from": _starts(d)} if _starts(d) else {})
            | _inherit(_genai_level(d["prices"]), {})
            for d in dated[:-1]
        ]
    if later:
        upcoming = [(_starts(d), _genai_level(d["prices"])) for d in later]
        model["notes"] = "; ".join(
            f"from {day}: in {level['input_usd_per_mtok']} out {level['output_usd_per_mtok']} "
            "per 1M tokens (not yet in force)"
            for day, level in upcoming
        )
    variants: dict[str, tuple[dt.date, dict[str, Any]]] = {}
    for variant in entry.get("price_variants") or []:  # first to last, the latest in force wins
        kind = str((variant.get("when") or {}).get("processing"))
        start = _starts(variant)
        in_force = kind in VARIANTS and (start is None or start <= as_of)
        if in_force and (start is None or kind not in variants or start >= variants[kind][0]):
            # genai-prices resolves each price key on its own: a key the variant leaves out is
            # the standard one, long-context tiers and all
            stated = {k: v for k, v in variant["prices"].items() if v is not None}
            level = _genai_level(current["prices"] | stated)
            variants[kind] = (start or dt.date.min, level)
    if variants:
        model["variants"] = {kind: level for kind, (_, level) in variants.items()}
    return model


def _clock(text: Any) -> str:
    """genai-prices' time of day (``16:30:00+00:00``, UTC) as HH:MM UTC."""
    value = dt.time.fromisoformat(str(text))
    if value.utcoffset():
        moved = dt.datetime.combine(dt.date(2000, 1, 1), value).astimezone(dt.UTC)
        value = moved.time()
    return f"{value.hour:02d}:{value.minute:02d}"


def _genai_models(
    data: Any, patterns: Sequence[str], skipped: list[tuple[str, str, str]], as_of: dt.date
) -> list[tuple[str, dict[str, Any]]]:
    models = []
    for provider in data if isinstance(data, list) else [data]:
        owner = str(provider.get("id") or "")
        for entry in provider.get("models", []):
            name = str(entry.get("id"))
            if not _wanted(name, patterns):
                continue
            try:
                models.append((owner, genai_model(entry, as_of) | {_KEY: name}))
            except (_Refused, _Skipped) as exc:
                skipped.append((owner, name, str(exc)))
            except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
                reason = f"not genai-prices data as that project writes it ({exc!r})"
                skipped.append((owner, name, reason))
    return models


# ---------------------------------------------------------------------------------- the importer


_KEY = "__key"  # an imported model's name in the source data, while it is being checked


class Imported(NamedTuple):
    text: str  # the price file, YAML
    models: int
    format: str
    skipped: list[tuple[str, str]]  # (name in the data, why it was left out)


def import_prices(
    data: Any,
    origin: str,
    patterns: Sequence[str] = (),
    provider: str | None = None,
    provider_name: str | None = None,
    verified: dt.date | None = None,
    data_format: str | None = None,
) -> Imported:
    """A ticketcost price file from LiteLLM or genai-prices data, validated before it is given.

    ``provider`` matches the data's provider name exactly. An entry that cannot be priced by
    tokens, or whose figures fail the schema, is left out and listed in ``skipped`` with the
    reason; it never stops the others."""
    kind = data_format or detect_format(data, origin)
    skipped: list[tuple[str, str, str]] = []
    try:
        if kind == LITELLM:
            found = _litellm_models(data, patterns, skipped)
        else:
            found = _genai_models(data, patterns, skipped, verified or dt.date.today())
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError, IndexError) as exc:
        raise TicketcostError(
            f"{origin}: not {kind} data as that project writes it ({type(exc).__name__}: {exc})"
        ) from None
    everyone = sorted({p for p, _ in found} | {p for p, _, _ in skipped})
    if provider:
        found = [(p, m) for p, m in found if p == provider]
        skipped = [s for s in skipped if s[0] == provider]
        if provider not in everyone:
            close = [p for p in everyone if provider in p][:6]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise TicketcostError(f"{origin}: no provider named '{provider}' in the data{hint}")
    models = _checked(found, skipped)
    if not models:
        wanted = f" matching {', '.join(patterns)}" if patterns else ""
        reasons = [f"{name}: {why}" for _, name, why in skipped[:3]]
        more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        left = f"; left out: {'; '.join(reasons)}{more}" if skipped else ""
        raise TicketcostError(f"{origin}: no model{wanted} with token prices found{left}")
    providers = sorted({p for p, _ in models})
    if len(providers) > 1 and not provider:
        raise TicketcostError(
            f"{origin}: the models chosen come from {len(providers)} providers "
            f"({', '.join(providers[:6])}); a price file holds one: pass `provider`",
            hints=("provider",),
        )
    chosen = provider or providers[0] or "imported"
    if provider_name is None and kind == GENAI_PRICES:
        named = data if isinstance(data, list) else [data]
        provider_name = next((p.get("name") for p in named if p.get("id") == chosen), None)
    slug = re.sub(r"[^a-z0-9._-]+", "-", chosen.lower())
    document = {
        "provider": slug,
        "provider_name": provider_name or KNOWN_NAMES.get(slug, slug.replace("_", " ").title()),
        "source": f"{origin} ({kind} data, imported by ticketcost)",
        "verified": verified or dt.date.today(),
        "models": [m for _, m in sorted(models, key=lambda pm: pm[1]["id"])],
    }
    text = dump_price_file(document, kind, origin)
    from ticketcost.pricing.table import parse_price_text

    parse_price_text(text, f"{origin} (imported)")  # refuse to hand out a file that fails
    return Imported(text, len(models), kind, [(name, why) for _, name, why in skipped])


def _checked(
    found: list[tuple[str, dict[str, Any]]], skipped: list[tuple[str, str, str]]
) -> list[tuple[str, dict[str, Any]]]:
    """Each model checked on its own against the schema (a bad one is skipped with the reason),
    and one model per id: the data may list a model twice (``x`` and ``provider/x``)."""
    from pydantic import ValidationError

    from ticketcost.pricing.schema import ModelEntry

    kept: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for owner, model in found:
        key = model.pop(_KEY)
        try:
            ModelEntry.model_validate(model)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            message = str(problem["msg"]).removeprefix("Value error, ")
            skipped.append((owner, key, f"{where + ': ' if where else ''}{message}"))
            continue
        first = kept.get((owner, model["id"]))
        if first is None:
            kept[(owner, model["id"])] = (owner, model)
        elif first[1] == model:
            skipped.append((owner, key, f"the same model and prices as {model['id']}, kept once"))
        else:
            skipped.append(
                (owner, key, f"a second entry for {model['id']} with other prices; the first kept")
            )
    return list(kept.values())


def dump_price_file(document: dict[str, Any], kind: str, origin: str) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # equal prices are written out, not &id001
            return True

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        text = f"{value:f}"
        return dumper.represent_scalar(
            "tag:yaml.org,2002:float", text if "." in text else text + ".0"
        )

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        # a time of day is always quoted: YAML 1.1 reads an unquoted 10:00 as the number 600
        style = '"' if re.fullmatch(r"\d{2}:\d{2}", value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(str, text)
    head = (
        f"# Imported from {origin} ({kind} format) by `ticketcost pricing import`.\n"
        "# Review every figure against the provider's price page before relying on it.\n"
    )
    body = yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return head + body


# ------------------------------------------------------------------------------------ diff, check


class PriceChange(NamedTuple):
    model: str
    change: str  # added, removed, changed
    field: str | None = None
    old: str | None = None
    new: str | None = None


def _facts(model: ModelPrice) -> dict[str, str | None]:
    """Every price of a model, flattened to ``field -> value`` for comparison."""

    def level_facts(prefix: str, level: PriceLevel) -> dict[str, str | None]:
        facts = _rate_facts(prefix, level.rates)
        for tier in level.tiers:
            facts |= _rate_facts(f"{prefix}above {tier.above_input_tokens:,}: ", tier.rates)
        return facts

    facts = level_facts("", model.level())
    for name, level in model.variants:
        facts |= level_facts(f"{name} ", level)
    facts["cache_min_tokens"] = (
        None if model.cache_min_tokens is None else str(model.cache_min_tokens)
    )
    facts["effective_from"] = (
        None if model.effective_from is None else model.effective_from.isoformat()
    )
    for window in model.time_of_day:
        facts |= _rate_facts(f"{window.label}: ", window.rates)
    facts["retires"] = None if model.retires is None else model.retires.isoformat()
    return facts


def _rate_facts(prefix: str, rates: Rates) -> dict[str, str | None]:
    return {
        f"{prefix}{name}": None if value is None else f"{value.normalize():f}"
        for name, value in rates._asdict().items()
    }


def diff_prices(old: Iterable[ModelPrice], new: Iterable[ModelPrice]) -> list[PriceChange]:
    before = {m.id: m for m in old}
    after = {m.id: m for m in new}
    changes = []
    for model_id in sorted(before.keys() | after.keys()):
        if model_id not in after:
            changes.append(PriceChange(model_id, "removed"))
        elif model_id not in before:
            changes.append(PriceChange(model_id, "added"))
        else:
            a, b = _facts(before[model_id]), _facts(after[model_id])
            for field in dict.fromkeys([*a, *b]):
                if a.get(field) != b.get(field):
                    changes.append(
                        PriceChange(model_id, "changed", field, a.get(field), b.get(field))
                    )
    return changes


class Stale(NamedTuple):
    model: ModelPrice
    age_days: int


def stale_models(models: Iterable[ModelPrice], today: dt.date, days: int) -> list[Stale]:
    """Models whose price was last verified more than ``days`` days before ``today``."""
    found = [Stale(m, (today - m.verified).days) for m in models]
    return sorted((s for s in found if s.age_days > days), key=lambda s: (-s.age_days, s.model.id))


class Retiring(NamedTuple):
    model: ModelPrice
    days_left: int  # negative: retired that many days ago


def retiring_models(
    models: Iterable[ModelPrice], today: dt.date, days: int
) -> tuple[list[Retiring], list[Retiring]]:
    """Models retired or retiring within ``days`` of ``today`` (either side), and those retired
    earlier (kept to price older logs), each soonest first."""
    near: list[Retiring] = []
    earlier: list[Retiring] = []
    for model in models:
        if model.retires is None:
            continue
        left = (model.retires - today).days
        if left <= days:
            (near if left >= -days else earlier).append(Retiring(model, left))
    return sorted(near, key=lambda r: r.days_left), sorted(earlier, key=lambda r: r.days_left)
