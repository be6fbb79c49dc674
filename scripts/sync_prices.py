"""Build every bundled price file (pricing/*.yaml) from pinned genai-prices and LiteLLM data.

    python scripts/sync_prices.py            # exit 1 when pricing/ or docs/price-sources.md differ
    python scripts/sync_prices.py --write    # rewrite them
    python scripts/sync_prices.py record GENAI_WHEEL LITELLM_WHEEL   # re-record the inputs

Inputs (scripts/price_sources/): the two projects' data for the bundled providers, recorded from
their released wheels (genai-prices 0.2.3: ``genai_prices.data.providers`` in its data.json
shape; LiteLLM 1.110.2: ``model_prices_and_context_window_backup.json``), and ``curation.yaml``:
which models, their names and aliases, facts neither project records (cache minimums from the
providers' documentation, with their source) and the Bedrock rule.

The agreement rule, per price: both sources give it and agree → that value; only one gives it →
that value (its source is recorded); they disagree → genai-prices' value unless the curation
names LiteLLM for that model, and the disagreement is listed with both values. A model is
bundled when the curation names it, or when it is current (not retired by ``as_of``), a chat
model, and both sources list it with the same input and output price. Time-of-day prices, dated
history and names come from genai-prices (LiteLLM has none); retirement dates from LiteLLM.

tests/pricing/test_price_sync.py proves the bundled files are exactly what this makes from the
recorded inputs. Maintainer tooling: not part of the package.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ticketcost.pricing import io  # noqa: E402

INPUTS = ROOT / "scripts" / "price_sources"
GENAI = INPUTS / "genai-prices-0.2.3.json"
LITELLM = INPUTS / "litellm-1.110.2.json"
CURATION = INPUTS / "curation.yaml"
PROVENANCE = ROOT / "docs" / "price-sources.md"
RATE_KEYS = (
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_write_1h_usd_per_mtok",
)
NAMES = {"genai": "genai-prices 0.2.3", "litellm": "litellm 1.110.2"}


class Ledger:
    """Where each bundled figure came from: one source only, or a disagreement."""

    def __init__(self) -> None:
        self.single: list[tuple[str, str, str, str]] = []  # model, field, value, source
        self.disagree: list[tuple[str, str, str, str, str]] = []  # model, field, genai, ll, used

    def pick(self, model: str, field: str, g: Any, lit: Any, prefer: str) -> Any:
        if g is None and lit is None:
            return None
        if g is not None and lit is not None:
            if g == lit:
                return g
            used = lit if prefer == "litellm" else g
            self.disagree.append((model, field, _text(g), _text(lit), NAMES[prefer]))
            return used
        source = "genai" if g is not None else "litellm"
        value = g if g is not None else lit
        self.single.append((model, field, _text(value), NAMES[source]))
        return value


def _text(value: Any) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


# ----------------------------------------------------------------------------------- merging


def merge_level(
    ledger: Ledger, model: str, path: str, g: dict[str, Any], lit: dict[str, Any], prefer: str
) -> dict[str, Any]:
    """One price level (standard or a variant): rates, then tiers matched by threshold."""
    level: dict[str, Any] = {}
    for key in RATE_KEYS:
        value = ledger.pick(model, f"{path}{key}", g.get(key), lit.get(key), prefer)
        if value is not None or key != "cache_write_1h_usd_per_mtok":
            level[key] = value
    g_tiers = {t["above_input_tokens"]: t for t in g.get("tiers", [])}
    l_tiers = {t["above_input_tokens"]: t for t in lit.get("tiers", [])}
    tiers = []
    for threshold in sorted(set(g_tiers) | set(l_tiers)):
        where = f"{path}above {threshold:,}: "
        merged = merge_level(
            ledger, model, where, g_tiers.get(threshold, {}), l_tiers.get(threshold, {}), prefer
        )
        for key in RATE_KEYS[:4]:  # a tier one source lacks keeps the level's rates
            if merged.get(key) is None:
                merged[key] = level.get(key)
        tiers.append({"above_input_tokens": threshold} | merged)
    if tiers:
        level["tiers"] = tiers
    return level


def merge_model(
    ledger: Ledger, g: dict[str, Any] | None, lit: dict[str, Any] | None, prefer: str
) -> dict[str, Any]:
    g, lit = g or {}, lit or {}
    name = g.get("id") or lit["id"]
    merged = merge_level(ledger, name, "", g, lit, prefer)
    g_var, l_var = g.get("variants", {}), lit.get("variants", {})
    variants = {
        kind: merge_level(
            ledger, name, f"{kind} ", g_var.get(kind, {}), l_var.get(kind, {}), prefer
        )
        for kind in ("batch", "flex", "priority")
        if kind in g_var or kind in l_var
    }
    if variants:
        merged["variants"] = variants
    if g.get("time_of_day"):
        merged["time_of_day"] = g["time_of_day"]
        ledger.single.append(
            (name, "time_of_day", f"{len(g['time_of_day'])} windows", NAMES["genai"])
        )
    if g.get("history"):
        merged["effective_from"] = g["effective_from"]
        merged["history"] = g["history"]
        ledger.single.append((name, "history", f"from {g['effective_from']}", NAMES["genai"]))
    if lit.get("cache_min_tokens"):  # genai-prices records neither minimums nor shutdowns
        merged["cache_min_tokens"] = lit["cache_min_tokens"]
        ledger.single.append(
            (name, "cache_min_tokens", str(lit["cache_min_tokens"]), NAMES["litellm"])
        )
    if lit.get("retires"):
        merged["retires"] = lit["retires"]
        merged["retires_source"] = lit["retires_source"]
        ledger.single.append((name, "retires", str(lit["retires"]), NAMES["litellm"]))
    if g.get("notes"):
        merged["notes"] = g["notes"]
    return merged


# ---------------------------------------------------------------------------------- building


def load_inputs() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    genai = json.loads(GENAI.read_text(), parse_float=Decimal)
    litellm = json.loads(LITELLM.read_text(), parse_float=Decimal)
    return {p["id"]: {m["id"]: m for m in p["models"]} for p in genai}, litellm


def _litellm_entry(
    litellm: dict[str, Any], provider: str, model_id: str, prefix: str = ""
) -> tuple[str, Any]:
    for key in (
        f"{provider}/{prefix}{model_id}",
        f"{prefix}{model_id}",
        f"{provider}/{model_id}",
        model_id,
    ):
        entry = litellm.get(key)
        if isinstance(entry, dict) and entry.get("litellm_provider") == provider:
            return key, entry
    return "", None


def _convert(function: Any, *args: Any) -> dict[str, Any] | None:
    try:
        return function(*args)  # type: ignore[no-any-return]
    except io.NotImportable:
        return None


def provider_models(
    spec: dict[str, Any],
    genai: dict[str, Any],
    litellm: dict[str, Any],
    as_of: dt.date,
    exclude: list[str],
) -> list[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]]:
    """(curation entry, genai-prices model, LiteLLM model) for every model to bundle."""
    g_models = genai.get(spec["genai"], {})
    chosen = {m["id"]: m for m in spec.get("models", [])}
    named = {a for m in chosen.values() for a in m.get("aliases", [])}  # a curated alias is taken
    found = []
    for model_id in dict.fromkeys([*chosen, *(m for m in g_models if m not in named)]):
        g_entry = g_models.get(chosen.get(model_id, {}).get("genai", model_id))
        l_key, l_entry = _litellm_entry(
            litellm,
            spec["litellm"],
            chosen.get(model_id, {}).get("litellm", model_id),
            spec.get("litellm_prefix", ""),
        )
        g = _convert(io.genai_model, g_entry, as_of) if g_entry else None
        lit = _convert(io.litellm_model, l_key, l_entry, spec["litellm"]) if l_entry else None
        if model_id not in chosen:
            agree = (
                g
                and lit
                and all(g[k] == lit[k] for k in ("input_usd_per_mtok", "output_usd_per_mtok"))
            )
            current = lit is not None and (lit.get("retires") or dt.date.max) > as_of
            wanted = not any(fnmatch.fnmatchcase(lit["id"], p) for p in exclude) if lit else False
            if not (agree and current and wanted and l_entry.get("mode") == "chat"):
                continue
        if g is None and lit is None:
            raise SystemExit(f"{model_id}: in neither source as a token-priced model")
        # a model added by the rule takes the id requests use, LiteLLM's (its provider/ dropped)
        found.append((chosen.get(model_id) or {"id": lit["id"] if lit else model_id}, g, lit))
    return found


def build() -> tuple[dict[str, str], str]:
    import yaml

    curation = yaml.safe_load(CURATION.read_text())
    as_of = curation["as_of"]
    genai, litellm = load_inputs()
    ledger = Ledger()
    files: dict[str, str] = {}
    synced: dict[str, dict[str, Any]] = {}
    for provider, spec in curation["providers"].items():
        models = []
        for entry, g, lit in provider_models(
            spec, genai, litellm, as_of, curation.get("exclude", [])
        ):
            merged = merge_model(ledger, g, lit, entry.get("prefer", "genai"))
            model = {"id": entry["id"], "name": entry.get("name") or (g or lit or {})["name"]}
            if entry.get("aliases"):
                model["aliases"] = entry["aliases"]
            model |= merged
            # the provider's documentation (curation) over LiteLLM; a provider-wide minimum fills in
            if "cache_min_tokens" in entry:
                model["cache_min_tokens"] = entry["cache_min_tokens"]
            elif spec.get("cache_min_tokens") and "cache_min_tokens" not in model:
                model["cache_min_tokens"] = spec["cache_min_tokens"]
            sources = [NAMES[s] for s, m in (("genai", g), ("litellm", lit)) if m]
            if len(sources) == 1:
                model["source"] = f"{spec['source']} as recorded in {sources[0]} only"
            if entry.get("notes"):
                model["notes"] = entry["notes"] + (
                    f"; {model['notes']}" if model.get("notes") else ""
                )
            models.append(model)
            synced[model["id"]] = model
        files[provider] = _document(spec, provider, models, as_of)
    for provider, spec in curation.get("derived", {}).items():
        files[provider] = _document(spec, provider, _derived(spec, synced), as_of)
    return files, provenance(ledger, curation)


def _derived(spec: dict[str, Any], synced: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows priced as another provider's rows times a factor (Bedrock's regional endpoints)."""
    factor = Decimal(str(spec["factor"]))

    def scaled(value: Any) -> Any:
        if isinstance(value, Decimal):
            return (value * factor).normalize()
        if isinstance(value, dict):  # no 1-hour write price on Bedrock here (no source has it)
            return {
                k: v if k == "above_input_tokens" else scaled(v)
                for k, v in value.items()
                if k != "cache_write_1h_usd_per_mtok"
            }
        if isinstance(value, list):
            return [scaled(v) for v in value]
        return value

    models = []
    for entry in spec["models"]:
        base = synced[entry["from"]]
        model = {"id": entry["id"], "name": entry["name"], "aliases": entry["aliases"]}
        for key in (*RATE_KEYS, "tiers", "effective_from", "history"):
            if key in base and key != "cache_write_1h_usd_per_mtok":
                model[key] = base[key] if key == "effective_from" else scaled(base[key])
        if "retires" in entry:
            model["retires"] = entry["retires"]
            model["retires_source"] = entry["retires_source"]
        models.append(model)
    return models


