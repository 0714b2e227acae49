"""The Mechanic: market data → regime labels → catalog candidates → walk-forward → champions → holdout.

The loop, in order (each step logs what it did):

1. load and validate the market frame; build the target (values + ``label_end``);
2. split off the **untouched holdout** (the most recent rows; development rows
   whose labels reach into it are purged);
3. fit the feature recipe and the regime detector on development rows only, and
   label every bar with a regime (causal, so holdout labels use past data only);
4. ask the catalog for learners that fit (task, rows, features, feature tags the
   recipe provides); explain the ones left out;
5. train every candidate with the trainer the catalog picks, walk-forward (or
   purged K-fold) over the development rows, collecting out-of-fold predictions;
6. rank per regime (score = metric on the out-of-fold bars labelled with that
   regime) and overall; name a champion per regime and the best static model;
7. refit those on all development rows, score them on the holdout, and test the
   regime-aware ensemble (each bar traded by its regime's champion) against the
   best static model with a paired block bootstrap / Diebold-Mariano test.

Registering, retraining decisions and reports build on the :class:`RunResult`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core import metrics
from huracan_core._errors import ConfigError
from huracan_core._vocab import REGIMES
from huracan_core.mechanic._candidates import Candidate, CandidatePlan, plan_candidates
from huracan_core.mechanic._data import load_market_data
from huracan_core.mechanic._features import build_recipe, feature_frame, recipe_provides
from huracan_core.mechanic._scoring import decision_pnl, finite_or, positions_from_predictions, score_subset
from huracan_core.mechanic.config import MechanicConfig, load_config

__all__ = ["CandidateScore", "HoldoutResult", "Mechanic", "RunResult", "build_target", "label_bars"]

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int], None]
"""``progress(description, advance)``: called once per finished training job."""


@dataclass
class CandidateScore:
    """A candidate's walk-forward record."""

    candidate: Candidate
    oof: pd.Series
    """Out-of-fold predictions, indexed by the bars they were made for."""
    scores: dict[str, float] = field(default_factory=dict)
    """``overall`` and one entry per regime (the metric on that regime's out-of-fold bars)."""
    n_bars: dict[str, int] = field(default_factory=dict)
    fit_seconds: float = 0.0
    error: str | None = None

    @property
    def key(self) -> str:
        return self.candidate.key

    def to_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "key": c.key,
            "learner": c.learner,
            "scope": c.scope,
            "params": c.params,
            "trainer": c.trainer,
            "backend": c.backend,
            "layout": c.layout,
            "scores": {k: (None if not math.isfinite(v) else v) for k, v in self.scores.items()},
            "n_bars": self.n_bars,
            "fit_seconds": round(self.fit_seconds, 3),
            "error": self.error,
        }


@dataclass
class HoldoutResult:
    """The final, honest comparison on the most recent rows that selection never saw."""

    regime_metric: float
    static_metric: float
    margin: float
    test: dict[str, Any]
    static_key: str
    champions: dict[str, str]
    n_bars: int
    start: Any
    end: Any
    pnl_regime: pd.Series
    pnl_static: pd.Series
    pnl_buy_hold: pd.Series
    per_model: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric_regime_aware": self.regime_metric,
            "metric_static": self.static_metric,
            "margin": self.margin,
            "test": self.test,
            "static_model": self.static_key,
            "champions": self.champions,
            "n_bars": self.n_bars,
            "start": str(self.start),
            "end": str(self.end),
            "per_model": self.per_model,
        }


