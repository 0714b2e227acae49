"""The ``huracan eda DATA`` command (added through ``huracan_register_commands``)."""

from __future__ import annotations

import click


@click.command("eda")
@click.argument("data")
@click.option("--out", "out_dir", default=None, help="Output folder (default: ./eda-<DATA name>).")
@click.option("--max-lag", default=20, show_default=True, type=click.IntRange(1, 500), help="Autocorrelation lags.")
@click.option("--no-plots", is_flag=True, help="Write eda.json only.")
def eda_command(data: str, out_dir: str | None, max_lag: int, no_plots: bool) -> None:
    """Exploratory analysis of DATA (a dataset name such as sp500_daily, or a CSV/Parquet file).

    Writes eda.json and PNG plots to a folder and prints a short summary.
    """
    from pathlib import Path

    from huracan_core._errors import HuracanError
    from huracan_features.eda import eda
    from huracan_features.io import load_market_data

    label = Path(data).stem.split(".")[0] if Path(data).suffix else data
    folder = Path(out_dir) if out_dir else Path(f"eda-{label}")
    try:
        frame = load_market_data(data)
        result = eda(frame, folder, max_lag=max_lag, plots=not no_plots, name=label)
    except (HuracanError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    ret = result["returns"]
    acf = result["autocorrelation"]
    adf = result["stationarity"]
    click.echo(f"{label}: {result['rows']} rows, {result['start'][:10]} .. {result['end'][:10]}")
    click.echo(
        f"  missing values: {sum(result['missing'].values())}; return outliers (|z|>4): {result['outliers']['log_return_zscore_gt_4']}"
    )
    click.echo(
        f"  log returns: mean {ret['mean']:.5f}, std {ret['std']:.5f}, skew {ret['skew']:.2f}, "
        f"excess kurtosis {ret['excess_kurtosis']:.2f}, up days {ret['hit_rate_up']:.1%}"
    )
    click.echo(
        f"  ACF lag 1: returns {acf['returns'][0]:+.3f}, |returns| {acf['abs_returns'][0]:+.3f} "
        f"(95% band ±{acf['confidence_95']:.3f}); Ljung-Box p(|r|) = {acf['ljung_box']['abs_returns_pvalue']:.2g}"
    )
    click.echo(
        f"  ADF p-value: log close {adf['log_close']['pvalue']:.3f} "
        f"({'stationary' if adf['log_close']['stationary_at_5pct'] else 'non-stationary'}), "
        f"log returns {adf['log_return']['pvalue']:.3g}"
    )
    click.echo(f"  wrote {len(result['files'])} files to {folder}/")
