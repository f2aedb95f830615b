"""What holds the district back: criteria and indicators ranked by communes short of them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels as lb
from .columnar import (
    codes_in,
    codes_of,
    equals,
    group_counts,
    groups_of,
    is_false,
    is_true,
    joined_texts,
    match_rows,
    sort_rows,
    take_at,
    text_column,
    text_of,
    value_ranks,
)


def lagging_criteria(
    criteria: pd.DataFrame,
    indicators: pd.DataFrame | None,
    year: int,
    *,
    names: object = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """Criteria ranked by communes short of them in ``year``, with the indicators behind each.

    ``communes_short`` counts communes whose criterion is not met, including
    those with no decision (``communes_no_data``). ``indicators_behind`` lists
    the unmet indicators with the number of communes short, most first
    ("17.2 (3); 17.5 (1)"). ``rank`` is 1 for the criterion most communes
    miss (ties share a rank); criteria every commune meets come last with
    ``lagging`` False.
    """
    name_map = _names(names, lang)
    cols = ["commune", "criteria_set", "criterion", "met"]
    crit = criteria.loc[equals(criteria["year"], year), cols]
    out = _shortfall(crit, ~is_true(crit["met"]), ["criteria_set", "criterion"])
    behind = lagging_indicators(indicators, year) if indicators is not None else None
    if behind is not None and not behind.empty:
        b = behind.loc[behind["communes_short"] > 0]
        b = sort_rows(
            b, ["criterion", "communes_short", "indicator"], ascending=[True, False, True]
        )
        texts = b["indicator"].astype("string") + " (" + b["communes_short"].astype("string") + ")"
        # per criterion number, its indicators in the order above
        group, first = groups_of(b, ["criterion"])
        per = (
            b.loc[:, ["criterion"]]
            .take(first)
            .reset_index(drop=True)
            .assign(
                indicators_behind=joined_texts(group, texts, len(first)),
                indicators_behind_count=np.bincount(group, minlength=len(first)),
            )
        )
        hit = match_rows(out, per, ["criterion"])
        out = out.assign(
            indicators_behind=take_at(per["indicators_behind"], hit, out.index),
            indicators_behind_count=take_at(per["indicators_behind_count"], hit, out.index),
        )
    else:
        out = out.assign(indicators_behind=pd.NA, indicators_behind_count=0)
    out = out.assign(
        criterion_name=text_of(out["criterion"], name_map.get),
        share_met=(1 - out["communes_short"] / out["communes_total"]).astype("Float64"),
        lagging=out["communes_short"] > 0,
        rank=out["communes_short"].rank(method="min", ascending=False).astype("Int64"),
        indicators_behind=out["indicators_behind"].fillna("").astype("string"),
        indicators_behind_count=out["indicators_behind_count"].fillna(0).astype("int64"),
    )
    out = sort_rows(out, ["rank", "criterion", "criteria_set"])
    return out.loc[
        :,
        [
            "rank",
            "criteria_set",
            "criterion",
            "criterion_name",
            "communes_total",
            "communes_short",
            "communes_no_data",
            "share_met",
            "lagging",
            "communes_short_names",
            "indicators_behind",
            "indicators_behind_count",
        ],
    ]


def _shortfall(frame: pd.DataFrame, short: np.ndarray, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: communes in all, short (``short`` True) and without data, and
    ``communes_short_names``, the names of the communes short of the code
    (``keys[-1]``), in Vietnamese order, "; "-joined."""
    # states: 0 neither, 1 no data, 2 short, 3 short and no data
    state = 2 * short.astype(np.int8) + frame["met"].isna().to_numpy(dtype=np.int8)
    out, counts = group_counts(frame, keys, state, 4)
    out = out.assign(
        communes_total=pd.array(counts.sum(axis=1), dtype="Int64"),
        communes_short=counts[:, 2] + counts[:, 3],
        communes_no_data=counts[:, 1] + counts[:, 3],
    )
    code_codes, code_values = codes_of(frame[keys[-1]])
    name_codes, name_values = codes_of(frame["commune"])
    rows = np.flatnonzero(short & (code_codes >= 0) & (name_codes >= 0))
    # the Vietnamese sort key once per distinct name, not once per row
    rows = rows[np.argsort(value_ranks(name_values, "commune")[name_codes[rows]], kind="stable")]
    joined = joined_texts(
        code_codes[rows], text_column(name_values, name_codes[rows]), len(code_values)
    )
    own = codes_in(out[keys[-1]], code_values)
    return out.assign(communes_short_names=take_at(joined, own, out.index).fillna(""))


def lagging_indicators(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Communes short of each indicator in ``year`` (met False), most first."""
    cols = ["commune", "criteria_set", "criterion", "indicator", "met"]
    ind = indicators.loc[equals(indicators["year"], year), cols]
    out = _shortfall(ind, is_false(ind["met"]), ["criteria_set", "criterion", "indicator"])
    return sort_rows(
        out,
        ["communes_short", "indicator", "criteria_set", "criterion"],
        ascending=[False, True, True, True],
    )


def _names(names: object, lang: str) -> dict[str, str]:
    return lb.criterion_names(names, lang) if names is not None else {}
