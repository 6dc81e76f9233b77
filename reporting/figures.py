"""The notebook's four-panel figure per model, the models x backends heatmap, and history lines."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

NOT_RUN_COLOUR = "0.85"


def four_panel(table: pd.DataFrame, title: str, path: Path) -> Path:
    """Wall time, mean ESS and ESS/s bars per backend, and wall time against mean ESS."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    backends = list(table.index)
    for ax, column in zip(axes.flat, ["wall s", "mean ESS", "ESS/s"]):
        values = table[column].where(table["status"] == "ok")
        ax.barh(backends, values.fillna(0), color="C0")
        for y, (value, status) in enumerate(zip(values, table["status"])):
            if status != "ok" or not math.isfinite(value):
                ax.text(0, y, f" {status}", va="center", color="0.4", style="italic")
        ax.set_title(column)
        ax.invert_yaxis()
    scatter = axes[1, 1]
    ran = table[table["status"] == "ok"]
    scatter.scatter(ran["wall s"], ran["mean ESS"])
    for backend, row in ran.iterrows():
        scatter.annotate(backend, (row["wall s"], row["mean ESS"]), fontsize=8, xytext=(3, 3),
                         textcoords="offset points")
    scatter.set_xlabel("wall s")
    scatter.set_ylabel("mean ESS")
    scatter.set_title("time against ESS")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def heatmap(ess_per_second: pd.DataFrame, status: pd.DataFrame, title: str, path: Path) -> Path:
    """ESS/s of models (rows, in the given order) x backends, log colour scale; not-run cells say why."""
    fig, ax = plt.subplots(figsize=(1.1 * len(ess_per_second.columns) + 3, 0.6 * len(ess_per_second) + 2))
    values = ess_per_second.where(status == "ok")
    positive = values[values > 0].stack()
    norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if len(positive) else None
    ax.set_facecolor(NOT_RUN_COLOUR)
    image = ax.imshow(np.ma.masked_invalid(values.to_numpy(dtype=float)), cmap="viridis", norm=norm, aspect="auto")
    for (row, column), value in np.ndenumerate(values.to_numpy(dtype=float)):
        label = f"{value:.3g}" if math.isfinite(value) else status.iloc[row, column]
        ax.text(column, row, label, ha="center", va="center", fontsize=7,
                color="white" if math.isfinite(value) else "0.3")
    ax.set_xticks(range(len(values.columns)), values.columns, rotation=40, ha="right")
    ax.set_yticks(range(len(values.index)), values.index)
    fig.colorbar(image, ax=ax, label="ESS/s (mean bulk ESS / wall s)")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def history(series: pd.DataFrame, metric: str, unit: str, path: Path) -> Path:
    """One panel per model, one line per backend across commits (x: commit labels in date order).

    series has columns model, backend, label (the commit's label), date, value; NaN (failed or
    skipped) leaves a gap, never a zero.
    """
    labels = series.drop_duplicates("label").sort_values("date")["label"].tolist()
    cases = sorted(series["model"].unique())
    columns = 2
    rows = math.ceil(len(cases) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(12, 3.2 * rows), squeeze=False)
    for ax, case in zip(axes.flat, cases):
        for backend, line in series[series["model"] == case].groupby("backend"):
            line = line.set_index("label").reindex(labels)
            ax.plot(range(len(labels)), line["value"], marker="o", label=backend)
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        if (series.loc[series["model"] == case, "value"] > 0).any():
            ax.set_yscale("log")
        else:  # a log axis of no values cannot be laid out
            ax.text(0.5, 0.5, "no values (failed, skipped or not measured)", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8)
        ax.set_title(case, fontsize=10)
        ax.set_ylabel(unit, fontsize=8)
    for ax in list(axes.flat)[len(cases):]:
        ax.axis("off")
    legend = {}
    for ax in axes.flat:
        legend.update(zip(*reversed(ax.get_legend_handles_labels())))
    fig.legend(list(legend.values()), list(legend), loc="lower center", ncol=5, fontsize=8)
    fig.suptitle(f"{metric} across commits")
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