def _document(spec: dict[str, Any], provider: str, models: list[Any], as_of: dt.date) -> str:
    head = "".join(f"# {line}".rstrip() + "\n" for line in spec["header"].rstrip().splitlines())
    document = {
        "provider": provider,
        "provider_name": spec["name"],
        "source": spec["file_source"],
        "verified": as_of,
        "models": models,
    }
    text = io.dump_price_file(document, "", "")
    return head + text.split("\n", 2)[2]  # the importer's own two header lines replaced


def provenance(ledger: Ledger, curation: dict[str, Any]) -> str:
    lines = [
        "# Where the bundled prices come from",
        "",
        "Generated by `scripts/sync_prices.py` from genai-prices 0.2.3 and LiteLLM 1.110.2 (the",
        "inputs are recorded in `scripts/price_sources/`); a test keeps it current. Every price",
        "both sources give and agree on is not listed. Prices are USD per 1M tokens.",
        "",
        "## Where the sources disagree",
        "",
        "| model | field | genai-prices | LiteLLM | used |",
        "|---|---|---:|---:|---|",
    ]
    lines += [f"| {m} | {f} | {g} | {lit} | {u} |" for m, f, g, lit, u in ledger.disagree]
    lines += [
        "",
        "## Given by one source only",
        "",
        "| model | field | value | source |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {m} | {f} | {v} | {s} |" for m, f, v, s in ledger.single]
    lines += ["", "## Set here, from the providers' documentation", ""]
    for provider, spec in curation["providers"].items():
        for model in spec.get("models", []):
            if "cache_min_tokens" in model:
                lines.append(
                    f"- {provider} {model['id']}: cache_min_tokens {model['cache_min_tokens']:,} "
                    f"({spec['cache_min_source']})"
                )
        if spec.get("cache_min_tokens"):
            lines.append(
                f"- {provider}, every model without its own: cache_min_tokens "
                f"{spec['cache_min_tokens']:,} ({spec['cache_min_source']})"
            )
    for provider, spec in curation.get("derived", {}).items():
        lines.append(f"- {provider}: {spec['rule']}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- recording


def record(genai_wheel: str, litellm_wheel: str) -> None:
    """Record the inputs from the two released wheels (only the bundled providers' entries)."""
    import tempfile
    import zipfile

    import yaml

    curation = yaml.safe_load(CURATION.read_text())
    g_ids = {spec["genai"] for spec in curation["providers"].values()}
    l_ids = {spec["litellm"] for spec in curation["providers"].values()}
    with zipfile.ZipFile(litellm_wheel) as wheel:
        data = json.loads(
            wheel.read("litellm/model_prices_and_context_window_backup.json"), parse_float=Decimal
        )
    kept = {
        k: v for k, v in data.items() if isinstance(v, dict) and v.get("litellm_provider") in l_ids
    }
    LITELLM.write_text(_json(kept) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        zipfile.ZipFile(genai_wheel).extractall(folder)
        (Path(folder) / "httpx2.py").write_text("class Client: ...\nclass AsyncClient: ...\n")
        sys.path[:0] = [folder]
        from genai_prices import data as genai_data  # the package, not installed: its data module

        providers = [_plain(p) for p in genai_data.providers if p.id in g_ids]
    GENAI.write_text(_json(providers) + "\n")


def _plain(value: Any) -> Any:
    """genai-prices' dataclasses in its data.json shape (matching rules and extractors left out)."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        skip = {"match", "extractors", "model_match", "provider_match", "api_pattern"}
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in skip and getattr(value, f.name) is not None
        }
    if type(value).__name__ == "ModelPrice":
        return {k: _plain(v) for k, v in vars(value).items() if v is not None and k[0] != "_"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _json(value: Any) -> str:
    """JSON with every number written exactly as its Decimal (never through a float)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + _json(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    return json.dumps(value)


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["record"]:
        record(args[1], args[2])
        return 0
    files, ledger = build()
    wanted = {ROOT / "pricing" / f"{name}.yaml": text for name, text in files.items()}
    wanted[PROVENANCE] = ledger
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if "--write" in args:
        for path in stale:
            path.write_text(wanted[path])
        return 0
    for path in stale:
        print(f"stale: {path.relative_to(ROOT)} (python scripts/sync_prices.py --write)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
