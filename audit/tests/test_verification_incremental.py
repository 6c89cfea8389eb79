"""The daily verification (audit.verification.verify_chain_incremental): from the signed checkpoint to the head
and the day's slice of the older chain, each entry re-verified at least once a cycle; every tampering found
by the full verification is found by it too, on the day its slice comes round at the latest."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from audit.anchoring import anchor_write, chain_head, checkpoint_write, read_checkpoint
from audit.tests.tampering import forge, raw, write
from audit.verification import daily_slice, verify_and_keep, verify_chain, verify_chain_incremental

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D0 = dt.date(2026, 12, 6)  # a Sunday, whose ordinal is 0 mod 7: the first day of a cycle of 7


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 0, 30, tzinfo=SHANGHAI)


def daily(day: dt.date, **kwargs):
    """The daily job's verification on ``day`` (its verdict kept, the checkpoint advanced), the clock stopped."""
    with time_machine.travel(at(day), tick=False):
        return verify_and_keep(incremental=True, **kwargs)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@pytest.fixture
def chain70():
    """70 entries verified in full on D0: the checkpoint at 70, the cycle's slices of [1, 70] ten entries each."""
    entries = write(70)
    assert D0.toordinal() % settings.AUDIT_VERIFY_CYCLE_DAYS == 0 and entries[-1].seq == 70
    verdict = daily(D0)
    assert verdict.ok and verdict.mode == "full" and verdict.ranges == [[1, 70]]
    return entries


def test_the_first_daily_run_verifies_in_full_and_signs_a_checkpoint(chain70):
    checkpoint = read_checkpoint()
    assert (checkpoint["seq"], checkpoint["hash"]) == chain_head() == (70, chain70[-1].hash)
    assert (checkpoint["cycle_start"], checkpoint["cycle_seq"]) == (D0.isoformat(), 70)


def test_the_next_day_verifies_the_new_entries_and_the_days_slice_only(chain70, django_assert_num_queries):
    write(5)
    with time_machine.travel(at(day(1)), tick=False), django_assert_num_queries(4):
        verdict = verify_chain_incremental()
    # day 1 of the cycle: slice 1 of [1, 70] (entries 11 to 20) and the link out of it (21); then 71 to 75
    assert verdict.ok and verdict.mode == "incremental" and verdict.ranges == [[11, 21], [71, 75]]
    assert verdict.checked == 11 + 5 and (verdict.last_seq, verdict.last_hash) == chain_head()
    assert verdict.checkpoint["seq"] == 70 and verdict.cycle_days == 7


def test_an_incremental_run_costs_a_few_statements_per_batch(chain70, django_assert_num_queries):
    write(25)
    # outside the chain, the checkpoint's and the slice's previous entry (one query), the slice's 11 entries in 3
    # batches of 5, the 25 new ones in 5 full batches and an empty one
    with time_machine.travel(at(day(1)), tick=False), django_assert_num_queries(2 + 3 + 6):
        verdict = verify_chain_incremental(batch_size=5)
    assert verdict.ok and verdict.checked == 11 + 25


def test_a_rerun_the_same_day_verifies_the_same_slice_and_only_what_was_written_since(chain70):
    write(5)
    first = daily(day(1))
    again = daily(day(1))
    assert first.ok and again.ok and again.ranges == [[11, 21]] and again.checked == 11
    write(2)
    assert daily(day(1)).ranges == [[11, 21], [76, 77]] and read_checkpoint()["seq"] == 77


def test_every_entry_is_verified_again_within_a_cycle(chain70):
    covered = set()
    for n in range(1, 8):
        write(3)
        verdict = daily(day(n))
        assert verdict.ok and verdict.mode == "incremental"
        covered |= {seq for first, last in verdict.ranges for seq in range(first, last + 1)}
    assert covered == set(range(1, chain_head()[0] + 1))
    # day 7 begins the next cycle: its slices cut [1, 88], the checkpoint of that morning
    assert read_checkpoint()["cycle_seq"] == 88 and verdict.ranges[0] == [1, 13]


def test_the_slices_of_a_cycle_tile_the_older_chain_and_the_next_cycle_cuts_it_anew():
    checkpoint = {"seq": 1200, "cycle_start": D0.isoformat(), "cycle_days": 7, "cycle_seq": 1000}
    slices = [daily_slice(checkpoint=checkpoint, day=day(n), cycle_days=7) for n in range(7)]
    assert slices[0] == (1, 143) and slices[6] == (858, 1001)
    tiles = [seq for first, last in slices for seq in range(first, last)]  # less the overlap with the next one
    assert tiles == list(range(1, 1001))
    assert daily_slice(checkpoint=checkpoint, day=day(7), cycle_days=7) == (1, 172)  # 1200 // 7 = 171
    assert daily_slice(checkpoint={**checkpoint, "seq": 5, "cycle_seq": 5}, day=day(6), cycle_days=7) == (5, 5)
    assert daily_slice(checkpoint={**checkpoint, "seq": 5, "cycle_seq": 5}, day=day(0), cycle_days=7) == (1, 0)  # none


