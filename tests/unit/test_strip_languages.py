"""strip_residue in German, French and Spanish: the same interface labels, credits and prompts as in English."""

from __future__ import annotations

import pytest

from pipelines.models import ExtractedArticle
from pipelines.strip import strip_residue

BODY = [
    "Der Gemeinderat hat am Dienstag nach einer sechsstündigen Debatte den neuen Haushalt beschlossen.",
    "Die Opposition kritisierte, die Pläne beruhten auf zu optimistischen Prognosen für die Gewerbesteuer.",
    "Der Haushalt tritt im April in Kraft und wird im Herbst erneut geprüft.",
]


def _stripped(*lines: str) -> str:
    return strip_residue(ExtractedArticle(title="Haushalt beschlossen", text="\n".join(lines))).text


@pytest.mark.parametrize(
    "line",
    [
        "Kommentare (3)",
        "Seite teilen",
        "Commentaires",
        "Etiquetas:",
        "Permalien",
        "Kontakt:",
        "Weitere Informationen",
        "Quellenangaben:",
        "Pour en savoir plus :",
        "Más información:",
        "Aktualisiert am",
        "Last Modified: 12.03.2021",
        "Titelbild: Stadtverwaltung",
        "Quelle: Landesregierung",
        "Crédits photos : Agence",
        "- Anzeige -",
        "Keine Kommentare",
        "Laisser un commentaire",
        "War der Artikel nützlich?",
        "Was this article helpful?",
        "Síguenos en Telegram, Instagram, Facebook y Twitter",
        "Folgen Sie uns auf Facebook und Instagram",
        "Follow The Daily Planet on Twitter and Instagram @planet",
        "To view the full story, please subscribe to The Daily Planet.",
        "If you’re seeing this message but you’re already a subscriber, log in for access.",
    ],
)
def test_a_label_credit_or_prompt_line_goes(line: str) -> None:
    assert _stripped(BODY[0], BODY[1], line, BODY[2]) == "\n".join(BODY)


@pytest.mark.parametrize(
    "line",
    [
        "Die Quelle des Flusses liegt in den Alpen, wo das Wasser aus einem Gletscher tritt.",
        "Kontakt zu den Behörden hatte die Familie nach eigenen Angaben nie gesucht.",
        "Sie folgen uns seit Jahren auf Facebook, sagte die Sprecherin, und wollen mehr Berichte.",
        "»Wer den ganzen Artikel lesen will, muss abonnieren«, sagte der Verleger über die Zukunft.",
        "Más información sobre el presupuesto se publicará en abril, según el ayuntamiento.",
    ],
)
def test_prose_that_starts_like_a_label_stays(line: str) -> None:
    assert _stripped(BODY[0], line, BODY[1]) == "\n".join([BODY[0], line, BODY[1]])


@pytest.mark.parametrize("heading", ["Verwandte Beiträge", "Videos zum Thema", "Notas relacionadas"])
def test_a_related_heading_in_another_language_takes_its_teasers(heading: str) -> None:
    teasers = ["Neue Schule eröffnet", "Busfahrplan geändert", "Stadtfest abgesagt"]
    assert _stripped(*BODY, heading, *teasers) == "\n".join(BODY)
