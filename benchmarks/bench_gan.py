"""Stylized facts of real S&P 500 daily returns vs the huracan-torch GAN's synthetic sequences.

    OMP_NUM_THREADS=2 python benchmarks/bench_gan.py [--epochs 60] [--returns 5000]

Also prints a Gaussian with the real standard deviation as the no-skill baseline.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    from arch.data import sp500
    from huracan_torch.gan import ReturnGAN
    from huracan_torch.stylized import stylized_facts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--returns", type=int, default=5000)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    returns = np.diff(np.log(sp500.load()["Adj Close"].to_numpy()))[-args.returns :]
    start = time.perf_counter()
    gan = ReturnGAN(
        seq_len=args.seq_len,
        epochs=args.epochs,
        hidden_size=32,
        stride=4,
        device="auto",
        progress=False,
        random_state=0,
    ).fit(returns)
    seconds = time.perf_counter() - start
    real_seq = np.lib.stride_tricks.sliding_window_view(returns, args.seq_len)[:: args.seq_len]
    rows = {
        "real S&P 500": stylized_facts(real_seq),
        "GAN": stylized_facts(gan.sample(args.samples)),
        "Gaussian": stylized_facts(np.random.default_rng(0).normal(0, returns.std(), (args.samples, args.seq_len))),
    }
    print(
        f"{len(returns)} daily returns, sequences of {args.seq_len}, GAN trained {args.epochs} epochs in {seconds:.1f}s"
    )
    print(f"{'series':<14}{'excess kurtosis':>17}{'ACF|r| (1-5)':>14}{'ACF r (1-5)':>13}{'max|ACF r|':>12}{'std':>10}")
    for name, f in rows.items():
        print(f"{name:<14}{f.kurtosis:>17.2f}{f.acf_abs:>14.3f}{f.acf_raw:>13.3f}{f.acf_raw_max:>12.3f}{f.std:>10.4f}")


if __name__ == "__main__":
    main()
