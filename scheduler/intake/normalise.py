"""Values as people type them into a registration form, made into profile values: country
names to ISO codes, lists split, e-mails checked, phone numbers to E.164, sides recognised.

Country names come from pycountry (ISO 3166 with its translations, kept up to date by the
iso-codes project) in English, French, Spanish, German and Italian, plus the short names
people use that ISO does not ('UK', 'USA', 'South Korea', ...).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from scheduler.intake.fields import words

LANGUAGES = ("fr", "es", "de", "it")
# Everyday names and codes ISO's own names leave out, in the five languages.
COUNTRY_ALIASES = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "britain": "GB", "grande bretagne": "GB", "angleterre": "GB",
    "gran bretana": "GB", "inglaterra": "GB", "grossbritannien": "GB", "england uk": "GB",
    "inghilterra": "GB", "gran bretagna": "GB", "el": "GR",
    "usa": "US", "u s a": "US", "us": "US", "u s": "US", "america": "US",
    "etats unis": "US", "estados unidos": "US", "eeuu": "US", "vereinigte staaten": "US",
    "stati uniti": "US",
    "south korea": "KR", "korea": "KR", "republic of korea": "KR", "coree du sud": "KR",
    "coree": "KR", "corea del sur": "KR", "corea": "KR", "sudkorea": "KR",
    "corea del sud": "KR", "north korea": "KP",
    "russia": "RU", "russie": "RU", "rusia": "RU", "russland": "RU",
    "czech republic": "CZ", "republique tcheque": "CZ", "tchequie": "CZ",
    "republica checa": "CZ", "tschechien": "CZ", "repubblica ceca": "CZ",
    "vietnam": "VN", "taiwan": "TW", "holland": "NL", "the netherlands": "NL",
    "turkey": "TR", "turquie": "TR", "turquia": "TR", "turkei": "TR", "turchia": "TR",
    "iran": "IR", "syria": "SY", "laos": "LA", "moldova": "MD", "tanzania": "TZ",
    "bolivia": "BO", "venezuela": "VE", "hong kong": "HK", "macau": "MO", "macao": "MO",
}
SIDES = {
    "delegation": ("delegation", "delegacion", "delegazione", "visiting", "visitor"),
    "host": ("host", "hote", "accueil", "anfitrion", "gastgeber", "ospite", "local"),
    "investor": ("investor", "investisseur", "inversor", "inversionista", "investitore"),
    "agency": ("agency", "agence", "agencia", "agentur", "agenzia"),
    "government": ("government", "gouvernement", "gobierno", "regierung", "governo"),
    "academic": ("academic", "academique", "universite", "university", "academico",
                 "universidad", "akademisch", "universitat", "accademico", "universita",
                 "research", "recherche", "investigacion", "forschung", "ricerca"),
}


@cache
def _countries() -> dict[str, str]:
    """Every known way of writing a country (as `words()` leaves it) -> its ISO code."""
    import gettext

    import pycountry

    index: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in LANGUAGES]
    for country in pycountry.countries:
        code = country.alpha_2
        names = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
        for name in filter(None, names):
            for text in [name, *(t.gettext(name) for t in translations)]:
                index.setdefault(words(text), code)
                if "," in text:  # "Korea, Republic of" is also written "Republic of Korea"
                    head, _, tail = text.partition(",")
                    index.setdefault(words(f"{tail} {head}"), code)
        index[code.lower()] = code
        index[country.alpha_3.lower()] = code
    index.update(COUNTRY_ALIASES)
    return index


def country_code(text: str) -> str | None:
    """The two-letter code of a country as written ('España', 'Espagne', 'ES' -> 'ES')."""
    return _countries().get(words(text))


def side(text: str) -> str | None:
    """The side a word names ('Hôte' -> 'host'), or None."""
    key = words(text)
    return next((s for s, names in SIDES.items() if key in names), None)


def split_list(text: str, commas: bool = True) -> list[str]:
    """A list written in one cell, split on the strongest separator it holds: line breaks,
    else `;`, else `,` when `commas` (a list of phrases keeps its commas: 'antibodies, for
    oncology' is one offer; 'CE mark; 300 procedures' on its own line is one too)."""
    if re.search(r"[\n\r]", text):
        parts = re.split(r"[\n\r]+", text)
    elif ";" in text or not commas:
        parts = text.split(";")
    else:
        parts = text.split(",")
    return [p.strip() for p in parts if p.strip()]


def email(text: str) -> tuple[str | None, str]:
    """(normalised address, '') or (None, why it is not an address); no network used."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized, ""
    except EmailNotValidError as exc:
        return None, str(exc)


def phone(text: str, region: str | None) -> str | None:
    """A phone number in E.164 (+34931234567), read in the company's country when it has
    no international prefix; None if it cannot be a phone number."""
    import phonenumbers

    written = "+" + text.strip()[2:] if text.strip().startswith("00") else text.strip()
    attempts = [written]
    if written.isdigit():  # a sheet that stored +34 931... as the number 34931...
        code = str(phonenumbers.country_code_for_region(region or ""))
        attempts.insert(0 if written.startswith(code) else 1, "+" + written)
    for attempt in attempts:
        try:
            number = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        national = str(number.national_number)
        if phonenumbers.is_valid_number(number) or (
                phonenumbers.is_possible_number(number) and len(national) >= MIN_DIGITS):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


MIN_DIGITS = 6  # shorter is an extension or a typo, though numbering plans may allow it
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's (1900) date system, leap bug included


def excel_date(serial: float) -> dt.date | dt.datetime:
    """The date (or date-time) an Excel serial number stands for (46308 -> 2026-10-13)."""
    moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=serial)
    return moment.date() if float(serial).is_integer() else moment.replace(second=0,
                                                                             microsecond=0)