def test_an_entry_tampered_after_the_checkpoint_is_caught_the_same_day(chain70):
    new = write(5)
    raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [new[2].pk])
    verdict = daily(day(1))
    assert not verdict.ok and verdict.mode == "incremental" and verdict.broken_id == new[2].pk
    assert verdict.broken_seq == 73 and "altered" in verdict.problem
    assert read_checkpoint()["seq"] == 70  # a broken verdict never moves the checkpoint


def test_an_old_tampered_entry_is_caught_the_day_its_slice_comes_round_and_always_in_full(chain70):
    raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [chain70[34].pk])  # entry 35
    assert verify_chain().broken_seq == 35
    assert daily(day(1)).ok and daily(day(2)).ok  # slices 11-21 and 21-31
    verdict = daily(day(3))  # slice 31-41
    assert not verdict.ok and verdict.mode == "incremental" and verdict.broken_seq == 35
    assert verdict.ranges == [[31, 34]] and read_checkpoint()["seq"] == 70
    after = daily(day(4))  # while the last verdict is broken, the daily run verifies in full
    assert not after.ok and after.mode == "full" and after.broken_seq == 35


def test_a_rehashed_edit_at_a_slices_end_is_caught_that_day_by_the_link_out_of_it(chain70):
    forge(30)  # slice 2 is 21-30: entry 31's link, read past the slice's end, no longer holds
    assert verify_chain().broken_seq == 31
    assert daily(day(1)).ok
    verdict = daily(day(2))
    assert not verdict.ok and verdict.broken_seq == 31 and verdict.ranges == [[21, 30]]


def test_a_history_rewritten_through_the_head_is_caught_by_the_checkpoint(chain70):
    write(3)
    forge(40, through=73)  # every hash recomputed after the edit: the chain holds together
    verdict = daily(day(1))  # slice 11-21 does not hold entry 40
    assert not verdict.ok and verdict.broken_seq == 70 and "no longer matches the verification" in verdict.problem
    assert verdict.checked == 0 and read_checkpoint()["hash"] == chain70[-1].hash
    assert not verify_chain().ok  # the full verification too, against the checkpoint (no anchor yet)


def test_a_rewrite_is_caught_at_the_last_anchor_below_the_checkpoint_in_the_same_query(chain70,
                                                                                   django_assert_num_queries):
    anchor_write(day=D0, now=at(D0))  # entry 70
    write(10)
    assert daily(day(1)).ok and read_checkpoint()["seq"] == 80
    forge(65, through=80)
    with django_assert_num_queries(2):  # outside the chain; the anchor's, the checkpoint's and the slice's entries
        verdict = verify_chain_incremental(day=day(2))  # slice 21-31 holds neither 65 nor 70
    assert not verdict.ok and verdict.broken_seq == 70 and "anchor" in verdict.problem and verdict.checked == 0


def test_a_rewrite_between_the_anchor_and_the_checkpoint_is_caught_at_the_checkpoint(chain70):
    anchor_write(day=D0, now=at(D0))
    write(10)
    assert daily(day(1)).ok
    forge(75, through=80)
    verdict = verify_chain_incremental(day=day(2))
    assert not verdict.ok and verdict.broken_seq == 80 and "no longer matches the verification" in verdict.problem


def test_a_rewrite_after_the_checkpoint_is_caught_at_the_anchor(chain70):
    write(10)
    anchor_write(day=day(1), now=at(day(1)))  # entry 80; the checkpoint stays at 70
    forge(75, through=80)
    verdict = verify_chain_incremental(day=day(1))
    assert not verdict.ok and verdict.broken_seq == 80 and "anchor" in verdict.problem
    assert verdict.ranges == [[11, 21], [71, 79]]


def test_a_cut_tail_is_caught_against_the_checkpoint(chain70):
    raw("DELETE FROM audit_auditentry WHERE seq >= 66")
    verdict = daily(day(1))
    assert not verdict.ok and verdict.broken_seq == 66 and "verified up to entry 70" in verdict.problem
    full = verify_chain()
    assert not full.ok and full.last_seq == 65 and "truncated" in full.problem


def test_a_cut_tail_is_named_against_the_anchor_when_the_anchor_and_the_checkpoint_agree(chain70):
    anchor_write(day=D0, now=at(D0))  # as the daily job leaves them: both at the head it verified
    raw("DELETE FROM audit_auditentry WHERE seq >= 66")
    for verdict in (verify_chain_incremental(day=day(1)), verify_chain()):
        assert not verdict.ok and verdict.broken_seq == 66 and "anchored at 70" in verdict.problem