@dataclass
class RunResult:
    """Everything one run learned: leaderboards, champions, holdout evidence, fitted models."""

    config: MechanicConfig
    task: str
    metric: str
    market: pd.DataFrame
    features: pd.DataFrame
    target: Any
    regimes: pd.Series
    dev_index: pd.DatetimeIndex
    holdout_index: pd.DatetimeIndex
    plan: CandidatePlan
    leaderboard: list[CandidateScore]
    champions: dict[str, str]
    """regime → candidate key (every regime present in the development data)."""
    overall_champion: str
    holdout: HoldoutResult | None
    models: dict[str, Any]
    """candidate key → learner fitted on all development rows (champions and the static model)."""
    holdout_predictions: dict[str, pd.Series]
    recipe: Any
    detector: Any
    detector_spec: dict[str, Any]
    seconds: float = 0.0
    registered: dict[str, Any] = field(default_factory=dict)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    report_path: Path | None = None

    def regime_leaderboard(self, regime: str) -> list[CandidateScore]:
        rows = [r for r in self.leaderboard if r.error is None and regime in r.scores and r.n_bars.get(regime, 0) > 0]
        return sorted(rows, key=lambda r: finite_or(r.scores[regime]), reverse=True)

    def overall_leaderboard(self) -> list[CandidateScore]:
        rows = [r for r in self.leaderboard if r.error is None and r.candidate.scope == "global"]
        return sorted(rows, key=lambda r: finite_or(r.scores.get("overall", math.nan)), reverse=True)

    def summary(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "metric": self.metric,
            "n_bars": len(self.market),
            "n_features": self.features.shape[1],
            "development": [str(self.dev_index[0]), str(self.dev_index[-1]), len(self.dev_index)],
            "holdout": [str(self.holdout_index[0]), str(self.holdout_index[-1]), len(self.holdout_index)],
            "regime_counts": {str(k): int(v) for k, v in self.regimes.value_counts().items()},
            "candidates": [r.to_dict() for r in self.leaderboard],
            "skipped": self.plan.skipped,
            "champions": self.champions,
            "overall_champion": self.overall_champion,
            "holdout_result": None if self.holdout is None else self.holdout.to_dict(),
            "registered": self.registered,
            "decisions": self.decisions,
            "seconds": round(self.seconds, 2),
        }


def build_target(market: pd.DataFrame, config: MechanicConfig) -> Any:
    from huracan_core import targets

    t = config.target
    if t.kind == "forward_return":
        return targets.forward_return_target(market, t.horizon)
    if t.kind == "direction":
        return targets.direction_target(market, t.horizon, dead_zone=t.dead_zone, binary=True)
    return targets.triple_barrier_target(
        market, t.horizon, profit_take=t.profit_take, stop_loss=t.stop_loss, volatility_window=t.volatility_window
    )


def label_bars(detector: Any, market: pd.DataFrame) -> pd.Series:
    """Regime label per bar from a fitted detector (``predict`` → labels indexed by bar)."""
    labels = detector.predict(market)
    if isinstance(labels, pd.DataFrame):
        labels = labels["regime"] if "regime" in labels.columns else labels.iloc[:, 0]
    if not isinstance(labels, pd.Series):
        values = np.asarray(labels)
        labels = pd.Series(values, index=market.index[len(market) - len(values) :])
    labels = labels.astype(object)
    unknown = sorted({str(v) for v in labels.dropna().unique()} - set(REGIMES))
    if unknown:
        raise ValueError(f"regime detector returned labels outside the vocabulary {REGIMES}: {unknown}")
    return labels.dropna().rename("regime")


class _ColumnRegimes:
    """``regimes.detector: column``: the data's own ``regime`` column (e.g. the simulator's known states)."""

    def fit(self, X: pd.DataFrame, y: Any = None) -> _ColumnRegimes:
        if "regime" not in X.columns:
            raise ConfigError("config: regimes.detector: 'column' needs a 'regime' column in the data")
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        return X["regime"].astype(object)


def _as_series(pred: Any, index: pd.Index) -> pd.Series:
    """A learner's prediction as a Series on ``index`` (windowed learners may return fewer, later rows)."""
    if isinstance(pred, pd.DataFrame):
        pred = pred.iloc[:, 0] if pred.shape[1] == 1 or "prediction" not in pred.columns else pred["prediction"]
    if isinstance(pred, pd.Series):
        return pred
    values = np.asarray(pred)
    if values.ndim > 1:
        values = values[:, -1] if values.shape[1] > 1 else values[:, 0]
    return pd.Series(values, index=index[len(index) - len(values) :])


