import datetime as dt
import itertools
import random

import pytest

from plans.scheduling import (
    BlockedDay,
    BlockReason,
    NoAllowedDayError,
    PlanWindow,
    Visit,
    allowed_days,
    blocking_days,
    find_joinable_visit,
    make_is_allowed,
    schedule,
)
from plans.workdays import default_calendar

D = dt.date
BASE = D(2026, 3, 2)  # a Monday


def day(n):
    return BASE + dt.timedelta(days=n)


def always(_d):
    return True


# -- brute force ---------------------------------------------------------------------------------------


def brute_force_min_new_visits(plans, allowed, fixed):
    """The least number of new visit days that, with the fixed visits, serve every plan; None if impossible.

    Tries every set of allowed days in increasing size: no greedy, no shrinking, no reasoning about fixed
    visits beyond "a fixed visit on an allowed day may serve any plan whose window holds its date".
    """
    pinned = {pid for v in fixed for pid in v.plan_ids}
    free_dates = {v.date for v in fixed if v.date in allowed}
    todo = [p for p in plans if p.plan_id not in pinned and not any(p.contains(d) for d in free_dates)]
    full = (1 << len(todo)) - 1
    masks = sorted({sum(1 << i for i, p in enumerate(todo) if p.contains(d)) for d in allowed} - {0})
    for size in range(len(todo) + 1):
        for combo in itertools.combinations(masks, size):
            covered = 0
            for m in combo:
                covered |= m
            if covered == full:
                return size
    return None


def random_case(rng):
    span = 20
    plans = []
    for pid in range(1, rng.randint(1, 7) + 1):
        start = rng.randrange(span)
        plans.append(PlanWindow(pid, day(start), day(min(span - 1, start + rng.randint(0, 8)))))
    blocked = {day(n) for n in range(span) if rng.random() < rng.choice((0.0, 0.2, 0.4, 0.7))}
    allowed = {day(n) for n in range(span)} - blocked
    fixed = []
    pinned = set()
    for _ in range(rng.choice((0, 0, 1, 2))):
        date = day(rng.randrange(span))
        holders = [p.plan_id for p in plans if p.contains(date) and p.plan_id not in pinned and rng.random() < 0.4]
        pinned.update(holders)
        fixed.append(Visit(date, holders, fixed=True, visit_id=len(fixed) + 100))
    return plans, allowed, fixed


def check_schedule(plans, allowed, fixed, visits):
    """Every plan served exactly once, inside its window, on an allowed day; fixed visits kept as they were."""
    by_id = {p.plan_id: p for p in plans}
    seen = [pid for v in visits for pid in v.plan_ids]
    assert sorted(seen) == sorted(by_id), "every plan is served exactly once"
    pinned = {pid: v for v in fixed for pid in v.plan_ids}
    for v in visits:
        assert list(v.plan_ids) == sorted(v.plan_ids)
        for pid in v.plan_ids:
            assert by_id[pid].contains(v.date), f"plan {pid} served outside its window"
            if pid in pinned:
                assert v.fixed and v.date == pinned[pid].date and v.visit_id == pinned[pid].visit_id
            else:
                assert v.date in allowed, f"plan {pid} put on a blocked day {v.date}"
        if not v.fixed:
            assert v.plan_ids, "no empty new visit"
    assert [v.date for v in visits] == sorted(v.date for v in visits)
    kept = sorted((v.visit_id, v.date) for v in visits if v.fixed)
    assert kept == sorted((v.visit_id, v.date) for v in fixed), "fixed visits are kept, with their dates"


@pytest.mark.parametrize("seed", range(400))
def test_it_reaches_the_brute_force_minimum(seed):
    rng = random.Random(seed)
    plans, allowed, fixed = random_case(rng)
    rng.shuffle(plans)
    best = brute_force_min_new_visits(plans, allowed, fixed)
    if best is None:
        with pytest.raises(NoAllowedDayError) as exc:
            schedule(plans, is_allowed=allowed.__contains__, fixed_visits=fixed)
        pinned = {pid for v in fixed for pid in v.plan_ids}
        expected = [p for p in plans if p.plan_id not in pinned and not any(p.contains(d) for d in allowed)]
        assert sorted(w.plan_id for w in exc.value.windows) == sorted(p.plan_id for p in expected)
        return
    visits = schedule(plans, is_allowed=allowed.__contains__, fixed_visits=fixed)
    check_schedule(plans, allowed, fixed, visits)
    assert sum(not v.fixed for v in visits) == best