def test_a_forged_checkpoint_is_ignored_and_the_chain_verified_in_full(chain70, settings):
    path = settings.VAR_DIR / "audit-anchors" / "checkpoint.json"
    forged = json.loads(path.read_text()) | {"seq": 69}
    path.write_text(json.dumps(forged))
    assert read_checkpoint() is None
    verdict = verify_chain_incremental(day=day(1))
    assert verdict.ok and verdict.mode == "full" and verdict.ranges == [[1, 70]]
    anchor, _ = anchor_write(day=D0, now=at(D0))  # an anchor's signature does not pass for a checkpoint's
    path.write_text(json.dumps(anchor | dict.fromkeys(("cycle_days", "cycle_seq"), 70) | {
        "verified_at": at(D0).isoformat(), "cycle_start": D0.isoformat()}))
    assert read_checkpoint() is None
    settings.AUDIT_ANCHOR_KEY = "another key"
    checkpoint_write(seq=70, hash=chain70[-1].hash, verified_at=at(D0), cycle_start=D0, cycle_days=7, cycle_seq=70)
    settings.AUDIT_ANCHOR_KEY = ""
    assert read_checkpoint() is None


def test_a_broken_verdict_never_moves_the_checkpoint_and_a_sound_one_never_moves_it_back(chain70):
    from audit.verification import Verdict, _checkpoint_advance

    write(3)
    raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 72")
    with time_machine.travel(at(day(1)), tick=False):
        assert not verify_and_keep().ok  # "verify now", in full
    assert not daily(day(1)).ok and read_checkpoint()["seq"] == 70
    # a sound verification that began before the last one and ended below its checkpoint
    _checkpoint_advance(Verdict(True, 60, 60, chain70[59].hash), now=at(day(1)))
    assert read_checkpoint()["seq"] == 70


def test_the_command_verifies_in_full_unless_told_incremental(chain70, capsys):
    write(2)
    with time_machine.travel(at(day(1)), tick=False):
        call_command("audit_verify", verbosity=0)
        assert "OK: 72 entries (full: entries 1-72)" in capsys.readouterr().out
        call_command("audit_verify", incremental=True, verbosity=0)
        assert "OK: 13 entries (incremental: entries 11-21, 71-72)" in capsys.readouterr().out
        raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 71")
        broken = r"BROKEN after 11 good entries \(incremental: entries 11-21\): Entry 71 "
        with pytest.raises(CommandError, match=broken):
            call_command("audit_verify", incremental=True, verbosity=0)
    assert read_checkpoint()["seq"] == 70  # the command reports; it keeps nothing


def test_the_daily_job_verifies_incrementally_after_its_first_run(settings):
    from accounts.audit_anchor import audit_anchor_daily

    write(70)
    with time_machine.travel(at(D0), tick=False):
        assert audit_anchor_daily()["ok"]
    write(4)
    with time_machine.travel(at(day(1)), tick=False):
        result = audit_anchor_daily()
    kept = json.loads((settings.VAR_DIR / "audit-anchors" / "verification.json").read_text())
    assert result["ok"] and result["anchor"]["seq"] == 74
    assert kept["mode"] == "incremental" and kept["ranges"] == [[11, 21], [71, 74]] and kept["checked"] == 15
    assert read_checkpoint()["seq"] == 74


def test_the_verification_page_says_which_mode_ran_and_what_it_covered(client, chain70):
    from accounts.tests.factories import JusticeUserFactory

    write(2)
    daily(day(1))
    client.force_login(JusticeUserFactory())
    page = client.get("/audit/verify/").content.decode()
    assert "每日校验" in page or "Daily verification" in page
    assert "第 11 至 21 条" in page or "11 to 21" in page
    assert "第 71 至 72 条" in page or "71 to 72" in page
    # the verdict's and the checkpoint's times in Yantai's time (kept in UTC: 16:30 the day before)
    assert "2026-12-07 00:30:00" in page and "2026-12-06 00:30:00" in page and "T16:30" not in page


def test_the_api_tells_the_mode_and_the_ranges_of_the_last_verdict(chain70):
    from rest_framework.test import APIClient

    from accounts.tests.factories import JusticeUserFactory

    write(2)
    daily(day(1))
    api = APIClient()
    api.force_authenticate(JusticeUserFactory())
    verdict = api.get("/api/v1/audit/verification/").json()["verdict"]
    assert verdict["ok"] and verdict["mode"] == "incremental" and verdict["ranges"] == [[11, 21], [71, 72]]
