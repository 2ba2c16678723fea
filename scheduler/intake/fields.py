"""Which column feeds which profile field: the fields, the header names that usually mean
them (English, French, Spanish, German, Italian), a guessed mapping and mapping files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.errors import InputError, Problem, rel, shown
from scheduler.sheets import Table

COMPANY_FIELDS = ("id", "name", "side", "country", "city", "cluster", "website", "timezone",
                  "sectors", "offers", "seeks", "description", "attends", "unavailable",
                  "max_meetings")
DELEGATE_FIELDS = ("delegate.name", "delegate.first_name", "delegate.last_name",
                   "delegate.email", "delegate.role", "delegate.phone")
FIELDS = COMPANY_FIELDS + DELEGATE_FIELDS
LIST_FIELDS = frozenset({"sectors", "offers", "seeks", "attends", "unavailable"})

# Header names, written as `words()` leaves them: lowercase, no accents, words apart.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "company id", "identifiant", "identificador", "kennung", "codice"),
    "name": ("company", "company name", "organisation", "organization", "organisation name",
             "organization name", "raison sociale", "societe", "entreprise",
             "nom de l entreprise", "nom de la societe", "organisme", "empresa",
             "nombre de la empresa", "razon social", "organizacion", "firma", "firmenname",
             "unternehmen", "ragione sociale", "azienda", "nome azienda", "societa",
             "impresa"),
    "side": ("side", "type", "category", "participant type", "type of participant", "camp", "lado",
             "tipo de participante", "seite", "teilnehmertyp", "tipo partecipante"),
    "country": ("country", "country region", "pays", "pais", "land", "paese", "nazione"),
    "city": ("city", "town", "ville", "ciudad", "localidad", "stadt", "ort", "citta",
             "comune"),
    "cluster": ("cluster", "cluster name", "pole", "pole de competitivite", "agrupacion",
                "cluster organisation", "netzwerk", "distretto"),
    "website": ("website", "web site", "web", "url", "homepage", "site web", "site internet",
                "sitio web", "pagina web", "webseite", "internetseite", "sito web",
                "sito internet"),
    "timezone": ("timezone", "time zone", "fuseau horaire", "zona horaria", "zeitzone",
                 "fuso orario"),
    "sectors": ("sector", "sectors", "industry", "field", "fields", "secteur", "secteurs",
                "domaine", "domaines", "sector de actividad", "sectores", "branche", "sektor",
                "sektoren", "settore", "settori"),
    "offers": ("offer", "offers", "we offer", "what we offer", "offre", "offres",
               "nous offrons", "oferta", "ofertas", "ofrecemos", "angebot", "wir bieten",
               "offerta", "offriamo"),
    "seeks": ("seek", "seeks", "looking for", "we seek", "we are looking for", "request",
              "demande", "recherche", "nous recherchons", "busca", "buscamos", "demanda",
              "gesucht", "wir suchen", "suche", "nachfrage", "cerchiamo", "domanda",
              "ricerca"),
    "description": ("description", "company description", "profile", "about", "presentation",
                    "descripcion", "beschreibung", "unternehmensbeschreibung", "profil",
                    "descrizione", "profilo"),
    "attends": ("attends", "sessions", "partnering sessions", "session", "sesiones",
                "sitzungen", "sessioni"),
    "unavailable": ("unavailable", "not available", "unavailability", "indisponible",
                    "indisponibilites", "no disponible", "nicht verfugbar",
                    "non disponibile"),
    "max_meetings": ("max meetings", "maximum meetings", "max rdv", "rendez vous max",
                     "nombre max de rendez vous", "max reuniones", "max termine",
                     "max incontri"),
    "delegate.name": ("name", "full name", "participant", "delegate", "contact",
                      "contact name", "contact person", "nom", "nom complet", "delegue",
                      "nombre", "nombre completo", "participante", "teilnehmer",
                      "ansprechpartner", "nome", "nome e cognome", "partecipante",
                      "referente"),
    "delegate.first_name": ("first name", "given name", "prenom", "vorname", "nome proprio"),
    "delegate.last_name": ("last name", "surname", "family name", "nom de famille", "apellido",
                           "apellidos", "nachname", "familienname", "cognome"),
    "delegate.email": ("email", "e mail", "mail", "email address", "e mail address",
                       "courriel", "adresse e mail", "adresse electronique", "correo",
                       "correo electronico", "e mail adresse", "posta elettronica",
                       "indirizzo email", "indirizzo e mail"),
    "delegate.role": ("role", "position", "job title", "title", "function", "fonction",
                      "poste", "titre", "cargo", "puesto", "funcion", "funktion", "rolle",
                      "berufsbezeichnung", "ruolo", "funzione", "qualifica"),
    "delegate.phone": ("phone", "telephone", "phone number", "mobile", "tel", "portable",
                       "telefono", "movil", "telefon", "handy", "telefonnummer", "cellulare"),
}


def words(text: str) -> str:
    """A header as compared: lowercase, accents dropped, words apart ('E-mail' -> 'e mail')."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


@dataclass
class Mapping:
    """Profile field -> the 1-based columns feeding it (list fields may take several)."""

    columns: dict[str, list[int]] = field(default_factory=dict)

    def describe(self, table: Table) -> dict[str, list[str]]:
        """Field -> header texts, for printing the mapping."""
        return {f: [table.header[c - 1].text for c in cols] for f, cols in self.columns.items()}


