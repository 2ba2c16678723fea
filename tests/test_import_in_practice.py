"""`mission import` on sheets as registrations really arrive: a Microsoft Forms export with
its response numbers, a delegation's sheet and then the hosts' list into one mission, hand
edits to one delegate, a company written two ways, a phone of a country that is misspelt."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers.sheets_kit import new_mission, run, write_csv, write_xlsx

# A Microsoft Forms export in French: its own columns first (response number, times, the
# respondent), then the form's questions; one row per delegate.
FORMS = ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Raison sociale",
         "Prénom", "Nom de famille", "Courriel", "Téléphone", "Pays"]
HOSTS = ["Firmenname", "Ansprechpartner", "E-Mail", "Telefon", "Land"]


@pytest.fixture
def mission(tmp_path: Path) -> Path:
    """A fresh mission folder from `mission init`."""
    return new_mission(tmp_path)


def forms_row(number: int, company: str, first: str, last: str, email: str, phone: str,
              country: str = "Espagne") -> list[object]:
    """One response of the form."""
    return [number, "10/1/26 9:01", "10/1/26 9:05", "anonymous", company, first, last, email,
            phone, country]


def genomix(phone: str = "+34 612 345 678") -> list[list[object]]:
    """Two delegates of one company on two rows, and a company of one delegate."""
    return [forms_row(1, "Genomix Barcelona SL", "Laura", "Puig", "laura@genomix.es",
                      "931 234 567"),
            forms_row(2, "Genomix Barcelona SL", "Jordi", "Vidal", "jordi@genomix.es", phone),
            forms_row(3, "Lyon Medtech", "Pierre", "Durand", "p@lyonmedtech.fr",
                      "04 72 00 00 00", "France")]


def companies(folder: Path) -> list[str]:
    """The company files of a folder, by name."""
    return sorted(p.name for p in (folder / "companies").glob("[!_]*.yaml"))


def test_a_forms_response_number_is_no_company_id(mission: Path, tmp_path: Path):
    sheet = write_xlsx(tmp_path / "inscriptions.xlsx", FORMS, genomix(), sheet="Form1")
    code, mapping = run("import", "--guess-mapping", sheet)
    assert code == 0 and "  id:" not in mapping and "# Columns not imported: ID" in mapping
    code, out = run("import", mission, sheet, "--side", "delegation")
    assert code == 0, out
    assert out.startswith("writing profiles\n")  # the progress bar's label, said in full
    assert companies(mission) == ["genomix-barcelona-sl.yaml", "lyon-medtech.yaml"]
    people = yaml.safe_load((mission / "companies" / "genomix-barcelona-sl.yaml").read_text())
    assert [d["name"] for d in people["delegates"]] == ["Laura Puig", "Jordi Vidal"]


def test_the_hosts_sheet_after_the_delegations_reports_no_company_as_gone(mission: Path,
                                                                         tmp_path: Path):
    delegation = write_xlsx(tmp_path / "inscriptions.xlsx", FORMS, genomix(), sheet="Form1")
    assert run("import", mission, delegation, "--side", "delegation")[0] == 0
    hosts = write_csv(tmp_path / "gastgeber.csv", HOSTS, [
        ["Bayern Pharma AG", "Klaus Weber", "k.weber@bayernpharma.de", "+49 89 555 1234",
         "Deutschland"]], encoding="cp1252", delimiter=";")
    code, out = run("import", mission, hosts, "--side", "host")
    assert code == 0, out
    assert "not in this sheet" not in out and "0 not in the sheet" in out
    # The delegation's sheet again, downloaded anew, without Lyon Medtech: that one is gone.
    again = write_xlsx(tmp_path / "inscriptions (1).xlsx", FORMS, genomix()[:2], sheet="Form1")
    code, out = run("import", mission, again, "--side", "delegation")
    assert "lyon-medtech.yaml: not in this sheet any more" in out
    assert "bayern-pharma-ag" not in out and "1 not in the sheet" in out


def test_a_hand_edit_to_one_delegate_keeps_the_sheets_news_of_another(mission: Path,
                                                                      tmp_path: Path):
    first = write_xlsx(tmp_path / "a.xlsx", FORMS, genomix(), sheet="Form1")
    assert run("import", mission, first, "--side", "delegation")[0] == 0
    path = mission / "companies" / "genomix-barcelona-sl.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "name: Laura Puig", "name: Dr. Laura Puig  # as she signs"), "utf-8")
    second = write_xlsx(tmp_path / "b.xlsx", FORMS, genomix(phone="+34 699 999 999"),
                        sheet="Form1")
    code, out = run("import", mission, second, "--side", "delegation")
    assert code == 0, out
    assert "delegates (Jordi Vidal): phone" in out
    assert "kept delegates (Laura Puig): name ('Dr. Laura Puig'; the sheet says " \
           "'Laura Puig')" in out
    people = yaml.safe_load(path.read_text("utf-8"))["delegates"]
    assert [(d["name"], d["phone"]) for d in people] == [
        ("Dr. Laura Puig", "+34931234567"), ("Jordi Vidal", "+34699999999")]
    assert "# as she signs" in path.read_text("utf-8")


def test_a_company_written_two_ways_is_warned_by_cell(mission: Path, tmp_path: Path):
    rows = genomix()
    rows[1][4] = "Genomix Barcelona S.L."
    sheet = write_xlsx(tmp_path / "inscriptions.xlsx", FORMS, rows, sheet="Form1")
    code, out = run("import", mission, sheet, "--side", "delegation")
    assert code == 0, out
    assert ("inscriptions.xlsx:Form1!E3: warning: 'Genomix Barcelona S.L.' looks like "
            "'Genomix Barcelona SL' at ") in out and "Form1!E2" in out


def test_a_phone_of_a_misspelt_country_blames_the_country(mission: Path, tmp_path: Path):
    rows = genomix()
    rows[2][9] = "Frence"
    sheet = write_xlsx(tmp_path / "inscriptions.xlsx", FORMS, rows, sheet="Form1")
    code, out = run("import", mission, sheet, "--side", "delegation")
    assert code == 1
    assert "Form1!J4: error: unknown country 'Frence'" in out
    assert "Form1!I4: error: '04 72 00 00 00' has no country code and the country is " \
           "unknown" in out


def test_the_respondents_name_is_not_taken_for_the_delegates(mission: Path, tmp_path: Path):
    header = ["ID", "Adresse de messagerie", "Nom", "Raison sociale", "Prénom",
              "Nom de famille", "Courriel", "Pays"]
    rows = [[1, "marie@genomix.es", "Marie Roca", "Genomix Barcelona SL", "Laura", "Puig",
             "laura@genomix.es", "Espagne"]]
    sheet = write_xlsx(tmp_path / "inscriptions.xlsx", header, rows, sheet="Form1")
    code, out = run("import", mission, sheet, "--side", "delegation")
    assert code == 0, out
    people = yaml.safe_load((mission / "companies" / "genomix-barcelona-sl.yaml").read_text())
    assert [d["name"] for d in people["delegates"]] == ["Laura Puig"]


def test_init_points_to_the_import_of_a_registration_sheet(tmp_path: Path):
    code, out = run("init", tmp_path / "osaka")
    assert code == 0 and f"mission import {tmp_path / 'osaka'} SHEET" in out


def test_a_mapping_naming_no_column_lists_the_columns_there_are(mission: Path, tmp_path: Path):
    sheet = write_csv(tmp_path / "gastgeber.csv", HOSTS, [
        ["Bayern Pharma AG", "Klaus Weber", "k@bayernpharma.de", "+49 89 555 1234", "DE"]])
    (tmp_path / "map.yaml").write_text("columns:\n  name: Firma\n", "utf-8")
    code, out = run("import", mission, sheet, "--mapping", tmp_path / "map.yaml")
    assert code == 1
    assert ("map.yaml:2:3: error: name: no column 'Firma' in ") in out
    assert "its columns: 'Firmenname', 'Ansprechpartner', 'E-Mail', 'Telefon', 'Land'" in out


def test_a_host_list_without_countries_takes_country_from_the_option(mission: Path,
                                                                    tmp_path: Path):
    sheet = write_csv(tmp_path / "hosts.csv", ["Company", "Contact", "Email", "Phone"], [
        ["Kansai BioWorks", "Taro Yamada", "taro@kansai.example.jp", "06-1234-5678"]])
    code, out = run("import", mission, sheet, "--side", "host")
    assert code == 1 and "hosts.csv:2:4: error: '06-1234-5678' has no country code and " \
        "the row gives no country (map a country column or pass --country)" in out
    code, out = run("import", mission, sheet, "--side", "host", "--country", "Japon")
    assert code == 0, out
    kansai = yaml.safe_load((mission / "companies" / "kansai-bioworks.yaml").read_text())
    assert (kansai["country"], kansai["delegates"][0]["phone"]) == ("JP", "+81612345678")
    code, out = run("import", mission, sheet, "--side", "host", "--country", "Japn")
    assert code == 2 and "unknown country 'Japn'" in out

    sheet = write_csv(tmp_path / "hosts.csv", ["Company", "Contact", "Email"], [
        ["Kansai BioWorks", "Taro Yamada", "taro@kansai.example.jp"]])
    code, out = run("import", mission, sheet, "--side", "host")
    assert "hosts.csv:2:1: error: country: missing; map a column to it or fill it in (or " \
        "pass --country for them all)" in out


def test_skipping_a_bad_row_leaves_its_whole_company_as_it_was(mission: Path, tmp_path: Path):
    first = write_xlsx(tmp_path / "a.xlsx", FORMS, genomix(), sheet="Form1")
    assert run("import", mission, first, "--side", "delegation")[0] == 0
    path = mission / "companies" / "genomix-barcelona-sl.yaml"
    before = path.read_bytes()
    rows = genomix(phone="+34 699 999 999")
    rows[0][7] = "laura@genomix"  # a typo in Laura's row: her company waits for the fix
    second = write_xlsx(tmp_path / "b.xlsx", FORMS, rows, sheet="Form1")
    code, out = run("import", mission, second, "--side", "delegation", "--skip-bad-rows")
    assert code == 1
    assert "b.xlsx:Form1!H2: error: 'laura@genomix' is not an e-mail address" in out
    assert "left out 2 row(s) with errors: " in out
    assert out.rstrip().endswith("b.xlsx:Form1!A3") and "b.xlsx:Form1!A2, " in out
    assert "not in this sheet" not in out
    assert path.read_bytes() == before


def test_a_company_of_an_earlier_sheet_is_not_overwritten_by_another(mission: Path,
                                                                     tmp_path: Path):
    delegation = write_xlsx(tmp_path / "inscriptions.xlsx", [*FORMS, "Nous offrons"],
                            [[*r, "Capteurs"] for r in genomix()], sheet="Form1")
    assert run("import", mission, delegation, "--side", "delegation")[0] == 0
    path = mission / "companies" / "lyon-medtech.yaml"
    before = path.read_bytes()
    hosts = write_csv(tmp_path / "gastgeber.csv", HOSTS, [
        ["Bayern Pharma AG", "Klaus Weber", "k@bayernpharma.de", "+49 89 555 1234", "DE"],
        ["Lyon Medtech", "Pierre Durand", "p@lyonmedtech.fr", "04 72 00 00 00", "FR"]])
    code, out = run("import", mission, hosts, "--side", "host")
    assert code == 0, out
    assert "gastgeber.csv:3:1: warning: 'Lyon Medtech' was imported from inscriptions.xlsx; " \
        "its rows here are left out" in out
    assert path.read_bytes() == before  # still in the delegation, still offering sensors
    assert "1 new, 0 updated, 0 unchanged, 0 not in the sheet" in out


def test_a_question_naming_the_company_still_maps_to_its_own_field(tmp_path: Path):
    sheet = write_csv(tmp_path / "google.csv", [
        "Timestamp", "Email Address", "Company", "Your name", "What does your company offer?",
        "What are you looking for?"], [])
    code, mapping = run("import", "--guess-mapping", sheet)
    assert code == 0
    assert 'offers: "What does your company offer?"' in mapping
    assert 'name: "Company"' in mapping and 'seeks: "What are you looking for?"' in mapping


def test_a_mapping_file_finds_its_header_below_a_title(mission: Path, tmp_path: Path):
    sheet = write_xlsx(tmp_path / "titled.xlsx", ["Liste des participants - Japon 2026"], [
        [], ["Org", "Land", "Mail", "Who"], ["Acme Bio", "ES", "ann@acme.es", "Ann Lee"]])
    (tmp_path / "map.yaml").write_text("columns:\n  name: Org\n  country: Land\n"
                                       "  delegate.email: Mail\n  delegate.name: Who\n")
    code, out = run("import", mission, sheet, "--mapping", tmp_path / "map.yaml", "--side",
                    "host")
    assert code == 0, out
    acme = yaml.safe_load((mission / "companies" / "acme-bio.yaml").read_text())
    assert (acme["country"], acme["delegates"][0]["name"]) == ("ES", "Ann Lee")


def test_a_new_download_of_the_form_with_a_new_question_is_the_same_sheet(mission: Path,
                                                                          tmp_path: Path):
    first = write_xlsx(tmp_path / "Inscriptions(1-3).xlsx", FORMS, genomix(), sheet="Form1")
    assert run("import", mission, first, "--side", "delegation")[0] == 0
    rows = [[*r, "Capteurs"] for r in genomix(phone="+34 699 999 999")[:2]]
    second = write_xlsx(tmp_path / "Inscriptions(1-5).xlsx", [*FORMS, "Nous offrons"], rows,
                        sheet="Form1")
    code, out = run("import", mission, second, "--side", "delegation")
    assert code == 0, out
    assert "was imported from" not in out
    assert "genomix-barcelona-sl.yaml: delegates, profile.offers" in out
    assert "lyon-medtech.yaml: not in this sheet any more" in out
    text = (mission / "companies" / "genomix-barcelona-sl.yaml").read_text("utf-8")
    assert "+34699999999" in text and "Capteurs" in text


@pytest.mark.parametrize("header", [["Nombre", "Apellidos"], ["Name", "Surname"],
                                    ["Vorname", "Name"], ["Prénom", "Nom"]])
def test_a_first_and_last_name_make_the_delegates_full_name(mission: Path, tmp_path: Path,
                                                          header: list[str]):
    sheet = write_csv(tmp_path / "regs.csv", ["Empresa", "País", *header, "Correo"],
                      [["Genomix", "España", "Laura", "Puig Vidal", "laura@genomix.es"]])
    code, out = run("import", mission, sheet, "--side", "delegation")
    assert code == 0, out
    genomix_file = yaml.safe_load((mission / "companies" / "genomix.yaml").read_text())
    assert genomix_file["delegates"][0]["name"] == "Laura Puig Vidal"
