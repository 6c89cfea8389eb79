"""The draw of 双随机、一公开 as a pure function: its rates lie within binomial bounds of the policy, it is the
same for the same seed and snapshot, a changed seed breaks the commitment, conflicted officers are never
drawn, and the officers' load is spread."""

import math
from decimal import Decimal

from enterprises.uscc import make_uscc
from plans import draw

RATES = {"A": Decimal("0.03"), "B": Decimal("0.10"), "C": Decimal("0.30"), "D": Decimal("1")}
SEED = "5eed" * 16
PER_GRADE = 20_000
OFFICERS = [f"3706002000{i:04d}" for i in range(12)]


def population(n_per_grade=PER_GRADE):
    # A fixed generated population: codes built from a counter, grades in turn.
    return [(make_uscc(f"91370611{i:09d}"), "ABCD"[i % 4]) for i in range(4 * n_per_grade)]


def snapshot(enterprises=None, conflicts=()):
    return draw.snapshot_text(campaign="test", rates=RATES, enterprises=enterprises or population(),
                              officers=OFFICERS, conflicts=conflicts)


def test_the_rates_lie_within_binomial_bounds_of_the_policy():
    result = draw.replay(seed=SEED, snapshot=snapshot())
    drawn = dict.fromkeys(RATES, 0)
    for item in result:
        drawn[item.grade] += 1
    for grade, rate in RATES.items():
        p = float(rate)
        expected, sigma = PER_GRADE * p, math.sqrt(PER_GRADE * p * (1 - p))
        assert abs(drawn[grade] - expected) <= 4 * sigma + 1e-9, (grade, drawn[grade], expected, sigma)
    assert drawn["D"] == PER_GRADE  # 100 %: every D enterprise


def test_the_rates_hold_for_other_seeds_too():
    codes = population(5_000)
    for seed in (draw.sha256_hex(str(i)) for i in range(5)):
        result = draw.replay(seed=seed, snapshot=snapshot(codes))
        b = sum(1 for item in result if item.grade == "B")
        assert abs(b - 500) <= 4 * math.sqrt(5_000 * 0.1 * 0.9)


def test_the_same_seed_and_snapshot_give_the_same_draw():
    text = snapshot(population(2_000))
    assert draw.replay(seed=SEED, snapshot=text) == draw.replay(seed=SEED, snapshot=text)
    # The snapshot is canonical: the same population in another order is the same text.
    shuffled = list(reversed(population(2_000)))
    assert snapshot(shuffled) == text


def test_a_changed_seed_no_longer_matches_the_commitment_and_draws_otherwise():
    text = snapshot(population(2_000))
    commitment = draw.sha256_hex(SEED)
    other = SEED[:-1] + "f"
    assert draw.sha256_hex(other) != commitment
    assert draw.replay(seed=other, snapshot=text) != draw.replay(seed=SEED, snapshot=text)


def test_conflicted_officers_are_never_drawn_and_the_load_is_spread():
    enterprises = population(500)
    conflicts = [(code, OFFICERS[i % 3]) for i, (code, _grade) in enumerate(enterprises)]
    result = draw.replay(seed=SEED, snapshot=snapshot(enterprises, conflicts))
    banned = dict(conflicts)
    assert result
    for item in result:
        assert len(item.officers) == 2 and len(set(item.officers)) == 2
        assert banned[item.code] not in item.officers
    free = draw.replay(seed=SEED, snapshot=snapshot(enterprises))
    load = dict.fromkeys(OFFICERS, 0)
    for item in free:
        for cert in item.officers:
            load[cert] += 1
    assert max(load.values()) - min(load.values()) <= 1


def test_an_enterprise_with_every_officer_in_conflict_gets_fewer_than_two():
    code = make_uscc("91370611000000001")
    text = draw.snapshot_text(campaign="t", rates={"D": Decimal(1)}, enterprises=[(code, "D")],
                              officers=OFFICERS[:2], conflicts=[(code, OFFICERS[0])])
    assert draw.replay(seed=SEED, snapshot=text)[0].officers == (OFFICERS[1],)