def test_brute_force_cases_cover_the_interesting_shapes():
    """The random cases above are not all trivial: some are infeasible, some use fixed visits, some need 3+."""
    shapes = {"infeasible": 0, "fixed used": 0, "three or more": 0}
    for seed in range(400):
        plans, allowed, fixed = random_case(random.Random(seed))
        best = brute_force_min_new_visits(plans, allowed, fixed)
        shapes["infeasible"] += best is None
        shapes["three or more"] += (best or 0) >= 3
        shapes["fixed used"] += any(v.date in allowed and any(p.contains(v.date) for p in plans) for v in fixed)
    assert all(count >= 10 for count in shapes.values()), shapes


def test_it_is_deterministic_whatever_the_input_order():
    rng = random.Random(7)
    for _ in range(50):
        plans, allowed, fixed = random_case(rng)
        if brute_force_min_new_visits(plans, allowed, fixed) is None:
            continue
        first = schedule(plans, is_allowed=allowed.__contains__, fixed_visits=fixed)
        shuffled = plans[:]
        rng.shuffle(shuffled)
        assert schedule(shuffled, is_allowed=allowed.__contains__, fixed_visits=fixed) == first


# -- named cases -----------------------------------------------------------------------------------------


def test_three_overlapping_windows_make_one_visit():
    plans = [PlanWindow(1, day(0), day(10)), PlanWindow(2, day(3), day(6)), PlanWindow(3, day(5), day(12))]
    assert schedule(plans, is_allowed=always) == [Visit(day(6), (1, 2, 3))]


def test_disjoint_windows_make_separate_visits():
    plans = [PlanWindow(2, day(7), day(9)), PlanWindow(1, day(0), day(2))]
    assert schedule(plans, is_allowed=always) == [Visit(day(2), (1,)), Visit(day(9), (2,))]


def test_a_visit_is_placed_on_the_last_allowed_day_of_the_earliest_ending_window():
    plans = [PlanWindow(1, day(0), day(4)), PlanWindow(2, day(2), day(9))]
    allowed = {day(1), day(3), day(8)}
    assert schedule(plans, is_allowed=allowed.__contains__) == [Visit(day(3), (1, 2))]


def test_it_refuses_a_fully_blocked_window_and_names_the_days():
    calendar = default_calendar()
    is_allowed = make_is_allowed(calendar=calendar, busy_periods=[])
    golden_week = PlanWindow(7, D(2026, 10, 1), D(2026, 10, 7))
    fine = PlanWindow(8, D(2026, 10, 1), D(2026, 10, 9))
    with pytest.raises(NoAllowedDayError) as exc:
        schedule([fine, golden_week], is_allowed=is_allowed)
    assert exc.value.windows == (golden_week,)
    message = str(exc.value)
    assert "plan 7" in message and "plan 8" not in message
    for n in range(1, 8):
        assert f"2026-10-0{n}" in message


def test_blocking_days_give_the_reason_for_each_day():
    calendar = default_calendar()
    busy = [(D(2026, 10, 8), D(2026, 10, 9))]
    blocked = blocking_days(D(2026, 9, 30), D(2026, 10, 12), calendar=calendar, busy_periods=busy)
    reasons = dict(blocked)
    assert D(2026, 9, 30) not in reasons  # Wednesday, ordinary working day
    assert all(reasons[D(2026, 10, n)] == BlockReason.HOLIDAY for n in range(1, 8))  # weekend days included
    assert reasons[D(2026, 10, 8)] == reasons[D(2026, 10, 9)] == "busy"
    assert D(2026, 10, 10) not in reasons  # make-up Saturday
    assert reasons[D(2026, 10, 11)] == "weekend"
    assert D(2026, 10, 12) not in reasons
    assert blocked[0] == BlockedDay(D(2026, 10, 1), "holiday")


def test_busy_periods_may_be_objects_with_start_and_end():
    class BusyPeriod:
        start, end = D(2026, 11, 30), D(2026, 12, 2)

    calendar = default_calendar()
    is_allowed = make_is_allowed(calendar=calendar, busy_periods=[BusyPeriod()])
    assert allowed_days(D(2026, 11, 28), D(2026, 12, 4), is_allowed=is_allowed) == [D(2026, 12, 3), D(2026, 12, 4)]
    assert [
        b.reason for b in blocking_days(D(2026, 12, 1), D(2026, 12, 1), calendar=calendar, busy_periods=[BusyPeriod()])
    ] == ["busy"]