class Mechanic:
    """Runs the selection loop for one configuration.

    Args:
        config: a :class:`MechanicConfig`, a mapping or a YAML path.
        catalog: the catalog to ask (default: :func:`huracan_core.load_catalog`).
        progress: optional ``progress(description, advance)`` callback (the CLI draws a bar with it).
    """

    def __init__(self, config: Any = None, *, catalog: Any = None, progress: ProgressFn | None = None) -> None:
        self.config = config if isinstance(config, MechanicConfig) else load_config(config)
        if catalog is None:
            from huracan_core import load_catalog

            catalog = load_catalog()
        self.catalog = catalog
        self.progress = progress
        self.total_jobs: int | None = None
        self.on_plan: Callable[[int], None] | None = None

    # -- steps -------------------------------------------------------------------------
    def _detector(self) -> tuple[Any, dict[str, Any]]:
        cfg = self.config.regimes
        if cfg.detector == "column":
            return _ColumnRegimes(), {"name": "column", "params": {}}
        detectors = [s.name for s in self.catalog.query(task="regime_detection", installed_only=True)]
        if cfg.detector not in detectors:
            raise ConfigError(
                f"config: regimes.detector: expected one of {', '.join([*detectors, 'column'])}, got {cfg.detector!r}"
            )
        return self.catalog.create(cfg.detector, **dict(cfg.params)), {"name": cfg.detector, "params": dict(cfg.params)}

    def _splitter(self, n_rows: int, horizon: int) -> Any:
        from huracan_core import validation

        v = self.config.validation
        if v.scheme == "purged_kfold":
            return validation.PurgedKFold(n_splits=v.n_splits, embargo=v.embargo)
        gap = v.gap if v.gap is not None else horizon
        return validation.WalkForward(
            n_splits=v.n_splits,
            test_size=v.test_size,
            train_size=v.train_size,
            gap=gap,
            min_train_size=max(20, n_rows // 20),
        )

    def _fit(self, cand: Candidate, X: pd.DataFrame, y: pd.Series) -> Any:
        learner = self.catalog.create(cand.learner, **cand.params)
        trainer = self.catalog.create(cand.trainer)
        fitted = trainer.train(learner, X, y)
        return learner if fitted is None else fitted

    def _predict(self, model: Any, cand: Candidate, X_all: pd.DataFrame, rows: np.ndarray) -> pd.Series:
        """Predict positions ``rows`` of ``X_all``, giving windowed learners their lookback context."""
        lo = max(0, int(rows[0]) - max(cand.lookback - 1, 0))
        block = X_all.iloc[lo : int(rows[-1]) + 1]
        pred = _as_series(model.predict(block), block.index)
        wanted = X_all.index[rows]
        return pred.reindex(wanted).dropna()

    # -- the loop ----------------------------------------------------------------------
    def run(
        self,
        market: pd.DataFrame | None = None,
    ) -> RunResult:
        started = time.perf_counter()
        cfg = self.config
        rng_seed = cfg.seed
        np.random.seed(rng_seed)  # for learners that ignore their seed parameter
        task = cfg.resolved_task
        market = load_market_data(cfg.data, self.catalog, market)
        target = build_target(market, cfg)

        # 1. holdout split on the target's rows (the latest rows; purged by label_end)
        from huracan_core import validation

        v = cfg.validation
        fraction = v.holdout if v.holdout < 1 else v.holdout / len(target)
        gap = v.gap if v.gap is not None else target.horizon
        dev_pos, hold_pos = validation.holdout_split(target.values, fraction, label_end=target.label_end, gap=gap)
        dev_target_index = target.values.index[dev_pos]
        holdout_index = target.values.index[hold_pos]
        dev_market = market.loc[: dev_target_index[-1]]

        # 2. features and regimes, fitted on development rows only
        recipe = build_recipe(cfg.recipe, self.catalog)
        recipe.fit(dev_market)
        features = feature_frame(recipe, market)
        detector, detector_spec = self._detector()
        detector.fit(dev_market)
        regimes = label_bars(detector, market)

        common = features.index.intersection(target.values.index).intersection(regimes.index)
        features = features.loc[common]
        y_all = target.values.loc[common]
        label_end = target.label_end.loc[common]
        bar_regime = regimes.loc[common]
        dev_index = common.intersection(dev_target_index)
        holdout_index = common.intersection(holdout_index)
        if len(dev_index) < 50 or len(holdout_index) < 10:
            raise ValueError(
                f"too few rows after feature warm-up: {len(dev_index)} development and {len(holdout_index)} holdout "
                "(need >= 50 and >= 10); use more data or a shorter warm-up"
            )
        logger.info(
            "mechanic: %d development rows, %d holdout rows, %d features, regimes %s",
            len(dev_index),
            len(holdout_index),
            features.shape[1],
            bar_regime.loc[dev_index].value_counts().to_dict(),
        )
        rets = metrics.bar_returns(market["close"])
        forward1 = pd.Series(rets.to_numpy()[1:], index=rets.index[:-1])

        # 3. candidates, from the catalog
        plan = plan_candidates(
            self.catalog,
            task=task,
            n_rows=len(dev_index),
            n_features=features.shape[1],
            available_features=recipe_provides(recipe),
            config=cfg.candidates,
            seed=rng_seed,
            regimes_present=bar_regime.loc[dev_index].unique(),
        )
        if not plan.candidates:
            reasons = "; ".join(f"{s['name']}: {s['reason']}" for s in plan.skipped[:10])
            raise ConfigError(f"config: candidates: no installed learner fits this run ({task}). Left out: {reasons}")
        logger.info("mechanic: %d candidates (%d learners skipped)", len(plan.candidates), len(plan.skipped))

        # 4. walk-forward over development rows
        X_dev = features.loc[dev_index]
        y_dev = y_all.loc[dev_index]
        splits = list(self._splitter(len(X_dev), target.horizon).split(X_dev, label_end.loc[dev_index]))
        n_hold_fits = 0
        self.total_jobs = len(plan.candidates) * len(splits)
        if self.on_plan is not None:
            self.on_plan(self.total_jobs + 2 * len({c.learner for c in plan.candidates}) + len(REGIMES))
        leaderboard = [
            self._walk_forward(cand, X_dev, y_dev, bar_regime.loc[dev_index], splits, cfg.candidates.min_regime_rows)
            for cand in plan.candidates
        ]
        for row in leaderboard:
            self._score(row, task, rets, forward1, bar_regime)

        # 5. champions
        result = RunResult(
            config=cfg,
            task=task,
            metric=v.metric,
            market=market,
            features=features,
            target=target,
            regimes=bar_regime,
            dev_index=dev_index,
            holdout_index=holdout_index,
            plan=plan,
            leaderboard=leaderboard,
            champions={},
            overall_champion="",
            holdout=None,
            models={},
            holdout_predictions={},
            recipe=recipe,
            detector=detector,
            detector_spec=detector_spec,
        )
        overall = result.overall_leaderboard()
        if not overall or not math.isfinite(overall[0].scores.get("overall", math.nan)):
            errors = "; ".join(f"{r.key}: {r.error}" for r in leaderboard if r.error)[:2000]
            raise RuntimeError(f"no candidate produced a usable walk-forward score. Errors: {errors or 'none'}")
        result.overall_champion = overall[0].key
        for regime in REGIMES:
            board = [
                r
                for r in result.regime_leaderboard(regime)
                if r.n_bars.get(regime, 0) >= v.min_regime_bars and math.isfinite(r.scores[regime])
            ]
            if board:
                result.champions[regime] = board[0].key
            elif regime in set(bar_regime.loc[dev_index]):
                result.champions[regime] = result.overall_champion
        logger.info("mechanic: champions %s; best static model %s", result.champions, result.overall_champion)

        # 6. refit the champions and the static model on all development rows; score the holdout
        needed = [result.overall_champion, *dict.fromkeys(result.champions.values())]
        by_key = {r.key: r.candidate for r in leaderboard}
        positions_all = np.arange(len(features))
        hold_rows = positions_all[features.index.isin(holdout_index)]
        for key in dict.fromkeys(needed):
            cand = by_key[key]
            X_fit, y_fit = X_dev, y_dev
            if cand.scope != "global":
                mask = (bar_regime.loc[dev_index] == cand.scope).to_numpy()
                X_fit, y_fit = X_dev.loc[mask], y_dev.loc[mask]
            model = self._fit(cand, X_fit, y_fit)
            result.models[key] = model
            result.holdout_predictions[key] = self._predict(model, cand, features, hold_rows)
            n_hold_fits += 1
            if self.progress is not None:
                self.progress(f"holdout {key}", 1)
        result.holdout = self._holdout(result, rets, forward1)
        result.seconds = time.perf_counter() - started
        return result

    def _walk_forward(
        self,
        cand: Candidate,
        X: pd.DataFrame,
        y: pd.Series,
        regimes: pd.Series,
        splits: list[tuple[np.ndarray, np.ndarray]],
        min_rows: int,
    ) -> CandidateScore:
        parts: list[pd.Series] = []
        started = time.perf_counter()
        error = None
        skipped_folds = 0
        for k, (train, test) in enumerate(splits):
            if cand.scope != "global":
                train = train[(regimes.iloc[train] == cand.scope).to_numpy()]
                if len(train) < min_rows:  # too few bars of this regime yet: this fold has no specialist
                    skipped_folds += 1
                    if self.progress is not None:
                        self.progress(cand.key, 1)
                    continue
            try:
                if len(np.unique(y.iloc[train])) < 2 and self.config.resolved_task == "classification":
                    raise ValueError(f"the training rows of fold {k} hold a single class")
                model = self._fit(cand, X.iloc[train], y.iloc[train])
                parts.append(self._predict(model, cand, X, test))
            except Exception as exc:  # a failing candidate never stops the run
                error = f"{type(exc).__name__}: {exc}"
                logger.warning("mechanic: candidate %s failed: %s", cand.key, error)
                if self.progress is not None:
                    self.progress(cand.key, len(splits) - k)
                break
            if self.progress is not None:
                self.progress(cand.key, 1)
        if error is None and not parts:
            error = f"no fold had {min_rows} training rows of regime {cand.scope} (candidates.min_regime_rows)"
        oof = pd.concat(parts).sort_index() if parts and error is None else pd.Series([], dtype="float64")
        return CandidateScore(cand, oof, fit_seconds=time.perf_counter() - started, error=error)

    def _score(self, row: CandidateScore, task: str, rets: pd.Series, forward1: pd.Series, regimes: pd.Series) -> None:
        if row.error is not None or row.oof.empty:
            return
        positions = positions_from_predictions(row.oof, task)
        pnl = decision_pnl(positions, rets, self.config.costs.bps)
        metric = self.config.validation.metric
        labels = regimes.reindex(positions.index)
        if row.candidate.scope == "global":
            row.scores["overall"] = score_subset(metric, pnl, positions, forward1)
            row.n_bars["overall"] = len(positions)
        for regime in row.candidate.regimes:
            bars = labels.index[(labels == regime).to_numpy()]
            row.n_bars[regime] = len(bars)
            row.scores[regime] = score_subset(metric, pnl, positions, forward1, bars) if len(bars) else math.nan

    def _holdout(self, result: RunResult, rets: pd.Series, forward1: pd.Series) -> HoldoutResult:
        cfg = self.config
        task, metric = result.task, result.metric
        hold = result.holdout_index
        labels = result.regimes.reindex(hold)
        static_pos = positions_from_predictions(result.holdout_predictions[result.overall_champion], task).reindex(hold)
        regime_pos = static_pos.copy()
        for regime, key in result.champions.items():
            pos = positions_from_predictions(result.holdout_predictions[key], task).reindex(hold)
            mask = (labels == regime).to_numpy()
            regime_pos[mask] = pos[mask]
        regime_pos = regime_pos.fillna(0.0)
        static_pos = static_pos.fillna(0.0)
        pnl_regime = decision_pnl(regime_pos, rets, cfg.costs.bps)
        pnl_static = decision_pnl(static_pos, rets, cfg.costs.bps)
        buy_hold = decision_pnl(pd.Series(1.0, index=hold), rets, 0.0)
        common = pnl_regime.index.intersection(pnl_static.index)
        regime_metric = score_subset(metric, pnl_regime, regime_pos, forward1)
        static_metric = score_subset(metric, pnl_static, static_pos, forward1)
        test = paired_test(pnl_regime.loc[common], pnl_static.loc[common], cfg.stats, cfg.seed, horizon=1)
        per_model = {}
        for key, pred in result.holdout_predictions.items():
            pos = positions_from_predictions(pred, task).reindex(hold).fillna(0.0)
            pnl = decision_pnl(pos, rets, cfg.costs.bps)
            per_model[key] = {
                "overall": score_subset(metric, pnl, pos, forward1),
                **{
                    r: score_subset(metric, pnl, pos, forward1, labels.index[(labels == r).to_numpy()])
                    for r in REGIMES
                    if (labels == r).sum() >= 2
                },
            }
        margin = regime_metric - static_metric
        logger.info(
            "mechanic: holdout %s regime-aware %.4f vs static %.4f (margin %.4f, %s p=%.4f)",
            metric,
            regime_metric,
            static_metric,
            margin,
            test.get("method"),
            test.get("p_value", math.nan),
        )
        return HoldoutResult(
            regime_metric=regime_metric,
            static_metric=static_metric,
            margin=margin,
            test=test,
            static_key=result.overall_champion,
            champions=dict(result.champions),
            n_bars=len(common),
            start=hold[0],
            end=hold[-1],
            pnl_regime=pnl_regime,
            pnl_static=pnl_static,
            pnl_buy_hold=buy_hold,
            per_model=per_model,
        )


def paired_test(pnl_a: pd.Series, pnl_b: pd.Series, stats: Any, seed: int, horizon: int = 1) -> dict[str, Any]:
    """Is ``a``'s P&L higher than ``b``'s? Losses are ``-pnl``; alternative: ``a`` has the lower loss.

    Identical series (the same model everywhere) give a p-value of 1 without running the test.
    """
    loss_a, loss_b = -pnl_a.to_numpy(dtype="float64"), -pnl_b.to_numpy(dtype="float64")
    if len(loss_a) < 3:
        return {
            "method": stats.test,
            "mean_difference": math.nan,
            "statistic": math.nan,
            "p_value": math.nan,
            "n": len(loss_a),
        }
    if np.allclose(loss_a, loss_b):
        return {
            "method": stats.test,
            "mean_difference": 0.0,
            "statistic": 0.0,
            "p_value": 1.0,
            "n": len(loss_a),
            "identical": True,
        }
    if stats.test == "diebold_mariano":
        out = metrics.diebold_mariano(loss_a, loss_b, horizon=horizon, alternative="less")
    else:
        block = min(stats.block_size, len(loss_a))
        out = metrics.block_bootstrap_test(
            loss_a, loss_b, block_size=block, n_boot=max(stats.n_boot, 100), seed=seed, alternative="less"
        )
    data = out.to_dict()
    data["mean_pnl_difference"] = -data["mean_difference"]
    return data
