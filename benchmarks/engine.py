"""Engine throughput: games per second and µs per account-turn for each shipped scenario.

    python benchmarks/engine.py [--games 2048] [--policy needs]

Runs one policy over a batch of seeds on one core (numpy threads are not used by the
engine's element-wise work). Also reports the 20-account × 12-quarter reference case of the
engine issue: the distributors scenario stretched to 12 quarters. Figures are wall-clock,
so quote the best of a few repetitions; never assert on them in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# This file is named engine.py, like the package it measures: keep its folder off the path.
_here = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
sys.path.insert(0, str(_here.parent))

from kam_sandbox.engine import get_policy, load_scenario, shipped_scenarios  # noqa: E402
from kam_sandbox.engine.simulate import run  # noqa: E402


def measure(scenario, policy, games: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(scenario, policy, range(games))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=2048)
    parser.add_argument("--policy", default="needs")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    policy = get_policy(args.policy)
    cases = [(p.stem, load_scenario(p)) for p in shipped_scenarios()]
    dist = load_scenario("distributors")
    cases.append(("20x12 reference", dist.model_copy(update={"turns": 12})))
    print(f"policy {args.policy}, {args.games} games per case, best of {args.repeat}")
    print(f"{'scenario':<18}{'accounts':>9}{'turns':>7}{'games/s':>10}{'µs/account-turn':>17}")
    for name, sc in cases:
        seconds = measure(sc, policy, args.games, args.repeat)
        per = seconds / (args.games * sc.turns * len(sc.accounts)) * 1e6
        print(f"{name:<18}{len(sc.accounts):>9}{sc.turns:>7}{args.games / seconds:>10,.0f}{per:>17.2f}")


if __name__ == "__main__":
    main()