def test_a_makeup_saturday_can_take_a_visit():
    is_allowed = make_is_allowed(calendar=default_calendar(), busy_periods=[])
    # 2026-10-10 is a make-up Saturday after the National Day week; the 11th is an ordinary Sunday.
    plans = [PlanWindow(1, D(2026, 10, 3), D(2026, 10, 11)), PlanWindow(2, D(2026, 10, 10), D(2026, 10, 11))]
    assert schedule(plans, is_allowed=is_allowed) == [Visit(D(2026, 10, 10), (1, 2))]


def test_fixed_visits_keep_their_plans_and_take_new_ones_first():
    fixed = [Visit(day(2), (10,), fixed=True, visit_id="A"), Visit(day(8), (), fixed=True, visit_id="B")]
    plans = [
        PlanWindow(10, day(0), day(5)),
        PlanWindow(1, day(1), day(3)),  # holds A
        PlanWindow(2, day(6), day(9)),  # holds B
        PlanWindow(3, day(4), day(6)),  # holds neither: a new visit
    ]
    visits = schedule(plans, is_allowed=always, fixed_visits=fixed)
    assert visits == [
        Visit(day(2), (1, 10), fixed=True),
        Visit(day(6), (3,)),
        Visit(day(8), (2,), fixed=True),
    ]
    assert [v.visit_id for v in visits] == ["A", None, "B"]


def test_a_fixed_visit_on_a_day_now_blocked_keeps_its_plans_but_takes_no_new_one():
    fixed = [Visit(day(2), (1,), fixed=True)]
    plans = [PlanWindow(1, day(0), day(5)), PlanWindow(2, day(0), day(5))]
    visits = schedule(plans, is_allowed=lambda d: d != day(2), fixed_visits=fixed)
    assert visits == [Visit(day(2), (1,), fixed=True), Visit(day(5), (2,))]


def test_a_plan_pinned_outside_its_window_is_an_error():
    with pytest.raises(ValueError, match="outside its window"):
        schedule([PlanWindow(1, day(3), day(5))], is_allowed=always, fixed_visits=[Visit(day(1), (1,), fixed=True)])


def test_it_refuses_bad_input():
    with pytest.raises(ValueError, match="before it starts"):
        PlanWindow(1, day(3), day(1))
    with pytest.raises(ValueError, match="twice"):
        schedule([PlanWindow(1, day(0), day(1)), PlanWindow(1, day(2), day(3))], is_allowed=always)
    with pytest.raises(ValueError, match="must all be fixed"):
        schedule([], is_allowed=always, fixed_visits=[Visit(day(0), ())])


def test_a_new_plan_joins_a_fixed_visit_before_an_unfixed_one():
    visits = [Visit(day(3), (1,)), Visit(day(5), (2,), fixed=True), Visit(day(9), (3,), fixed=True)]
    assert find_joinable_visit(PlanWindow(4, day(2), day(6)), visits, always) == visits[1]
    assert find_joinable_visit(PlanWindow(4, day(2), day(4)), visits, always) == visits[0]
    assert find_joinable_visit(PlanWindow(4, day(2), day(6)), visits, lambda d: d != day(5)) == visits[0]
    assert find_joinable_visit(PlanWindow(4, day(10), day(12)), visits, always) is None


def test_joining_an_existing_visit_keeps_the_count_minimal():
    """Whenever find_joinable_visit finds a visit, a full reschedule needs no more new visits than before."""
    rng = random.Random(2026)
    checked = 0
    for _ in range(300):
        plans, allowed, fixed = random_case(rng)
        if len(plans) < 2 or brute_force_min_new_visits(plans, allowed, fixed) is None:
            continue
        *old, new = plans
        visits = schedule(old, is_allowed=allowed.__contains__, fixed_visits=fixed)
        joined = find_joinable_visit(new, visits, allowed.__contains__)
        if joined is None:
            continue
        checked += 1
        assert joined.date in allowed and new.contains(joined.date)
        after = sum(not v.fixed for v in schedule(plans, is_allowed=allowed.__contains__, fixed_visits=fixed))
        assert after == sum(not v.fixed for v in visits)
    assert checked >= 30
