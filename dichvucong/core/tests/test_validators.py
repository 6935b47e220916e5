import pytest
from django.core.exceptions import ValidationError

from dichvucong.core.validators import (
    validate_agency_code,
    validate_procedure_code,
    validate_unit_code,
)


@pytest.mark.parametrize("code", ["000.00.10.H10", "H10", "G01", "001.03.20.H56", "000.00.00.G09"])
def test_valid_agency_codes(code: str) -> None:
    validate_agency_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("000.00.10.h10", "invalid_format"),
        ("000..10.H10", "invalid_format"),
        ("000.00.10.H10.", "invalid_format"),
        ("000 00 10 H10", "invalid_format"),
        ("000.00.10.1010", "invalid_province_group"),
        ("0." * 17 + "H10", "too_long"),
        ("", "invalid_format"),
    ],
)
def test_invalid_agency_codes(code: str, error: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_agency_code(code)
    assert info.value.code == error


@pytest.mark.parametrize("code", ["1.001776.000.00.00.H10", "2.000123", "1.004441.000.00.00.H56"])
def test_valid_procedure_codes(code: str) -> None:
    validate_procedure_code(code)


@pytest.mark.parametrize("code", ["1.1776.000.00.00.H10", "T-BPC-123456-TT", "1.001776.", ""])
def test_invalid_procedure_codes(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_procedure_code(code)


@pytest.mark.parametrize("code", ["70", "689", "25195"])
def test_valid_unit_codes(code: str) -> None:
    validate_unit_code(code)


@pytest.mark.parametrize("code", ["7", "7000", "251950", "AB"])
def test_invalid_unit_codes(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_unit_code(code)
