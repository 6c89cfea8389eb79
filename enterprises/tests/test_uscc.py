import pytest

from enterprises.uscc import check_character, make_uscc, uscc_error

# Published codes of well-known companies (their business licences are public).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴(中国)有限公司
    "91110000710925462X",  # 中国石油天然气股份有限公司
    "91110108558521630L",  # 小米通讯技术有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_published_codes(code):
    assert uscc_error(code) is None


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_refuses_a_wrong_check_character_and_names_the_right_one(code):
    wrong = "0" if code[-1] != "0" else "1"
    message = uscc_error(code[:17] + wrong)
    assert message is not None
    assert "18" in message
    assert code[-1] in message


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382166", ""])
def test_it_refuses_a_wrong_length_and_says_how_long_it_is(code):
    message = uscc_error(code)
    assert "18" in message
    assert str(len(code)) in message


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "a", "-"])
def test_it_refuses_forbidden_letters_and_names_them(letter):
    code = "91440300192203821" + letter
    message = uscc_error(code)
    assert letter in message


def test_it_refuses_a_division_code_with_letters():
    code = make_uscc("9137A611" + "000000001")
    assert "3" in uscc_error(code) and "8" in uscc_error(code)


def test_check_character_matches_the_standard_formula():
    # check = (31 - sum mod 31) mod 31 with the GB 32100-2015 weights
    assert check_character("91440300192203821") == "6"
    assert make_uscc("91370611000000001")[-1] == check_character("91370611000000001")