def _matches(header: str) -> dict[str, tuple[int, int]]:
    """Each field a header may mean, with how sure (3 exact, 2 leading, 1 inside) and the
    length of the synonym that says so (a longer one is more telling)."""
    key = words(header)
    found: dict[str, tuple[int, int]] = {}
    for name, names in SYNONYMS.items():
        for synonym in names if key else ():
            if key == synonym:
                score = 3
            elif key.startswith(synonym + " "):
                score = 2
            elif f" {synonym} " in f" {key} ":
                score = 1
            else:
                continue
            found[name] = max(found.get(name, (0, 0)), (score, len(synonym)))
    return found


def guess_mapping(table: Table) -> Mapping:
    """The mapping the header names suggest: the surest (field, column) pairs first, each
    field and column once, so a column whose likeliest field another column holds more
    surely ('What does your company offer?' beside 'Company') takes its next field."""
    pairs = sorted(((rank, -col, name) for col, cell in enumerate(table.header, start=1)
                    for name, rank in _matches(cell.text).items()), reverse=True)
    chosen: dict[str, tuple[int, int]] = {}  # field -> (score, column)
    used: set[int] = set()
    for rank, col, name in pairs:
        if name not in chosen and -col not in used:
            chosen[name] = (rank[0], -col)
            used.add(-col)
    # A form's own response number ("ID" in Microsoft Forms) is no company id: taken as
    # one, it would make each row a company of its own.
    if "id" in chosen and _numbers_only(table, chosen["id"][1]):
        del chosen["id"]
    # "Prénom" + "Nom": with a first-name column, a bare name column holds the last name.
    if "delegate.first_name" in chosen and "delegate.last_name" not in chosen \
            and "delegate.name" in chosen:
        chosen["delegate.last_name"] = chosen.pop("delegate.name")
    # "Nombre" + "Apellidos", "Name" + "Surname": beside a last-name column, a bare name
    # column holds the first name.
    if "delegate.last_name" in chosen and "delegate.first_name" not in chosen \
            and "delegate.name" in chosen:
        chosen["delegate.first_name"] = chosen.pop("delegate.name")
    # With both name parts asked, a full-name column is the form's respondent (Microsoft
    # Forms' "Nom"/"Name"), who may be an assistant registering the delegate.
    if "delegate.first_name" in chosen and "delegate.last_name" in chosen:
        chosen.pop("delegate.name", None)
    return Mapping({f: [chosen[f][1]] for f in FIELDS if f in chosen})


def _numbers_only(table: Table, col: int) -> bool:
    """Whether a column holds only whole numbers (row or response numbers)."""
    values = [row[col - 1].value for row in table.rows if col - 1 < len(row)
              and row[col - 1].value is not None]
    return bool(values) and all(
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.isdigit())
        for v in values)


def mapping_text(table: Table, mapping: Mapping, sheet_name: str) -> str:
    """A mapping as the YAML file `--mapping` reads, with the columns left out listed."""
    lines = [f"# Mapping of {sheet_name} for `mission import`: profile field: column header.",
             "# Check it, correct what is wrong, then pass it with --mapping FILE.",
             "columns:"]
    for name, headers in mapping.describe(table).items():
        value = headers[0] if len(headers) == 1 else headers
        lines.append(f"  {name}: {_quoted(value)}")
    used = {c for cols in mapping.columns.values() for c in cols}
    left = [c.text for i, c in enumerate(table.header, 1) if i not in used and c.text]
    if left:
        lines.append("# Columns not imported: " + ", ".join(left))
    unmapped = [f for f in FIELDS if f not in mapping.columns]
    lines.append("# Fields with no column: " + ", ".join(unmapped))
    return "\n".join(lines) + "\n"


def _quoted(value: str | list[str]) -> str:
    """A header (or list of headers) as a YAML double-quoted scalar."""
    import json

    return json.dumps(value, ensure_ascii=False)


def read_mapping(path: Path, table: Table) -> Mapping:
    """A mapping file (`columns: {field: header or [headers]}`) resolved against the table's
    header; every unknown field or missing column is reported at once, with its line."""
    from scheduler.yamledit import load_path

    name = rel(path)
    try:
        document = load_path(path)
    except Exception as exc:  # noqa: BLE001 - any YAML or file error is the user's to fix
        raise InputError([Problem(name, 0, 0, "error", f"cannot read the mapping: {exc}")]) \
            from None
    columns = document.get("columns") if isinstance(document, dict) else None
    if not isinstance(columns, dict):
        raise InputError([Problem(name, 1, 1, "error", "the mapping needs a `columns:` "
                                  "mapping of profile field: column header")])
    headers = {words(c.text): i for i, c in enumerate(table.header, 1) if c.text}
    mapping, problems = Mapping(), []
    for key, value in columns.items():
        line, col = (n + 1 for n in columns.lc.key(key))  # type: ignore[attr-defined]
        if key not in FIELDS:
            problems.append(Problem(name, line, col, "error", f"unknown field '{shown(key)}'; "
                                    "fields: " + ", ".join(FIELDS)))
            continue
        wanted = value if isinstance(value, list) else [value]
        for header in wanted:
            if words(str(header)) not in headers:
                there = ", ".join(f"'{shown(c.text)}'" for c in table.header if c.text)
                problems.append(Problem(name, line, col, "error", f"{key}: no column "
                                        f"'{shown(header)}' in {table.file}; its columns: "
                                        f"{there}"))
            else:
                mapping.columns.setdefault(key, []).append(headers[words(str(header))])
    if problems:
        raise InputError(problems)
    return mapping
